"""Trend of one office over ordered rating cycles, with a verdict (a code).

API
---
``office_trend(by_position, office=None, labels=None) -> Trend``
    ``by_position`` maps a cycle's position in the order of *all* cycles (0, 1, 2, ...) to
    the office's histogram in that cycle; a cycle the office missed is simply absent, which
    leaves a gap on the x axis. ``labels`` optionally maps positions to cycle labels.

The primary slope is weighted least squares on the cycle means (weights n), identical to
least squares on the individual ratings. Kendall's tau and Theil-Sen are checks on the
cycle means. The verdict is "improving" or "declining" only when everything agrees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from analysis._nonparametric import kendall_tau, theil_sen
from analysis._quantiles import t_quantile
from analysis.histogram import ScoreHistogram
from analysis.rules import TrendRules
from analysis.twogroup import MeanDifference, welch_arrays
from analysis.vocabulary import Finding, TrendVerdict

__all__ = [
    "Trend",
    "office_trend",
    "trend_from_arrays",
]

_DEFAULT = TrendRules()


@dataclass(frozen=True, slots=True)
class Trend:
    """Trend of one office.

    Attributes
    ----------
    office : str or None
    cycles_used : tuple of str
        Labels of the cycles with ratings, in order.
    positions : tuple of int
        Their positions in the order of all cycles (the x of the regression).
    n_per_cycle : tuple of int
    slope : float or None
        Points per cycle, WLS on the cycle means (``None`` below 2 cycles).
    slope_ci95 : (float, float) or None
        t interval with k-2 df and the modified Knapp-Hartung scale (``None`` below 3
        cycles, or when the scale is 0).
    slope_p : float or None
    variance_scale : str or None
        ``"residual"`` or ``"within"``: which variance set the interval's width.
    kendall_tau, kendall_p : float or None
        On the cycle means; ``None`` when the means are all equal or fewer than 2 cycles.
    kendall_method : str or None
        ``"exact"``, or ``"asymptotic"`` when cycle means tie.
    theil_sen_slope : float or None
    theil_sen_ci95 : (float, float) or None
    change_over_window : float or None
        ``slope * (last position - first position)``.
    first_last : MeanDifference or None
        Welch's difference last cycle minus first cycle.
    verdict : Finding
        A :class:`~analysis.vocabulary.TrendVerdict`: improving, declining, no clear change,
        or not enough data (with ``min_cycles``, the cycles it needed).
    centre : (float, float) or None
        The fitted line's point of balance: the n-weighted mean position and mean score
        (``None`` below 2 cycles). The line is ``centre[1] + slope * (x - centre[0])``.
    """

    office: str | None
    cycles_used: tuple[str, ...]
    positions: tuple[int, ...]
    n_per_cycle: tuple[int, ...]
    slope: float | None
    slope_ci95: tuple[float, float] | None
    slope_p: float | None
    variance_scale: str | None
    kendall_tau: float | None
    kendall_p: float | None
    kendall_method: str | None
    theil_sen_slope: float | None
    theil_sen_ci95: tuple[float, float] | None
    change_over_window: float | None
    first_last: MeanDifference | None
    verdict: Finding
    centre: tuple[float, float] | None = None

    def fitted(self, position: float) -> float | None:
        """The fitted line's mean score at a position of the cycle axis."""
        if self.slope is None or self.centre is None:
            return None
        return self.centre[1] + self.slope * (position - self.centre[0])

    def to_dict(self) -> dict:
        """JSON-ready dict; intervals as ``[low, high]``."""
        first_last = self.first_last
        return {
            "office": self.office,
            "cycles_used": list(self.cycles_used),
            "positions": list(self.positions),
            "n_per_cycle": list(self.n_per_cycle),
            "slope": self.slope,
            "slope_ci95": None if self.slope_ci95 is None else list(self.slope_ci95),
            "slope_p": self.slope_p,
            "variance_scale": self.variance_scale,
            "kendall_tau": self.kendall_tau,
            "kendall_p": self.kendall_p,
            "kendall_method": self.kendall_method,
            "theil_sen_slope": self.theil_sen_slope,
            "theil_sen_ci95": None if self.theil_sen_ci95 is None else list(self.theil_sen_ci95),
            "change_over_window": self.change_over_window,
            "first_last_diff": None if first_last is None else first_last.diff,
            "first_last_ci95": (
                None if first_last is None or first_last.ci95 is None else list(first_last.ci95)
            ),
            "first_last_p": None if first_last is None else first_last.p,
            "verdict": self.verdict,
            "centre": None if self.centre is None else list(self.centre),
        }


