"""The overdispersed funnel against statsmodels' DerSimonian-Laird and a simulation."""

import numpy as np
import pytest
from scipy.stats import mstats
from statsmodels.stats.meta_analysis import combine_effects

from analysis import FunnelPosition, overdispersed_funnel

N = np.array([6, 9, 12, 15, 8, 11, 14, 7, 10, 13], float)
MEAN = np.array([5.1, 6.3, 4.2, 7.9, 6.0, 5.5, 3.9, 8.8, 6.6, 5.0])
VAR = np.array([3.2, 4.1, 2.5, 3.9, 4.4, 2.9, 3.3, 2.2, 3.6, 4.0])


def test_additive_tau2_is_dersimonian_laird_without_winsorising():
    funnel = overdispersed_funnel(N, MEAN, VAR)
    sigma2 = ((N - 1) * VAR).sum() / (N - 1).sum()
    reference = combine_effects(MEAN, sigma2 / N, method_re="dl")
    assert funnel.tau2 == pytest.approx(reference.tau2, rel=1e-10)
    assert funnel.centre == pytest.approx((N * MEAN).sum() / N.sum())
    assert funnel.sd == pytest.approx(sigma2**0.5)


def test_multiplicative_phi_is_the_mean_winsorised_squared_z():
    funnel = overdispersed_funnel(N, MEAN, VAR, method="multiplicative", winsor=0.1)
    sigma2 = ((N - 1) * VAR).sum() / (N - 1).sum()
    centre = (N * MEAN).sum() / N.sum()
    z = (MEAN - centre) / np.sqrt(sigma2 / N)
    clipped = np.clip(z, *np.quantile(z, [0.1, 0.9]))
    assert funnel.phi == pytest.approx(np.mean(clipped**2), rel=1e-12)
    # scipy's winsorize clips by count, not by quantile: the same for 10 offices at 10%
    assert np.mean(np.asarray(mstats.winsorize(z, limits=(0.1, 0.1))) ** 2) == pytest.approx(
        funnel.phi, rel=0.2)
    assert funnel.z == pytest.approx(tuple(z / max(funnel.phi, 1) ** 0.5))


def test_positions_follow_the_funnels_own_limits():
    funnel = overdispersed_funnel(N, MEAN, VAR)
    for n, mean, position in zip(N, MEAN, funnel.positions, strict=True):
        limits = funnel.limits(n, n, points=1)
        inside95 = limits["low95"][0] <= mean <= limits["high95"][0]
        inside998 = limits["low998"][0] <= mean <= limits["high998"][0]
        expected = (FunnelPosition.INSIDE if inside95 else
                    (FunnelPosition.ABOVE_95 if mean > funnel.centre else FunnelPosition.BELOW_95)
                    if inside998 else
                    FunnelPosition.ABOVE_998 if mean > funnel.centre else FunnelPosition.BELOW_998)
        assert position == expected


def test_about_one_office_in_twenty_is_outside_95_when_offices_truly_differ():
    rng = np.random.default_rng(3)
    outside, plain = [], []
    for _ in range(60):
        n = rng.integers(5, 30, 150).astype(float)
        truth = 6 + rng.normal(0, 0.6, 150)
        mean = truth + rng.normal(0, 2 / np.sqrt(n))
        var = 4 * rng.chisquare(n - 1) / (n - 1)
        funnel = overdispersed_funnel(n, mean, var)
        outside.append(np.mean(np.abs(funnel.z) > 1.96))
        plain.append(np.mean(np.abs(mean - funnel.centre) / (funnel.sd / np.sqrt(n)) > 1.96))
    assert 0.035 <= np.mean(outside) <= 0.065
    assert np.mean(plain) > 0.15  # chance-only limits


@pytest.mark.parametrize("kwargs, message", [
    ({"n": [5], "mean": [6.0], "var": [1.0]}, "2 or more offices"),
    ({"n": [5, 0], "mean": [6.0, 5.0], "var": [1.0, 1.0]}, "at least one rating"),
    ({"n": [5, 5], "mean": [6.0, 6.0], "var": [0.0, 0.0]}, "spread within offices"),
    ({"n": [5, 5], "mean": [6.0, 6.0], "var": [1.0, 1.0], "method": "x"}, "additive"),
])
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        overdispersed_funnel(**kwargs)
