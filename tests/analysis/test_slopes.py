"""Network slopes against statsmodels' WLS, a reference tau2 and a coverage simulation."""

import numpy as np
import pytest
import statsmodels.api as sm

from analysis import TrendRules, TrendVerdict, network_slopes, shock_variance

RNG = np.random.default_rng(5)
N = RNG.integers(5, 16, (12, 6)).astype(float)
N[3, 2] = 0  # a missed cycle
MEAN = 6 + RNG.normal(0, 0.8, (12, 6)) + 0.1 * np.arange(6)
MEAN[3, 2] = np.nan
VAR = 4 * RNG.chisquare(N.clip(2) - 1) / (N.clip(2) - 1)


def _reference_tau2(n, mean, sigma2):
    q_total = df_total = c_total = 0.0
    for row_n, row_mean in zip(n, mean, strict=True):
        rated = row_n > 0
        x = np.arange(row_n.size)[rated].astype(float)
        y, w = row_mean[rated], row_n[rated] / sigma2
        design = np.column_stack([np.ones_like(x), x])
        fit = sm.WLS(y, design, weights=w).fit()
        q_total += (w * fit.resid**2).sum()
        df_total += x.size - 2
        big_w = np.diag(w)
        inverse = np.linalg.inv(design.T @ big_w @ design)
        c_total += w.sum() - np.trace(inverse @ design.T @ big_w @ big_w @ design)
    return max(0.0, (q_total - df_total) / c_total)


def test_tau2_slopes_and_errors_match_weighted_least_squares():
    result = network_slopes(N, MEAN, VAR)
    df = np.where(N > 1, N - 1, 0)
    sigma2 = (df * VAR).sum() / df.sum()
    assert result.sigma2 == pytest.approx(sigma2)
    assert result.tau2 == pytest.approx(_reference_tau2(N, MEAN, sigma2), rel=1e-9)
    assert shock_variance(N, MEAN, sigma2)[0] == pytest.approx(result.tau2)
    for o in range(N.shape[0]):
        rated = N[o] > 0
        x = np.arange(6)[rated].astype(float)
        w = 1 / (sigma2 / N[o, rated] + result.tau2)
        fit = sm.WLS(MEAN[o, rated], sm.add_constant(x), weights=w).fit(cov_type="fixed scale")
        assert result.slope[o] == pytest.approx(fit.params[1], rel=1e-9)
        assert result.se[o] == pytest.approx(fit.bse[1], rel=1e-9)


def test_intervals_keep_cycle_shocks_and_cover_95_percent():
    rng = np.random.default_rng(8)
    covered, tau2 = [], []
    for _ in range(40):
        n = rng.integers(5, 16, (150, 8)).astype(float)
        shocks = rng.normal(0, 0.4, n.shape)
        mean = 6 + shocks + rng.normal(0, 2 / np.sqrt(n))
        var = 4 * rng.chisquare(n - 1) / (n - 1)
        result = network_slopes(n, mean, var)
        covered.append(np.mean((result.low <= 0) & (result.high >= 0)))
        tau2.append(result.tau2)
    assert 0.94 <= np.mean(covered) <= 0.96
    assert np.mean(tau2) == pytest.approx(0.16, rel=0.15)  # the shocks' variance, 0.4 ** 2


def test_verdicts_follow_the_rules():
    n = np.full((3, 5), 40.0)
    mean = np.array([[5, 6, 7, 8, 9], [5, 5.1, 5.2, 5.3, 5.4], [8, 7, 6, 5, 4]], float)
    var = np.full((3, 5), 1.0)
    verdicts = network_slopes(n, mean, var).verdicts
    assert verdicts == (TrendVerdict.IMPROVING, TrendVerdict.NO_CLEAR_CHANGE,
                        TrendVerdict.DECLINING)  # the middle one changes 0.4 < min_change
    strict = network_slopes(n, mean, var, rules=TrendRules(min_cycles=6)).verdicts
    assert strict[0] == TrendVerdict.NOT_ENOUGH_DATA(min_cycles=6)


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="one shape"):
        network_slopes(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 3)))