def office_trend(
    by_position: Mapping[int, ScoreHistogram],
    office: str | None = None,
    labels: Mapping[int, str] | None = None,
    *,
    confidence: float = 0.95,
    min_cycles: int = _DEFAULT.min_cycles,
    min_n: int = _DEFAULT.min_n,
    min_change: float = _DEFAULT.min_change,
) -> Trend:
    """Trend of one office's ratings over cycles.

    Parameters
    ----------
    by_position : mapping int -> ScoreHistogram
        Position of each cycle in the order of all cycles -> the office's ratings there.
        Empty histograms are ignored.
    office : str, optional
    labels : mapping int -> str, optional
        Cycle labels by position (default: the position as text).
    confidence : float
    min_cycles, min_n, min_change : verdict rules
        "improving"/"declining" need at least ``min_cycles`` cycles with ``n >= min_n``, a
        slope interval excluding 0, Kendall's tau of the same sign and
        ``|change_over_window| >= min_change``; below ``min_cycles`` cycles with ratings the
        verdict is "not enough data".

    Returns
    -------
    Trend

    Notes
    -----
    With cycle means :math:`\\bar y_i`, sizes :math:`n_i`, positions :math:`x_i`,
    :math:`N=\\sum n_i` and weighted centre :math:`\\bar x_w = \\sum n_i x_i / N`:
    :math:`b = \\sum n_i (x_i-\\bar x_w)\\bar y_i / S_{xx}`, :math:`S_{xx}=\\sum n_i (x_i-\\bar
    x_w)^2`, which is the least-squares slope on the individual ratings. Its scale is
    :math:`\\sigma^2 = \\max(\\mathrm{MS_{res}}, s_p^2)`, where
    :math:`\\mathrm{MS_{res}} = \\sum n_i(\\bar y_i - a - b x_i)^2/(k-2)` and
    :math:`s_p^2 = \\sum (n_i-1)s_i^2/(N-k)`; interval
    :math:`b \\pm t_{0.975,k-2}\\sqrt{\\sigma^2/S_{xx}}`. Taking the larger of the two is the
    modified Knapp-Hartung rule: neither a few wildly scattered cycle means nor one very
    consistent cycle can make the slope look more precise than it is.

    References
    ----------
    Knapp, G. & Hartung, J. (2003). Improved tests for a random effects meta-regression with
    a single covariate. Stat. Med. 22, 2693-2710. Roever, C. et al. (2015). Hartung-Knapp-
    Sidik-Jonkman approach and its modification. BMC Med. Res. Methodol. 15, 99.
    Sen, P. K. (1968). JASA 63, 1379-1389. Kendall, M. G. (1938). Biometrika 30, 81-93.

    Examples
    --------
    >>> H = ScoreHistogram.from_scores
    >>> t = office_trend({0: H([3, 4, 5]), 1: H([4, 5, 6]), 3: H([6, 7, 8])})
    >>> t.slope, t.verdict
    (1.0, TrendVerdict.NOT_ENOUGH_DATA(min_cycles=4))
    """
    positions = sorted(p for p, hist in by_position.items() if hist.n > 0)
    for position in positions:
        if isinstance(position, bool) or not isinstance(position, int | np.integer):
            raise ValueError(f"cycle positions must be whole numbers, got {position!r}")
    hists = [by_position[p] for p in positions]
    n = np.array([h.n for h in hists], dtype=float)
    mean = np.array([h.mean for h in hists], dtype=float)
    var = np.array([h.variance if h.n >= 2 else np.nan for h in hists], dtype=float)
    cycle_labels = [p if labels is None else labels[p] for p in positions]
    return trend_from_arrays(
        office,
        cycle_labels,
        positions,
        n,
        mean,
        var,
        confidence=confidence,
        min_cycles=min_cycles,
        min_n=min_n,
        min_change=min_change,
    )


