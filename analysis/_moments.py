"""The moments of score counts: the one place that turns counts into n, mean and variance.

With :math:`T_1=\\sum_s c_s s` and :math:`T_2=\\sum_s c_s s^2`, the mean is :math:`T_1/n` and
the sample variance :math:`(nT_2-T_1^2)/(n(n-1))`: exact integer sums, identical to the
formulas on the raw scores. Every module here that needs them (a histogram, many cells at
once, the rest of the network, a pooled cycle) calls these.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SCORE_VECTOR", "mean_and_variance", "sums", "variance"]

#: The scores 1..10, the vector that counts are multiplied by.
SCORE_VECTOR = np.arange(1, 11, dtype=np.int64)


def sums(counts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(n, T1, T2)`` of counts along their last axis (10 scores), as int64 arrays."""
    counts = np.asarray(counts, dtype=np.int64)
    return counts.sum(axis=-1), counts @ SCORE_VECTOR, counts @ (SCORE_VECTOR * SCORE_VECTOR)


def variance(n, t1, t2):
    """Sample variance from the sums, for scalars or arrays with ``n >= 2``."""
    return (n * t2 - t1 * t1) / (n * (n - 1))


def mean_and_variance(counts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(n, mean, variance)`` of counts along their last axis; the mean is NaN where there
    are no ratings and the variance NaN below 2 ratings."""
    n, t1, t2 = sums(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, t1 / np.where(n > 0, n, 1), np.nan)
        pairs = np.where(n >= 2, n, 2)
        var = np.where(n >= 2, variance(pairs, t1, t2), np.nan)
    return n, mean, var
