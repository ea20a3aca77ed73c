"""The network's trend variances from per-office sums equal those from every cell."""

import numpy as np
import pytest

from analysis import network_slopes, network_variances, office_sums


def _network(seed, offices=30, cycles=8):
    """Cell sums of a random network: gaps, offices rated in 1-2 cycles, shocks."""
    rng = np.random.default_rng(seed)
    n = rng.integers(0, 15, (offices, cycles)) * (rng.random((offices, cycles)) > 0.2)
    n[0, 2:] = 0  # an office with fewer than 3 rated cycles
    t1 = np.zeros(n.shape, dtype=np.int64)
    t2 = np.zeros(n.shape, dtype=np.int64)
    level = rng.normal(5.5, 1, offices)[:, None] + rng.normal(0, 0.6, n.shape)
    for o, c in np.argwhere(n > 0):
        scores = np.clip(np.rint(level[o, c] + rng.normal(0, 2, n[o, c])), 1, 10)
        t1[o, c], t2[o, c] = scores.sum(), (scores**2).sum()
    return n, t1, t2


def _moments(n, t1, t2):
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, t1 / np.where(n > 0, n, 1), np.nan)
        var = np.where(n >= 2, (n * t2 - t1 * t1) / (n * np.maximum(n - 1, 1)), np.nan)
    return n.astype(float), mean, var


@pytest.mark.parametrize("seed", range(6))
def test_the_sums_give_the_full_computations_variances(seed):
    n, t1, t2 = _network(seed)
    full = network_slopes(*_moments(n, t1, t2))
    got = network_variances(office_sums(n, t1, t2))
    assert full.tau2 > 0  # the shocks are there, so tau2 is no clipped zero
    assert got.sigma2 == pytest.approx(full.sigma2, rel=1e-12)
    assert got.tau2 == pytest.approx(full.tau2, rel=1e-9)
    assert got.df == full.df
    assert got.within_df == int(np.where(n > 1, n - 1, 0).sum())


def test_some_offices_with_the_networks_variances_get_their_full_rows():
    n, t1, t2 = _network(11)
    full = network_slopes(*_moments(n, t1, t2))
    rows = [3, 7, 8]
    part = network_slopes(*_moments(n[rows], t1[rows], t2[rows]),
                          variances=network_variances(office_sums(n, t1, t2)))
    alone = network_slopes(*_moments(n[rows], t1[rows], t2[rows]))
    for name in ("slope", "se", "low", "high", "p", "level", "centre"):
        np.testing.assert_allclose(getattr(part, name), getattr(full, name)[rows], rtol=1e-9)
    assert part.verdicts == tuple(full.verdicts[r] for r in rows)
    # without them, three offices alone give other intervals: the variances matter
    assert not np.allclose(alone.se, full.se[rows])


def test_no_office_with_three_cycles_and_no_spread_give_no_shock():
    n = np.array([[5, 4, 0], [3, 0, 0]])
    t1 = np.array([[25, 24, 0], [9, 0, 0]])
    t2 = np.array([[135, 150, 0], [29, 0, 0]])
    got = network_variances(office_sums(n, t1, t2))
    full = network_slopes(*_moments(n, t1, t2))
    assert (got.tau2, got.df) == (0.0, 0) == (full.tau2, full.df)
    assert got.sigma2 == pytest.approx(full.sigma2)
    same = network_variances(office_sums([[4, 4, 4]], [[20, 20, 20]], [[100, 100, 100]]))
    assert (same.sigma2, same.tau2, same.within_df) == (0.0, 0.0, 9)
    assert network_variances([]) == network_variances(np.zeros((0, 12)))
    assert network_variances([]).within_df == 0
