"""Summary of one group of ratings: n, mean, SD, median, intervals and warning flags.

API for callers (the web service, the command line)
--------------------------------------------------
``summarize(hist, office=None, cycle=None, bootstrap=False) -> CellSummary``
    One cell. The BCa bootstrap is on demand (``bootstrap=True``), never in bulk passes.
``summarize_counts(counts, raters=None) -> list[CellSummary]``
    Many cells at once from an ``(m, 10)`` count array, vectorised with numpy; what
    :func:`analysis.network.analyse_network` uses.
``bca_interval(hist) -> (low, high) | None``
    The bootstrap interval alone.

Intervals are ``(low, high)`` tuples computed unclipped; :attr:`CellSummary.ci95_shown`
clips the mean's interval to 1..10 for display. Where every rating is the same there is no
interval (``None``) and the flag :attr:`CellFlag.ALL_SAME` says why. Flags are
:class:`analysis.vocabulary.Finding` values of :class:`analysis.vocabulary.CellFlag`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._moments import mean_and_variance
from analysis._quantiles import t_quantiles
from analysis.histogram import ScoreHistogram
from analysis.intervals import (
    BOOTSTRAP_MIN_N,
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    bca_interval,
    wilson_interval,
)
from analysis.vocabulary import CellFlag, Finding

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "BOOTSTRAP_MIN_N",
    "CellSummary",
    "SMALL_N",
    "bca_interval",
    "summarize",
    "summarize_counts",
    "wilson_interval",
]

#: Below this n the t-interval's coverage is unreliable on skewed 1-10 data (see
#: ``benchmarks/coverage.py``), so the summary says so.
SMALL_N = 10


@dataclass(frozen=True, slots=True)
class CellSummary:
    """Figures for one group of ratings (an office in a cycle, or any histogram).

    Attributes
    ----------
    office, cycle : str or None
        Labels given by the caller.
    n : int
        Ratings.
    raters : int or None
        Distinct raters when known.
    mean, sd, median : float or None
        ``sd`` is ``None`` below 2 ratings.
    ci95 : (float, float) or None
        95% t-interval for the mean, unclipped; ``None`` when n < 2 or all ratings are equal.
    share_7plus : float
        Share of ratings at 7 or more.
    share_7plus_ci95 : (float, float)
        Its Wilson 95% interval.
    bca95 : (float, float) or None
        BCa bootstrap 95% interval for the mean, only when asked for and n >= 15.
    flags : tuple of Finding
        :class:`~analysis.vocabulary.CellFlag` findings: ``small_n`` (n < ``min_n``, 10),
        ``all_same``, ``mostly_floor`` (more than half at 1-2), ``mostly_ceiling`` (more than
        half at 9-10), ``no_bootstrap_below_15`` (a bootstrap asked for below ``min_n``).
    """

    office: str | None
    cycle: str | None
    n: int
    raters: int | None
    mean: float
    sd: float | None
    median: float
    ci95: tuple[float, float] | None
    share_7plus: float
    share_7plus_ci95: tuple[float, float]
    bca95: tuple[float, float] | None
    flags: tuple[Finding, ...]

    @property
    def ci95_shown(self) -> tuple[float, float] | None:
        """The mean's interval clipped to the scale 1..10, for display."""
        if self.ci95 is None:
            return None
        return (max(self.ci95[0], 1.0), min(self.ci95[1], 10.0))

    def to_dict(self) -> dict:
        """Plain JSON-ready dict; intervals as ``[low, high]``, numbers unrounded."""
        return {
            "office": self.office,
            "cycle": self.cycle,
            "n": self.n,
            "raters": self.raters,
            "mean": self.mean,
            "sd": self.sd,
            "median": self.median,
            "ci95": None if self.ci95 is None else list(self.ci95),
            "ci95_shown": None if self.ci95 is None else list(self.ci95_shown),
            "share_7plus": self.share_7plus,
            "share_7plus_ci95": list(self.share_7plus_ci95),
            "bca95": None if self.bca95 is None else list(self.bca95),
            "flags": list(self.flags),
        }


