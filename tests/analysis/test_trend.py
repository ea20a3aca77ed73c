"""Trends against least squares on the individual ratings and scipy on the cycle means."""

import numpy as np
import pytest
from scipy import stats

from analysis import ScoreHistogram, TrendVerdict, office_trend

H = ScoreHistogram.from_scores

# position -> scores; position 2 missing leaves a gap on the x axis
OFFICE = {
    0: [3, 4, 5, 4, 3, 5],
    1: [4, 5, 6, 5, 4],
    3: [6, 7, 5, 7, 6, 8, 6],
    4: [7, 8, 6, 7, 9],
    6: [8, 9, 7, 8, 9, 10],
}


def _raw(office):
    x = np.concatenate([np.full(len(s), p, dtype=float) for p, s in office.items()])
    y = np.concatenate([np.array(s, dtype=float) for s in office.values()])
    return x, y


def test_slope_is_least_squares_on_individual_ratings():
    x, y = _raw(OFFICE)
    design = np.column_stack([np.ones_like(x), x])
    (_, expected), *_ = np.linalg.lstsq(design, y, rcond=None)
    trend = office_trend({p: H(s) for p, s in OFFICE.items()})
    assert trend.slope == pytest.approx(expected, rel=1e-12)
    assert trend.positions == (0, 1, 3, 4, 6)
    assert trend.change_over_window == pytest.approx(expected * 6)


def test_interval_uses_the_larger_of_residual_and_within_variance():
    positions = np.array(list(OFFICE), dtype=float)
    groups = [np.array(s, dtype=float) for s in OFFICE.values()]
    n = np.array([len(g) for g in groups], dtype=float)
    means = np.array([g.mean() for g in groups])
    # weighted least squares written out: W = diag(n), beta = (X'WX)^-1 X'Wy
    design = np.column_stack([np.ones_like(positions), positions])
    weights = np.diag(n)
    beta = np.linalg.solve(design.T @ weights @ design, design.T @ weights @ means)
    k = len(groups)
    ms_res = (n * (means - design @ beta) ** 2).sum() / (k - 2)
    pooled = sum(((g - g.mean()) ** 2).sum() for g in groups) / (n.sum() - k)
    cov = np.linalg.inv(design.T @ weights @ design) * max(ms_res, pooled)
    half = stats.t.ppf(0.975, k - 2) * np.sqrt(cov[1, 1])
    trend = office_trend({p: H(s) for p, s in OFFICE.items()})
    assert trend.slope_ci95 == pytest.approx((beta[1] - half, beta[1] + half), rel=1e-10)
    expected_p = 2 * stats.t.sf(abs(beta[1]) / np.sqrt(cov[1, 1]), k - 2)
    assert trend.slope_p == pytest.approx(expected_p, rel=1e-9)
    assert trend.variance_scale == ("residual" if ms_res >= pooled else "within")


def test_checks_equal_scipy_on_the_cycle_means():
    trend = office_trend({p: H(s) for p, s in OFFICE.items()})
    positions = np.array(list(OFFICE), dtype=float)
    means = np.array([np.mean(s) for s in OFFICE.values()])
    tau = stats.kendalltau(positions, means, method="exact")
    assert (trend.kendall_tau, trend.kendall_p) == pytest.approx((tau.statistic, tau.pvalue))
    assert trend.kendall_method == "exact"
    theil = stats.theilslopes(means, positions, alpha=0.95)
    assert trend.theil_sen_slope == pytest.approx(theil.slope)
    assert trend.theil_sen_ci95 == pytest.approx((theil.low_slope, theil.high_slope))
    welch = stats.ttest_ind(OFFICE[6], OFFICE[0], equal_var=False)
    assert trend.first_last.diff == pytest.approx(np.mean(OFFICE[6]) - np.mean(OFFICE[0]))
    assert trend.first_last.p == pytest.approx(welch.pvalue)
    ci = welch.confidence_interval()
    assert trend.first_last.ci95 == pytest.approx((ci.low, ci.high))


def test_tied_cycle_means_use_the_asymptotic_kendall_p():
    office = {0: [4, 6], 1: [5, 5], 2: [7, 7], 3: [6, 8], 4: [9, 9]}
    trend = office_trend({p: H(s) for p, s in office.items()})
    means = [np.mean(s) for s in office.values()]
    tau = stats.kendalltau(list(office), means, method="asymptotic")
    assert trend.kendall_method == "asymptotic"
    assert (trend.kendall_tau, trend.kendall_p) == pytest.approx((tau.statistic, tau.pvalue))


def _cycles(means, n=8):
    # n ratings per cycle spread +-1 around an integer mean
    pattern = [-1, 0, 1, 0] * n
    return {p: H([m + d for d in pattern[:n]]) for p, m in enumerate(means)}


@pytest.mark.parametrize(
    ("office", "verdict"),
    [
        (_cycles([3, 4, 5, 6, 7]), TrendVerdict.IMPROVING),
        (_cycles([8, 7, 6, 5]), TrendVerdict.DECLINING),
        (_cycles([3, 5, 7]), TrendVerdict.NOT_ENOUGH_DATA),
        (_cycles([5, 6, 5, 6, 5, 6]), TrendVerdict.NO_CLEAR_CHANGE),
        # steep but too few cycles with n >= 5
        (_cycles([3, 4, 5, 6, 7], n=4), TrendVerdict.NO_CLEAR_CHANGE),
        # a clear but tiny change (less than 1 point over the window)
        ({p: H([5] * 30 + [6] * (10 + 2 * p)) for p in range(5)}, TrendVerdict.NO_CLEAR_CHANGE),
    ],
)
def test_verdict_table(office, verdict):
    assert office_trend(office).verdict == verdict


def test_one_odd_cycle_cannot_fake_precision():
    # means on a perfect line, each cycle perfectly consistent except one noisy cycle:
    # the interval must not collapse although the residual mean square is 0
    office = {0: H([3] * 6), 1: H([4] * 6), 2: H([1, 9, 1, 9, 5, 5]), 3: H([6] * 6)}
    trend = office_trend(office)
    assert trend.variance_scale == "within"
    assert trend.slope_ci95[1] - trend.slope_ci95[0] > 1


def test_all_ratings_identical_gives_no_interval():
    trend = office_trend({p: H([6] * 5) for p in range(5)})
    assert trend.slope == 0.0
    assert trend.slope_ci95 is None and trend.kendall_tau is None
    assert trend.verdict == TrendVerdict.NO_CLEAR_CHANGE


def test_labels_and_empty_cycles():
    trend = office_trend(
        {0: H([5, 6]), 1: ScoreHistogram.empty(), 2: H([7])}, "BDO", {0: "a", 2: "c"}
    )
    assert trend.cycles_used == ("a", "c") and trend.office == "BDO"
    assert trend.to_dict()["first_last_ci95"] is None


def test_bad_positions_are_refused():
    with pytest.raises(ValueError, match="whole numbers"):
        office_trend({0.5: H([5])})
