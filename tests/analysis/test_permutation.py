"""The stratified rank test against scipy's Mann-Whitney and an exact enumeration."""

import warnings
from itertools import combinations

import numpy as np
import pytest
from scipy import stats

from analysis import stratified_rank_test


def test_one_stratum_is_mann_whitney_with_the_tie_correction():
    office = [9, 9, 10, 10, 10, 10, 10]
    rest = [7, 8, 9, 10, 10, 6, 9, 8, 10, 5, 9, 10, 10, 7]
    scores = np.array(office + rest, dtype=float)
    groups = np.array([0] * len(office) + [1] * len(rest))
    result = stratified_rank_test(np.zeros(scores.size, int), groups, scores, groups=2)
    expected = stats.mannwhitneyu(office, rest, method="asymptotic", use_continuity=False)
    assert result.p[0] == pytest.approx(expected.pvalue, rel=1e-12)
    assert result.diff[0] == pytest.approx(np.mean(office) - np.mean(rest), rel=1e-12)


STRATA = {  # stratum -> (scores, group of each)
    0: ([3, 5, 5, 8], [0, 0, 1, 1]),
    1: ([2, 9, 7, 7, 4], [0, 1, 1, 1, 2]),
    2: ([6, 6, 6], [0, 2, 2]),  # all tied: says nothing
    3: ([10], [0]),  # alone: says nothing
}


def _exact_variance_of_rank_sum(group: int) -> float:
    """Enumerate every placement of the group's labels within each stratum."""
    total = 0.0
    for scores, labels in STRATA.values():
        scores = np.array(scores, float)
        k, size = labels.count(group), len(scores)
        if k == 0 or k == size:
            continue
        ranks = stats.rankdata(scores)
        a = (ranks - (size + 1) / 2) / (size + 1)
        sums = [a[list(chosen)].sum() for chosen in combinations(range(size), k)]
        total += np.var(sums)
    return total


def _flat():
    stratum, group, score = [], [], []
    for s, (scores, labels) in STRATA.items():
        stratum += [s] * len(scores)
        group += labels
        score += scores
    return np.array(stratum), np.array(group), np.array(score, float)


def test_variance_is_the_exact_permutation_variance_within_strata():
    stratum, group, score = _flat()
    result = stratified_rank_test(stratum, group, score, groups=3)
    for g in range(3):
        statistic = 0.0
        for scores, labels in STRATA.values():
            scores = np.array(scores, float)
            if len(set(labels)) < 2:
                continue
            ranks = stats.rankdata(scores)
            a = (ranks - (len(scores) + 1) / 2) / (len(scores) + 1)
            statistic += a[np.array(labels) == g].sum()
        assert result.z[g] == pytest.approx(statistic / _exact_variance_of_rank_sum(g) ** 0.5)


def test_difference_is_each_rating_minus_the_other_offices_of_its_stratum():
    stratum, group, score = _flat()
    result = stratified_rank_test(stratum, group, score, groups=3)
    for g in range(3):
        deltas = []
        for scores, labels in STRATA.values():
            others = [y for y, label in zip(scores, labels, strict=True) if label != g]
            if others:
                deltas += [y - np.mean(others)
                           for y, label in zip(scores, labels, strict=True) if label == g]
        assert result.diff[g] == pytest.approx(np.mean(deltas), rel=1e-12)
    assert result.informative.tolist() == [4, 5, 3]


@pytest.mark.parametrize("base", [
    [1, 1, 1, 2, 3, 5, 9, 18, 27, 33],  # ceiling-heavy
    [33, 27, 18, 9, 5, 3, 2, 1, 1, 1],  # floor-heavy
])
def test_small_offices_on_ceiling_or_floor_data_are_not_flagged_too_often(base):
    """Welch's t on 7 ratings against the rest is several times too small in the far tail
    on such data; the rank test's tail holds (expected 1% at p < 0.01)."""
    rng = np.random.default_rng(7)
    probabilities = np.array(base, float) / sum(base)
    reps, small, rest = 4000, 7, 120
    scores = rng.choice(np.arange(1, 11), size=(reps, small + rest), p=probabilities)
    groups = np.r_[np.zeros(small, int), np.ones(rest, int)]
    strata = np.repeat(np.arange(reps), small + rest)
    flat_groups = np.tile(groups, reps) + 2 * strata
    result = stratified_rank_test(strata, flat_groups, scores.ravel().astype(float),
                                  groups=2 * reps)
    rate = np.mean(result.p[0::2] < 0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an office of seven 10s has no SD
        welch = stats.ttest_ind(scores[:, :small], scores[:, small:], axis=1, equal_var=False)
    assert 0.005 <= rate <= 0.016
    assert np.mean(welch.pvalue < 0.01) > rate


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="one value per rating"):
        stratified_rank_test([0, 0], [0], [1.0, 2.0], groups=1)
    with pytest.raises(ValueError, match="group ids"):
        stratified_rank_test([0, 0], [0, 3], [1.0, 2.0], groups=2)
