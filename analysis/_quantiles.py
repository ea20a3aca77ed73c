"""Cached quantiles of the t and normal distributions (scipy's per-call overhead is large)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special

__all__ = ["normal_quantile", "t_quantile", "t_quantiles"]


@lru_cache(maxsize=4096)
def t_quantile(probability: float, df: float) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom, cached per (probability, df)."""
    return float(special.stdtrit(df, probability))


def t_quantiles(probability: float, df: np.ndarray) -> np.ndarray:
    """Vectorised :func:`t_quantile`; each distinct df is computed once."""
    df = np.asarray(df, dtype=float)
    if df.size == 0:
        return df.copy()
    unique, inverse = np.unique(df, return_inverse=True)
    values = np.array([t_quantile(probability, float(d)) for d in unique])
    return values[inverse].reshape(df.shape)


@lru_cache(maxsize=64)
def normal_quantile(probability: float) -> float:
    """Quantile of the standard normal distribution (``scipy.stats.norm.ppf``, from
    scipy.special: scipy.stats is some 70 MiB of imports no other figure needs)."""
    return float(special.ndtri(probability))