def _kendall(positions: np.ndarray, mean: np.ndarray):
    result = kendall_tau(positions, mean)
    return (None, None, None) if result is None else result


def trend_from_arrays(
    office: str | None,
    cycle_labels: Sequence[str],
    positions: Sequence[int],
    n: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    *,
    confidence: float = 0.95,
    min_cycles: int = _DEFAULT.min_cycles,
    min_n: int = _DEFAULT.min_n,
    min_change: float = _DEFAULT.min_change,
) -> Trend:
    """:func:`office_trend` on per-cycle arrays (n >= 1, sorted by position; var NaN if n<2).

    Used by :mod:`analysis.network`, which already holds every cell's n, mean and variance.
    """
    k = len(positions)
    x = np.asarray(positions, dtype=float)
    n = np.asarray(n, dtype=float)
    slope = slope_ci = slope_p = scale_name = change = centre = None
    if k >= 2:
        total = n.sum()
        x_centre = n @ x / total
        dx = x - x_centre
        sxx = n @ dx**2
        y_centre = n @ mean / total
        b = float(n @ (dx * (mean - y_centre)) / sxx)
        slope, centre = b, (float(x_centre), float(y_centre))
        change = b * float(x[-1] - x[0])
        if k >= 3:
            residual = mean - (y_centre + b * dx)
            ms_res = float(n @ residual**2 / (k - 2))
            within_df = total - k
            pooled = float(np.nansum((n - 1) * var) / within_df) if within_df > 0 else 0.0
            scale, scale_name = (ms_res, "residual") if ms_res >= pooled else (pooled, "within")
            if scale > 1e-12:
                se = (scale / sxx) ** 0.5
                half = t_quantile(0.5 + confidence / 2, k - 2) * se
                slope_ci = (b - half, b + half)
                slope_p = float(2 * special.stdtr(k - 2, -abs(b / se)))
            else:
                scale_name = None
    tau, tau_p, tau_method = _kendall(x, mean)
    theil = theil_ci = None
    if k >= 3:
        theil, theil_ci = theil_sen(mean, x, confidence)
    elif k == 2:
        theil = float((mean[1] - mean[0]) / (x[1] - x[0]))
    first_last = None
    if k >= 2:
        diff, low, high, p, df = welch_arrays(
            mean[-1],
            np.nan_to_num(var[-1]),
            n[-1],
            mean[0],
            np.nan_to_num(var[0]),
            n[0],
            confidence,
        )
        if np.isnan(p):
            first_last = MeanDifference(float(diff), None, None, None)
        else:
            first_last = MeanDifference(float(diff), (float(low), float(high)), float(p), float(df))

    if k < min_cycles:
        verdict = TrendVerdict.NOT_ENOUGH_DATA(min_cycles=min_cycles)
    else:
        verdict = TrendVerdict.NO_CLEAR_CHANGE()
        enough = int(np.count_nonzero(n >= min_n)) >= min_cycles
        if enough and slope_ci is not None and tau is not None and abs(change) >= min_change:
            if slope_ci[0] > 0 and tau > 0:
                verdict = TrendVerdict.IMPROVING()
            elif slope_ci[1] < 0 and tau < 0:
                verdict = TrendVerdict.DECLINING()
    return Trend(
        office=office,
        cycles_used=tuple(cycle_labels),
        positions=tuple(int(p) for p in positions),
        n_per_cycle=tuple(int(v) for v in n),
        slope=slope,
        slope_ci95=None if slope_ci is None else (float(slope_ci[0]), float(slope_ci[1])),
        slope_p=slope_p,
        variance_scale=scale_name,
        kendall_tau=tau,
        kendall_p=tau_p,
        kendall_method=tau_method,
        theil_sen_slope=theil,
        theil_sen_ci95=theil_ci,
        change_over_window=change,
        first_last=first_last,
        verdict=verdict,
        centre=centre,
    )
