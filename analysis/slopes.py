"""Every office's slope over the cycles, with intervals that keep cycle-level shocks.

An office's cycle mean moves for two reasons besides a trend: the luck of who rated that
cycle (the within-cell variance over n) and a shock of that office in that cycle (a new
clerk, a flood) that every rater saw. Intervals that ignore the shocks are too narrow;
intervals that take the larger of two variances (the previous rule) are too wide. Here the
shock variance :math:`\\tau^2` is estimated once from all offices' residuals and each cycle
mean is weighted by :math:`1/(\\sigma^2/n + \\tau^2)`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
from scipy import special

from analysis._quantiles import t_quantile
from analysis.rules import TrendRules
from analysis.vocabulary import Finding, TrendVerdict

__all__ = ["NetworkSlopes", "OfficeSlope", "network_slopes", "shock_variance"]

_DEFAULT = TrendRules()


@dataclass(frozen=True, slots=True)
class NetworkSlopes:
    """Per office (arrays indexed like the input's first axis).

    Attributes
    ----------
    sigma2, tau2 : float
        Pooled within-cell variance of a rating, and the office-by-cycle shock variance.
    df : int
        Residual degrees of freedom pooled over offices (the intervals' t).
    cycles : ndarray of int
        Cycles with ratings.
    slope, se, low, high, p : ndarray of float
        Points per cycle, its standard error, the interval and two-sided p (NaN below 3
        cycles).
    change : ndarray of float
        ``slope`` times the span from first to last rated cycle.
    verdicts : tuple of Finding
        :class:`~analysis.vocabulary.TrendVerdict` per office.
    level : ndarray of float
        The weighted mean of the office's cycle means, at ``centre``, its weighted mean
        position: the fitted line is ``level + slope * (x - centre)``.
    """

    sigma2: float
    tau2: float
    df: int
    cycles: np.ndarray
    slope: np.ndarray
    se: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p: np.ndarray
    change: np.ndarray
    verdicts: tuple[Finding, ...]
    level: np.ndarray
    centre: np.ndarray
    rated: np.ndarray

    def office_slope(self, row: int, office: Hashable = None) -> OfficeSlope:
        """One office's slope (row ``row`` of the input) as a page shows it."""
        slope = float(self.slope[row])
        has_interval = self.low[row] == self.low[row]
        return OfficeSlope(
            office=office, positions=tuple(np.flatnonzero(self.rated[row]).tolist()),
            slope=slope if slope == slope else None,
            slope_ci95=(float(self.low[row]), float(self.high[row])) if has_interval else None,
            verdict=self.verdicts[row],
            level=float(self.level[row]) if slope == slope else None,
            centre=float(self.centre[row]) if slope == slope else None)


@dataclass(frozen=True, slots=True)
class OfficeSlope:
    """One office's row of :class:`NetworkSlopes`: what an office page says and draws.

    Attributes
    ----------
    office : hashable
    positions : tuple of int
        The cycles with ratings (their positions in the order of all cycles).
    slope : float or None
        Points per cycle (``None`` below 2 cycles with ratings).
    slope_ci95 : (float, float) or None
        Its interval, which keeps cycle shocks (``None`` below 3 cycles).
    verdict : Finding
        :class:`~analysis.vocabulary.TrendVerdict`.
    level, centre : float or None
        The fitted line passes through ``(centre, level)``.

    Examples
    --------
    >>> s = network_slopes([[30, 30, 30, 30]], [[5.0, 6.0, 7.0, 8.0]], [[4.0] * 4])
    >>> line = s.office_slope(0, "BDO")
    >>> line.positions, line.fitted(0), line.fitted(3), str(line.verdict)
    ((0, 1, 2, 3), 5.0, 8.0, 'improving')
    """

    office: Hashable
    positions: tuple[int, ...]
    slope: float | None
    slope_ci95: tuple[float, float] | None
    verdict: Finding
    level: float | None
    centre: float | None

    @property
    def cycles_used(self) -> tuple[int, ...]:
        return self.positions

    def fitted(self, position: float) -> float | None:
        """The fitted line's mean score at a position of the cycle axis."""
        if self.slope is None:
            return None
        return self.level + self.slope * (position - self.centre)


def _weighted_fit(x, y, w):
    """WLS slope per row; rows are offices, NaN-free where w > 0."""
    sw = w.sum(axis=1)
    safe = np.where(sw > 0, sw, 1)
    x_bar = (w * x).sum(axis=1) / safe
    y_bar = (w * y).sum(axis=1) / safe
    dx = x - x_bar[:, None]
    sxx = (w * dx**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        b = (w * dx * (y - y_bar[:, None])).sum(axis=1) / sxx
    return b, x_bar, y_bar, dx, sxx


def shock_variance(n, mean, sigma2: float) -> tuple[float, int]:
    """Office-by-cycle shock variance :math:`\\tau^2` from every office's line, and the df.

    Notes
    -----
    For office o with k cycles and weights :math:`w_i = n_i/\\sigma^2`, the residual
    :math:`Q_o = \\sum w_i r_i^2` of its weighted line has expectation
    :math:`(k-2) + \\tau^2 c_o`, :math:`c_o = \\sum w_i - \\mathrm{tr}((X'WX)^{-1}X'W^2X)`.
    Pooling over offices (the method of moments of DerSimonian & Laird, 1986, for a
    meta-regression): :math:`\\hat\\tau^2 = \\max\\{0, (\\sum Q_o - \\sum (k_o-2))/\\sum c_o\\}`.
    """
    n = np.nan_to_num(np.asarray(n, dtype=float))
    mean = np.nan_to_num(np.asarray(mean, dtype=float))
    x = np.broadcast_to(np.arange(n.shape[1], dtype=float), n.shape)
    k = (n > 0).sum(axis=1)
    used = k >= 3
    if not used.any() or sigma2 <= 0:
        return 0.0, 0
    w = n[used] / sigma2
    b, _, y_bar, dx, sxx = _weighted_fit(x[used], mean[used], w)
    residual = np.where(w > 0, mean[used] - y_bar[:, None] - b[:, None] * dx, 0.0)
    q = (w * residual**2).sum(axis=1)
    # (X'WX)^-1 X'W^2X for X = [1, dx] (dx centred on the weighted mean: X'WX diagonal)
    sw = w.sum(axis=1)
    trace = (w**2).sum(axis=1) / sw + (w**2 * dx**2).sum(axis=1) / sxx
    c = sw - trace
    df = int((k[used] - 2).sum())
    tau2 = max(0.0, float((q.sum() - df) / c.sum()))
    return tau2, df


def network_slopes(n, mean, var, *, confidence: float = 0.95,
                   rules: TrendRules = _DEFAULT, variances=None) -> NetworkSlopes:
    """Slopes of every office's cycle means, weighted for sampling and cycle shocks.

    Parameters
    ----------
    n, mean, var : array_like, shape (offices, cycles)
        Ratings, mean and sample variance per cell, in cycle order (n = 0 and NaN where the
        office has no ratings). A column is a cycle's position (its x).
    confidence : float
    rules : TrendRules
        ``min_cycles``: cycles with ratings for a verdict; ``min_change``: the change over
        the cycles worth calling "improving" or "declining" (besides an interval that
        excludes 0).
    variances : NetworkVariances, optional
        :math:`\\sigma^2`, :math:`\\tau^2` and the df of the whole network
        (:func:`analysis.network_variances`), when the arrays hold only some of its offices:
        their rows then get the figures they would get among all offices.

    Returns
    -------
    NetworkSlopes

    Notes
    -----
    :math:`\\sigma^2 = \\sum (n-1)s^2/\\sum(n-1)` over all cells, :math:`\\hat\\tau^2` from
    :func:`shock_variance`, weights :math:`w_i = 1/(\\sigma^2/n_i + \\hat\\tau^2)`, the
    weighted least-squares slope :math:`b` with :math:`\\mathrm{SE} = 1/\\sqrt{\\sum w_i(x_i-
    \\bar x_w)^2}` and a t interval on the pooled residual df (a random-effects
    meta-regression with a common :math:`\\tau^2`).

    References
    ----------
    DerSimonian, R. & Laird, N. (1986). Controlled Clinical Trials 7, 177-188.
    Thompson, S. G. & Sharp, S. J. (1999). Explaining heterogeneity in meta-analysis.
    Statistics in Medicine 18, 2693-2708.

    Examples
    --------
    >>> s = network_slopes([[30, 30, 30, 30]], [[5.0, 6.0, 7.0, 8.0]], [[4.0] * 4])
    >>> float(s.slope[0]), str(s.verdicts[0])
    (1.0, 'improving')
    """
    n = np.nan_to_num(np.asarray(n, dtype=float))
    mean = np.asarray(mean, dtype=float)
    var = np.asarray(var, dtype=float)
    if n.ndim != 2 or n.shape != mean.shape or n.shape != var.shape:
        raise ValueError("n, mean and var must be (offices, cycles) arrays of one shape")
    rated = n > 0
    mean = np.where(rated, mean, 0.0)
    df_within = np.where(n > 1, n - 1, 0)
    total_df = df_within.sum()
    sigma2 = float(np.nansum(df_within * np.where(n > 1, var, 0.0)) / total_df) if total_df \
        else 0.0
    tau2, df = shock_variance(n, mean, sigma2)
    if variances is not None:
        sigma2, tau2, df = variances.sigma2, variances.tau2, variances.df
    if sigma2 > 0:
        w = np.where(rated, 1 / (sigma2 / np.where(rated, n, 1) + tau2), 0.0)
    else:
        w = np.where(rated, n, 0.0)
    x = np.broadcast_to(np.arange(n.shape[1], dtype=float), n.shape)
    b, centre, level, _, sxx = _weighted_fit(x, mean, w)
    cycles = rated.sum(axis=1)
    enough = (cycles >= 3) & (sigma2 > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(enough, 1 / np.sqrt(sxx), np.nan)
    slope = np.where(cycles >= 2, b, np.nan)
    t_df = max(df, 1)
    half = t_quantile(0.5 + confidence / 2, t_df) * se
    low, high = slope - half, slope + half
    p = np.where(enough, 2 * special.stdtr(t_df, -np.abs(slope / se)), np.nan)
    first = np.where(rated.any(axis=1), rated.argmax(axis=1), 0)
    last = n.shape[1] - 1 - np.where(rated.any(axis=1), rated[:, ::-1].argmax(axis=1), 0)
    change = slope * (last - first)
    enough_n = (n >= rules.min_n).sum(axis=1) >= rules.min_cycles
    verdicts = []
    for o in range(n.shape[0]):
        if cycles[o] < rules.min_cycles:
            verdicts.append(TrendVerdict.NOT_ENOUGH_DATA(min_cycles=rules.min_cycles))
        elif enough[o] and enough_n[o] and abs(change[o]) >= rules.min_change and \
                (low[o] > 0 or high[o] < 0):
            verdicts.append(TrendVerdict.IMPROVING() if low[o] > 0 else TrendVerdict.DECLINING())
        else:
            verdicts.append(TrendVerdict.NO_CLEAR_CHANGE())
    return NetworkSlopes(sigma2, tau2, df, cycles, slope, se, low, high, p, change,
                         tuple(verdicts), level, centre, rated)