def _cell_figures(counts: np.ndarray, confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Every per-cell figure for an ``(m, 10)`` array of counts, all at once.

    Cells must have n >= 1. Figures undefined in a cell are NaN in the arrays.
    """
    counts = np.asarray(counts, dtype=np.int64)
    n, mean, var = mean_and_variance(counts)
    has_two = n >= 2
    sd = np.sqrt(var)
    distinct = (counts > 0).sum(axis=1)
    all_same = distinct == 1

    cumulative = counts.cumsum(axis=1)
    low_index = (n - 1) // 2
    high_index = n // 2
    low_score = (cumulative > low_index[:, None]).argmax(axis=1) + 1
    high_score = (cumulative > high_index[:, None]).argmax(axis=1) + 1
    median = (low_score + high_score) / 2

    with_interval = has_two & ~all_same
    df = np.where(has_two, n - 1, 1).astype(float)
    tq = t_quantiles(0.5 + confidence / 2, df)
    half = np.where(with_interval, tq * sd / np.sqrt(n), np.nan)
    seven_plus = counts[:, 6:].sum(axis=1)
    w_low, w_high = wilson_interval(seven_plus, n, confidence)
    return {
        "n": n,
        "mean": mean,
        "var": var,
        "sd": sd,
        "median": median,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "share_7plus": seven_plus / n,
        "share_low": np.atleast_1d(w_low),
        "share_high": np.atleast_1d(w_high),
        "all_same": all_same,
        "mostly_floor": 2 * counts[:, :2].sum(axis=1) > n,
        "mostly_ceiling": 2 * counts[:, 8:].sum(axis=1) > n,
    }


def _summaries_from_figures(
    figures: dict[str, np.ndarray],
    offices,
    cycles,
    raters,
    small_n: int = SMALL_N,
) -> list[CellSummary]:
    # Going through .tolist() once is far cheaper than indexing numpy scalars per cell.
    columns = {key: value.tolist() for key, value in figures.items()}
    summaries = []
    small, all_same = CellFlag.SMALL_N(min_n=small_n), CellFlag.ALL_SAME()
    floor, ceiling = CellFlag.MOSTLY_FLOOR(), CellFlag.MOSTLY_CEILING()
    for i, n in enumerate(columns["n"]):
        flags = []
        if n < small_n:
            flags.append(small)
        if columns["all_same"][i]:
            flags.append(all_same)
        if columns["mostly_floor"][i]:
            flags.append(floor)
        if columns["mostly_ceiling"][i]:
            flags.append(ceiling)
        low, high = columns["ci_low"][i], columns["ci_high"][i]
        sd = columns["sd"][i]
        summaries.append(
            CellSummary(
                office=offices[i],
                cycle=cycles[i],
                n=n,
                raters=raters[i],
                mean=columns["mean"][i],
                sd=None if sd != sd else sd,
                median=columns["median"][i],
                ci95=None if low != low else (low, high),
                share_7plus=columns["share_7plus"][i],
                share_7plus_ci95=(columns["share_low"][i], columns["share_high"][i]),
                bca95=None,
                flags=tuple(flags),
            )
        )
    return summaries


def summarize_counts(
    counts,
    raters=None,
    offices=None,
    cycles=None,
    *,
    confidence: float = 0.95,
    small_n: int = SMALL_N,
) -> list[CellSummary]:
    """Summaries of many cells at once, vectorised (no bootstrap).

    Parameters
    ----------
    counts : array_like, shape (m, 10)
        Counts of scores 1..10 per cell; every cell needs at least one rating.
    raters : sequence of (int or None), optional
        Distinct raters per cell.
    offices, cycles : sequence of str, optional
        Labels per cell.

    Returns
    -------
    list of CellSummary
        Same figures as :func:`summarize` on each cell.

    Examples
    --------
    >>> [s.mean for s in summarize_counts([[0] * 9 + [2], [1] + [0] * 9])]
    [10.0, 1.0]
    """
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[1] != 10:
        raise ValueError(f"counts must have shape (cells, 10), got {counts.shape}")
    if counts.size and (counts < 0).any():
        raise ValueError("counts must not be negative")
    if counts.size and (counts.sum(axis=1) == 0).any():
        raise ValueError("every cell needs at least one rating; leave empty cells out")
    m = counts.shape[0]
    none = [None] * m
    figures = _cell_figures(counts, confidence)
    return _summaries_from_figures(
        figures,
        none if offices is None else list(offices),
        none if cycles is None else list(cycles),
        none if raters is None else list(raters),
        small_n,
    )


def summarize(
    hist: ScoreHistogram,
    office: str | None = None,
    cycle: str | None = None,
    *,
    bootstrap: bool = False,
    confidence: float = 0.95,
    small_n: int = SMALL_N,
) -> CellSummary:
    """Summary of one group of ratings.

    Parameters
    ----------
    hist : ScoreHistogram
        The group's counts (at least one rating).
    office, cycle : str, optional
        Labels carried into the result.
    bootstrap : bool
        Also compute the BCa bootstrap interval (only when n >= 15; 9999 resamples, seed
        :data:`BOOTSTRAP_SEED`). Off by default because it costs ~1 ms per cell.
    confidence : float
        Level of every interval.

    Returns
    -------
    CellSummary

    Notes
    -----
    Mean :math:`\\bar x`, SD :math:`s` (divisor n-1). The t-interval
    :math:`\\bar x \\pm t_{0.975,\\,n-1}\\, s/\\sqrt n` (Student 1908) is the primary
    interval. The share at 7 or more carries a Wilson interval (see :func:`wilson_interval`).

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6, 1-25.

    Examples
    --------
    >>> s = summarize(ScoreHistogram.from_scores([6, 7, 8, 9, 10]))
    >>> s.mean, round(s.ci95[0], 3), round(s.ci95[1], 3)
    (8.0, 6.037, 9.963)
    """
    if not isinstance(hist, ScoreHistogram):
        raise ValueError("summarize() takes a ScoreHistogram; build one with from_scores()")
    if hist.n == 0:
        raise ValueError("cannot summarise a group with no ratings")
    figures = _cell_figures(np.array([hist.counts]), confidence)
    (summary,) = _summaries_from_figures(figures, [office], [cycle], [hist.raters], small_n)
    if not bootstrap:
        return summary
    interval = bca_interval(hist, confidence=confidence)
    flags = summary.flags
    if hist.n < BOOTSTRAP_MIN_N:
        flags = (*flags, CellFlag.NO_BOOTSTRAP(min_n=BOOTSTRAP_MIN_N))
    return CellSummary(**{**_fields(summary), "bca95": interval, "flags": flags})


def _fields(summary: CellSummary) -> dict:
    return {name: getattr(summary, name) for name in CellSummary.__dataclass_fields__}
