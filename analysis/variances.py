"""The network-wide variances of the trends from per-office sums, not from every cell.

An office's trend interval, its step monitor and a letter's before-and-after check need two
figures of the whole network (:mod:`analysis.slopes`): the pooled within-cell variance
:math:`\\sigma^2` and the office-by-cycle shock variance :math:`\\tau^2`, with its residual
df. Both are sums over offices of quantities each office's cells give, so a database can add
them up (one aggregate query, a row per office) and a page about one office need not read
every office's histograms. :func:`network_variances` gives the same figures as
:func:`analysis.network_slopes` on the full arrays, to rounding (about 1e-13 relative).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["OFFICE_SUM_FIELDS", "NetworkVariances", "network_variances", "office_sums"]

# One office's sums over its cells (n ratings, t1 = sum of scores, t2 = sum of squared
# scores, x = the cycle's position): what :func:`network_variances` needs of it.
OFFICE_SUM_FIELDS = (
    "cells",  # cells with ratings (k)
    "n",  # sum n
    "nx",  # sum n x
    "nxx",  # sum n x^2
    "t1",  # sum t1
    "xt1",  # sum x t1
    "t1t1_n",  # sum t1^2 / n
    "nn",  # sum n^2
    "nnx",  # sum n^2 x
    "nnxx",  # sum n^2 x^2
    "within_ss",  # sum (n t2 - t1^2) / n: (n - 1) times the cell's sample variance
    "within_df",  # sum (n - 1)
)


@dataclass(frozen=True, slots=True)
class NetworkVariances:
    """What :func:`analysis.network_slopes` estimates from every office at once.

    Attributes
    ----------
    sigma2 : float
        Pooled within-cell variance of a rating (0 when no rating varies).
    tau2 : float
        Office-by-cycle shock variance.
    df : int
        Residual df pooled over offices with at least 3 rated cycles.
    within_df : int
        The pooled variance's df (0: no cell has 2 ratings, so no slope at all).
    """

    sigma2: float
    tau2: float
    df: int
    within_df: int


def office_sums(n, t1, t2) -> np.ndarray:
    """The rows of :data:`OFFICE_SUM_FIELDS` of (offices, cycles) arrays of cell sums (n = 0
    where a cell has no ratings; a column is a cycle's position). For tests and callers
    holding the cells; a database computes the same rows in SQL."""
    n = np.asarray(n, dtype=float)
    t1 = np.asarray(t1, dtype=float)
    t2 = np.asarray(t2, dtype=float)
    x = np.broadcast_to(np.arange(n.shape[1], dtype=float), n.shape)
    rated = n > 0
    safe = np.where(rated, n, 1)
    columns = [rated, n, n * x, n * x * x, t1, x * t1, np.where(rated, t1 * t1 / safe, 0),
               n * n, n * n * x, n * n * x * x, np.where(rated, (n * t2 - t1 * t1) / safe, 0),
               np.where(rated, n - 1, 0)]
    return np.stack([column.sum(axis=1) for column in columns], axis=1)


def network_variances(sums: Sequence[Sequence[float]]) -> NetworkVariances:
    """:math:`\\sigma^2`, :math:`\\hat\\tau^2` and the df from each office's sums.

    Parameters
    ----------
    sums : array_like, shape (offices, 12)
        One row per office, the columns of :data:`OFFICE_SUM_FIELDS`, over the cells that
        may be used (cells that may not be shown left out).

    Notes
    -----
    :func:`analysis.shock_variance` weights office o's cells by :math:`n_i/\\sigma^2`; its
    residual :math:`Q_o` and :math:`c_o` are then :math:`Q'_o/\\sigma^2` and
    :math:`C'_o/\\sigma^2` with, for :math:`N = \\sum n_i`, :math:`S_{xx} = \\sum n_i x_i^2 -
    (\\sum n_i x_i)^2/N` and the like, :math:`Q'_o = S_{yy} - S_{xy}^2/S_{xx}` and
    :math:`C'_o = N - \\sum n_i^2/N - \\sum n_i^2 (x_i - \\bar x)^2/S_{xx}`. So
    :math:`\\hat\\tau^2 = \\max\\{0, (\\sum Q'_o - \\sigma^2 \\sum (k_o-2))/\\sum C'_o\\}` over
    offices with :math:`k_o \\ge 3` cells.

    Examples
    --------
    >>> from analysis import network_slopes
    >>> n = [[5, 6, 7, 8], [9, 0, 4, 6]]
    >>> t1 = [[25, 36, 35, 40], [54, 0, 20, 42]]
    >>> t2 = [[135, 226, 181, 210], [340, 0, 104, 300]]
    >>> v = network_variances(office_sums(n, t1, t2))
    >>> mean = np.divide(t1, np.where(np.array(n) > 0, n, 1))
    >>> var = (np.multiply(n, t2) - np.square(t1)) / np.maximum(np.multiply(n, np.subtract(n, 1)), 1)
    >>> s = network_slopes(n, mean, var)
    >>> bool(np.isclose(v.sigma2, s.sigma2)), bool(np.isclose(v.tau2, s.tau2)), v.df == s.df
    (True, True, True)
    """
    table = np.asarray(sums, dtype=float).reshape(-1, len(OFFICE_SUM_FIELDS))
    (cells, n, nx, nxx, t1, xt1, t1t1_n, nn, nnx, nnxx, within_ss,
     within_df) = table.T
    total_df = float(within_df.sum())
    sigma2 = float(within_ss.sum() / total_df) if total_df else 0.0
    used = cells >= 3
    df = int((cells[used] - 2).sum())
    if not used.any() or sigma2 <= 0:
        return NetworkVariances(sigma2, 0.0, 0, int(total_df))
    n, nx, nxx, t1, xt1, t1t1_n, nn, nnx, nnxx = (
        column[used] for column in (n, nx, nxx, t1, xt1, t1t1_n, nn, nnx, nnxx))
    sxx = nxx - nx * nx / n
    sxy = xt1 - nx * t1 / n
    syy = t1t1_n - t1 * t1 / n
    q = syy - sxy * sxy / sxx
    x_bar = nx / n
    c = n - nn / n - (nnxx - 2 * x_bar * nnx + x_bar * x_bar * nn) / sxx
    tau2 = max(0.0, float((q.sum() - df * sigma2) / c.sum()))
    return NetworkVariances(sigma2, tau2, df, int(total_df))
