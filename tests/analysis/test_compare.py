"""Office-vs-rest comparisons against scipy on the raw scores."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from analysis import (
    ComparisonFlag,
    ScoreHistogram,
    bh_qvalues,
    brunner_munzel,
    compare_offices,
    welch_difference,
)

H = ScoreHistogram.from_scores

CYCLE = {
    "BDO Gaighata": [2, 3, 2, 1, 3, 2, 4],
    "WDO Habra": [7, 8, 6, 7, 9, 8],
    "BWO Bagdah": [6, 7, 5, 6, 5, 7, 6],
    "DSWO": [5, 6, 4, 7, 6],
    "BLDO Amdanga": [9, 3],  # fewer than 5 raters: neither compared nor in the rest
}


def test_welch_against_the_rest_equals_scipy():
    results = {c.office: c for c in compare_offices({o: H(s) for o, s in CYCLE.items()}, "1")}
    compared = [o for o in CYCLE if len(CYCLE[o]) >= 5]
    p_values = []
    for office in compared:
        rest = np.concatenate([CYCLE[o] for o in compared if o != office]).astype(float)
        welch = stats.ttest_ind(CYCLE[office], rest, equal_var=False)
        ci = welch.confidence_interval()
        result = results[office]
        assert result.diff_vs_rest == pytest.approx(np.mean(CYCLE[office]) - rest.mean())
        assert result.diff_ci95 == pytest.approx((ci.low, ci.high))
        assert result.p == pytest.approx(welch.pvalue)
        p_values.append(welch.pvalue)
    q = stats.false_discovery_control(p_values)
    assert [results[o].q for o in compared] == pytest.approx(q)
    assert results["BDO Gaighata"].flag == ComparisonFlag.BELOW_NETWORK
    assert results["WDO Habra"].flag == ComparisonFlag.ABOVE_NETWORK
    assert results["DSWO"].flag == ComparisonFlag.NO_CLEAR_DIFFERENCE
    skipped = results["BLDO Amdanga"]
    assert skipped.flag == ComparisonFlag.NOT_COMPARED_FEW_RATERS
    assert skipped.flag.params == {"min_raters": 5}
    assert skipped.p is None and skipped.eb_mean is None


def test_raters_not_ratings_decide_eligibility():
    hists = {o: H(s) for o, s in CYCLE.items()}
    hists["DSWO"] = hists["DSWO"].with_raters(3)
    flags = {c.office: c.flag for c in compare_offices(hists)}
    assert flags["DSWO"] == ComparisonFlag.NOT_COMPARED_FEW_RATERS


def test_floor_heavy_small_office_needs_brunner_munzel_to_agree():
    cycle = {
        "floor": H([1, 1, 1, 1, 1, 10, 10, 10]),
        "a": H([5, 6, 5, 6, 5, 6]),
        "b": H([5, 6, 4, 6, 5, 5]),
        "c": H([6, 5, 5, 6, 4, 6]),
    }
    result = {c.office: c for c in compare_offices(cycle)}["floor"]
    rest = np.concatenate([cycle[o].scores() for o in "abc"])
    expected = stats.brunnermunzel(cycle["floor"].scores(), rest)
    if result.q < 0.05:
        assert result.brunner_munzel_p == pytest.approx(expected.pvalue)
    agrees = expected.pvalue < 0.05
    assert (result.flag == ComparisonFlag.BELOW_NETWORK) == (result.q < 0.05 and agrees)


def test_alone_in_the_cycle_is_not_compared():
    (only,) = compare_offices({"BDO": H([5, 6, 7, 8, 9])})
    assert only.flag == ComparisonFlag.NOT_COMPARED_NO_REST


@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_bh_equals_scipy(p):
    assert bh_qvalues(p) == pytest.approx(stats.false_discovery_control(p))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([1, 1, 2, 5], [4, 6, 7, 8, 9]),
        ([1, 1, 2, 5, 3, 3], [4, 6, 7, 8, 9, 1, 1]),
        ([1, 1, 1, 2, 10], [5, 5, 6, 7, 5, 6, 4, 3]),
        ([3, 3, 4], [3, 4, 4, 5]),
    ],
)
def test_brunner_munzel_from_histograms_equals_scipy(a, b):
    result = stats.brunnermunzel(a, b)
    assert brunner_munzel(H(a), H(b)) == pytest.approx((result.statistic, result.pvalue))


def test_brunner_munzel_complete_separation_is_p_zero():
    assert brunner_munzel(H([1, 1, 1]), H([5, 6, 7])) == (np.inf, 0.0)


@pytest.mark.parametrize(
    ("a", "b"), [([8, 9, 10], [2, 3, 5, 6]), ([5, 5, 6, 7, 1], [4, 4, 4, 5, 9, 10, 10])]
)
def test_welch_difference_equals_scipy(a, b):
    result = welch_difference(H(a), H(b))
    expected = stats.ttest_ind(a, b, equal_var=False)
    ci = expected.confidence_interval()
    assert result.p == pytest.approx(expected.pvalue)
    assert result.ci95 == pytest.approx((ci.low, ci.high))


def test_welch_undefined_without_spread():
    assert welch_difference(H([5, 5]), H([7, 7, 7])).ci95 is None
    with pytest.raises(ValueError, match="at least one rating"):
        welch_difference(ScoreHistogram.empty(), H([5]))


def test_bh_refuses_nonsense():
    with pytest.raises(ValueError, match="between 0 and 1"):
        bh_qvalues([0.2, 1.5])
