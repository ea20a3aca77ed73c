"""Before and after a letter: the triggering cycles left out, against comparable offices."""

import numpy as np
import pytest

from analysis import ChangeVerdict, ScoreHistogram, before_after, letter_check


def _weighted(n, mean, positions, sigma2, tau2):
    w = np.array([1 / (sigma2 / n[p] + tau2) for p in positions])
    return np.dot(w, [mean[p] for p in positions]) / w.sum(), 1 / w.sum()


def test_figures_by_hand():
    n = np.array([10, 8, 12, 9, 11, 10, 7], float)
    mean = np.array([6.0, 6.4, 4.1, 6.2, 6.8, 6.5, 6.9])
    comparators_n = np.array([[9, 9, 9, 9, 9, 9, 9], [12, 0, 10, 11, 10, 9, 8]], float)
    comparators_mean = np.array([[5, 5.2, 5.1, 5.3, 5.6, 5.4, 5.5], [6, 0, 6.1, 6.0, 6.4, 6.2,
                                                                       6.3]])
    result = letter_check(n, mean, 3.5, [2, 3], sigma2=4.0, tau2=0.05,
                          comparators_n=comparators_n, comparators_mean=comparators_mean)
    assert result.before_positions == (0, 1) and result.left_out == (2, 3)
    assert result.after_positions == (4, 5, 6)
    before, before_var = _weighted(n, mean, (0, 1), 4.0, 0.05)
    after, after_var = _weighted(n, mean, (4, 5, 6), 4.0, 0.05)
    changes, variances = [], []
    for cn, cm in zip(comparators_n, comparators_mean, strict=True):
        rated_before = [p for p in (0, 1) if cn[p] > 0]
        b, bv = _weighted(cn, cm, rated_before, 4.0, 0.05)
        a, av = _weighted(cn, cm, (4, 5, 6), 4.0, 0.05)
        changes.append(a - b)
        variances.append(av + bv)
    diff = (after - before) - np.mean(changes)
    half = 1.959963984540054 * np.sqrt(after_var + before_var + sum(variances) / 4)
    assert result.change == pytest.approx(after - before)
    assert result.diff == pytest.approx(diff)
    assert result.diff_ci95 == pytest.approx((diff - half, diff + half))
    assert result.comparators == 2


def test_regression_to_the_mean_is_not_credited_to_the_letter():
    """Offices written to because their last cycles were low, nothing changed: the old
    before/after calls them "higher after" far more often than 1 in 40; this check does not."""
    rng = np.random.default_rng(21)
    old, new = [], []
    for _ in range(150):
        n = rng.integers(5, 16, (150, 9)).astype(float)
        mean = 6 + rng.normal(0, 0.3, (150, 1)) + rng.normal(0, np.sqrt(4 / n + 0.04))
        written = np.argsort(mean[:, 3:6].mean(axis=1))[:8]  # the lowest over cycles 3-5
        others = np.setdiff1d(np.arange(150), written)
        for o in written:
            result = letter_check(n[o], mean[o], 5.5, [3, 4, 5], sigma2=4.0, tau2=0.04,
                                  comparators_n=n[others], comparators_mean=mean[others])
            new.append(result.verdict == ChangeVerdict.HIGHER_AFTER)
            cycles = {c: ScoreHistogram.from_counts(_histogram(rng, n[o, c], mean[o, c]))
                      for c in range(9)}
            old.append(before_after(cycles, 5.5).verdict == ChangeVerdict.HIGHER_AFTER)
    assert np.mean(new) <= 0.05
    assert np.mean(old) > 2 * np.mean(new)


def _histogram(rng, n, mean):
    """n ratings around a mean (for the old, rating-level before/after)."""
    scores = np.clip(np.rint(rng.normal(mean, 2, int(n))), 1, 10).astype(int)
    return np.bincount(scores - 1, minlength=10).tolist()


def test_not_enough_data_without_cycles_before_the_trigger():
    result = letter_check([10, 10, 10, 10], [5, 4, 6, 6], 1.5, [0, 1], sigma2=4.0)
    assert result.verdict == ChangeVerdict.NOT_ENOUGH_DATA(min_per_side=5)
    assert result.before_positions == ()
