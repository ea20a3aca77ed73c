"""Interval estimates for one group: the Wilson interval for a share, BCa for the mean."""

from __future__ import annotations

import numpy as np
from scipy import special

from analysis._moments import SCORE_VECTOR
from analysis._quantiles import normal_quantile
from analysis.histogram import ScoreHistogram

__all__ = [
    "BOOTSTRAP_MIN_N",
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "bca_interval",
    "wilson_interval",
]

#: Seed of the bootstrap's generator (numpy ``default_rng``), fixed so a pack is reproducible.
BOOTSTRAP_SEED = 20240604
BOOTSTRAP_RESAMPLES = 9999
BOOTSTRAP_MIN_N = 15

def wilson_interval(successes, n, confidence: float = 0.95):
    """Wilson score interval for a binomial proportion (works on scalars or arrays).

    Parameters
    ----------
    successes, n : int or array of int
        Successes and trials, ``n >= 1``.
    confidence : float
        Two-sided confidence level.

    Returns
    -------
    (low, high)
        Floats for scalar input, arrays otherwise.

    Notes
    -----
    With :math:`\\hat p = x/n` and :math:`z = \\Phi^{-1}(1-\\alpha/2)`:

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    It keeps close to nominal coverage for small n and shares near 0 or 1, where the Wald
    interval fails.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22, 209-212. Brown, Cai & DasGupta (2001), Statistical Science 16, 101-133.

    Examples
    --------
    >>> low, high = wilson_interval(4, 5)
    >>> round(low, 3), round(high, 3)
    (0.376, 0.964)
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    if np.any(m < 1) or np.any(x < 0) or np.any(x > m):
        raise ValueError("the Wilson interval needs 0 <= successes <= n and n >= 1")
    z = normal_quantile(0.5 + confidence / 2)
    z2 = z * z
    p = x / m
    denominator = 1 + z2 / m
    centre = (p + z2 / (2 * m)) / denominator
    half = z / denominator * np.sqrt(p * (1 - p) / m + z2 / (4 * m * m))
    low = np.clip(centre - half, 0.0, 1.0)
    high = np.clip(centre + half, 0.0, 1.0)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def bca_interval(
    hist: ScoreHistogram,
    *,
    confidence: float = 0.95,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    min_n: int = BOOTSTRAP_MIN_N,
) -> tuple[float, float] | None:
    """BCa bootstrap interval for the mean, resampling the histogram.

    Parameters
    ----------
    hist : ScoreHistogram
    confidence : float
    resamples : int
        Bootstrap resamples (9999 by default).
    seed : int
        Seed of ``numpy.random.default_rng`` (:data:`BOOTSTRAP_SEED` by default).
    min_n : int
        Below this many ratings, return ``None``.

    Returns
    -------
    (low, high) or None
        ``None`` below ``min_n`` ratings or when every rating is the same.

    Notes
    -----
    Each resample is a multinomial draw of n ratings with the observed shares, which is
    exactly resampling the raw scores with replacement. With bootstrap means
    :math:`\\hat\\theta^*_b`, bias correction :math:`z_0 = \\Phi^{-1}(p_0)` with
    :math:`p_0` the mid-rank share of bootstrap means below :math:`\\hat\\theta` (ties count
    half) and acceleration from the jackknife (leave one rating of score s
    out: :math:`\\hat\\theta_{(s)} = (T-s)/(n-1)`),
    :math:`a = \\sum_i d_i^3 / (6(\\sum_i d_i^2)^{3/2})`, :math:`d_i = \\bar\\theta_{(\\cdot)}
    - \\hat\\theta_{(i)}`, the limits are the bootstrap quantiles at
    :math:`\\Phi(z_0 + (z_0+z_\\alpha)/(1-a(z_0+z_\\alpha)))`. Same construction as
    ``scipy.stats.bootstrap(method="BCa")``.

    References
    ----------
    Efron, B. (1987). Better bootstrap confidence intervals. JASA 82, 171-185.

    Examples
    --------
    >>> h = ScoreHistogram.from_counts([1, 1, 2, 2, 3, 3, 2, 2, 1, 1])
    >>> low, high = bca_interval(h)
    >>> round(low, 2), h.mean, round(high, 2)
    (4.44, 5.5, 6.56)
    """
    n = hist.n
    if n < max(min_n, 2) or hist.all_same:
        return None
    if resamples < 100:
        raise ValueError("use at least 100 bootstrap resamples")
    counts = hist.as_array()
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, counts / n, size=resamples)
    boot_means = draws @ SCORE_VECTOR / n
    theta = hist.total / n
    # Mid-rank for ties: bootstrap means of integer scores sit on a grid of 1/n, so many
    # equal theta exactly; counting them half below (as scipy >= 1.15 does) removes a bias.
    below = (np.count_nonzero(boot_means < theta) + np.count_nonzero(boot_means <= theta)) / (
        2 * resamples
    )
    if below in (0.0, 1.0):
        return None
    z0 = special.ndtri(below)
    jack = (hist.total - SCORE_VECTOR) / (n - 1)
    jack_mean = (counts @ jack) / n
    d = jack_mean - jack
    denominator = 6 * (counts @ d**2) ** 1.5
    acceleration = (counts @ d**3) / denominator
    alpha = (1 - confidence) / 2
    levels = []
    for z_alpha in (special.ndtri(alpha), special.ndtri(1 - alpha)):
        shifted = z0 + z_alpha
        levels.append(special.ndtr(z0 + shifted / (1 - acceleration * shifted)))
    low, high = np.percentile(boot_means, [100 * levels[0], 100 * levels[1]])
    return (float(low), float(high))
