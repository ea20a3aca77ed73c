"""Kendall's tau and the Theil-Sen slope for short series (a few dozen cycles at most).

scipy's versions cost about a millisecond a call in overhead; these give the same numbers
(the tests compare them with ``scipy.stats.kendalltau`` and ``theilslopes``) in a tenth of
that, which matters when every office of the network gets a trend.
"""

from __future__ import annotations

from functools import lru_cache
from math import comb, factorial

import numpy as np
from scipy import special

__all__ = ["kendall_tau", "theil_sen"]

_EXACT_MAX_N = 60


@lru_cache(maxsize=64)
def _inversion_cdf(n: int) -> tuple[float, ...]:
    """P(number of inversions <= c) for a random permutation of n items (Mahonian numbers)."""
    counts = [1]
    for m in range(2, n + 1):
        # inserting the m-th item adds 0..m-1 inversions
        grown = [0] * (len(counts) + m - 1)
        running = 0
        for c in range(len(grown)):
            running += counts[c] if c < len(counts) else 0
            if c - m >= 0:
                running -= counts[c - m]
            grown[c] = running
        counts = grown
    total = factorial(n)
    cdf, running = [], 0
    for value in counts:
        running += value
        cdf.append(running / total)
    return tuple(cdf)


def kendall_tau(x: np.ndarray, y: np.ndarray) -> tuple[float, float, str] | None:
    """Kendall's tau-b of ``y`` on ``x`` (``x`` without ties) and its two-sided p.

    Exact p-value (permutation distribution) when ``y`` has no ties and n <= 60, else the
    normal approximation with the tie-corrected variance; ``None`` when ``y`` is constant or
    n < 2. Returns ``(tau, p, method)``.
    """
    n = len(x)
    if n < 2:
        return None
    i, j = np.triu_indices(n, 1)
    product = np.sign(x[j] - x[i]) * np.sign(y[j] - y[i])
    concordant = int(np.count_nonzero(product > 0))
    discordant = int(np.count_nonzero(product < 0))
    _, tie_sizes = np.unique(y, return_counts=True)
    pairs = comb(n, 2)
    tied_pairs = int((tie_sizes * (tie_sizes - 1) // 2).sum())
    if tied_pairs == pairs:
        return None
    tau = (concordant - discordant) / np.sqrt(pairs * (pairs - tied_pairs))
    if tied_pairs == 0 and n <= _EXACT_MAX_N:
        c = min(discordant, pairs - discordant)
        p = min(1.0, 2 * _inversion_cdf(n)[c])
        return float(tau), float(p), "exact"
    variance = (
        n * (n - 1) * (2 * n + 5) - float((tie_sizes * (tie_sizes - 1) * (2 * tie_sizes + 5)).sum())
    ) / 18
    z = (concordant - discordant) / np.sqrt(variance)
    return float(tau), float(min(1.0, 2 * special.ndtr(-abs(z)))), "asymptotic"


def theil_sen(y: np.ndarray, x: np.ndarray, confidence: float = 0.95):
    """Theil-Sen slope (median of pairwise slopes) with Sen's interval; ``x`` without ties.

    Returns ``(slope, (low, high))`` as ``scipy.stats.theilslopes(y, x, alpha=confidence)``.
    """
    n = len(x)
    i, j = np.triu_indices(n, 1)
    slopes = np.sort((y[j] - y[i]) / (x[j] - x[i]))
    slope = float(np.median(slopes))
    z = special.ndtri(0.5 * (1 - confidence))
    _, tie_sizes = np.unique(y, return_counts=True)
    ties = float((tie_sizes * (tie_sizes - 1) * (2 * tie_sizes + 5)).sum())
    sigma = np.sqrt((n * (n - 1) * (2 * n + 5) - ties) / 18)
    count = len(slopes)
    upper = min(int(round((count - z * sigma) / 2.0)), count - 1)
    lower = max(int(round((count + z * sigma) / 2.0)) - 1, 0)
    return slope, (float(slopes[lower]), float(slopes[upper]))
