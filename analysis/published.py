"""Published copies of cells, trends and comparisons: rounded, with withheld figures ``None``.

The rules themselves (what is withheld and why, bands) are in :mod:`analysis.privacy`; this
module applies them to one cell (:func:`publish_cell`), one office's trend
(:func:`publish_trend`) and one comparison (:func:`publish_comparison`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.compare import Comparison
from analysis.privacy import distribution_suppression, group_suppression, variance_suppression
from analysis.rules import DEFAULT_RULES, PublicationRules
from analysis.summary import CellSummary
from analysis.trend import Trend
from analysis.vocabulary import CellFlag, Finding

__all__ = [
    "PublishedCell",
    "PublishedComparison",
    "PublishedTrend",
    "publish_cell",
    "publish_comparison",
    "publish_trend",
]


def _round(value, digits):
    return None if value is None else round(value, digits)


def _round_pair(pair, digits):
    return None if pair is None else (round(pair[0], digits), round(pair[1], digits))


@dataclass(frozen=True, slots=True)
class PublishedCell:
    """A cell as it may be published: exact count, figures rounded or withheld.

    ``suppressed`` maps each withheld figure to its reason; ``suppressed_reason`` is the
    reason the whole group is withheld (``None`` when its mean is published). ``analysable``
    says whether its ratings may enter trends, comparisons and pools (see
    :func:`variance_suppression`).
    """

    office: str | None
    cycle: str | None
    n: int | None
    mean: float | None
    sd: float | None
    median: float | None
    ci95: tuple[float, float] | None
    share_7plus: float | None
    share_7plus_ci95: tuple[float, float] | None
    bca95: tuple[float, float] | None
    flags: tuple[str, ...]
    publishable: bool
    suppressed_reason: Finding | None
    suppressed: tuple[tuple[str, Finding], ...] = field(default=())
    analysable: bool = False

    def to_dict(self) -> dict:
        return {
            "office": self.office,
            "cycle": self.cycle,
            "n": self.n,
            "mean": self.mean,
            "sd": self.sd,
            "median": self.median,
            "ci95": None if self.ci95 is None else list(self.ci95),
            "share_7plus": self.share_7plus,
            "share_7plus_ci95": (
                None if self.share_7plus_ci95 is None else list(self.share_7plus_ci95)
            ),
            "bca95": None if self.bca95 is None else list(self.bca95),
            "flags": list(self.flags),
            "publishable": self.publishable,
            "suppressed_reason": self.suppressed_reason,
            "suppressed": dict(self.suppressed),
        }


def publish_cell(summary: CellSummary, rules: PublicationRules = DEFAULT_RULES) -> PublishedCell:
    """Apply the publication rules to one cell's summary.

    The mean and its interval (clipped to 1..10) need ``min_raters_mean`` distinct raters;
    SD, median, the share at 7+ and the floor/ceiling flags need
    ``min_raters_distribution``; an all-same group is withheld entirely, and so is a small
    group whose count and mean fit one distribution (:func:`group_suppression`); a small
    group whose interval would fit one distribution loses its interval
    (:func:`variance_suppression`). Means are rounded to ``mean_decimals``; n is exact.

    Examples
    --------
    >>> from analysis.histogram import ScoreHistogram
    >>> from analysis.summary import summarize
    >>> cell = publish_cell(summarize(ScoreHistogram.from_scores([6, 7, 8, 9, 10, 7])))
    >>> cell.n, cell.mean, cell.share_7plus, dict(cell.suppressed)["share_7plus"]
    (6, 7.8, None, Withheld.FEW_RATERS_FOR_DISTRIBUTION(min_raters=10))
    """
    group_reason = group_suppression(summary, rules)
    suppressed = []
    mean_figures = ("mean", "ci95", "bca95")
    distribution_figures = ("sd", "median", "share_7plus", "share_7plus_ci95")
    if group_reason is not None:
        for name in ("n", *mean_figures, *distribution_figures):
            suppressed.append((name, group_reason))
        return PublishedCell(
            summary.office,
            summary.cycle,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            (),
            False,
            group_reason,
            tuple(suppressed),
        )
    digits = rules.mean_decimals
    distribution_reason = distribution_suppression(summary, rules)
    distribution_ok = distribution_reason is None
    flags = summary.flags
    if not distribution_ok:
        suppressed.extend((name, distribution_reason) for name in distribution_figures)
        flags = tuple(f for f in flags
                      if f not in (CellFlag.MOSTLY_FLOOR, CellFlag.MOSTLY_CEILING))
    share_digits = rules.share_decimals
    variance_reason = variance_suppression(summary, rules)
    if variance_reason is not None:
        suppressed.extend((name, variance_reason) for name in mean_figures[1:])
    return PublishedCell(
        office=summary.office,
        cycle=summary.cycle,
        n=summary.n,
        mean=round(summary.mean, digits),
        sd=_round(summary.sd, digits) if distribution_ok else None,
        median=summary.median if distribution_ok else None,
        ci95=_round_pair(summary.ci95_shown, digits) if variance_reason is None else None,
        share_7plus=round(summary.share_7plus, share_digits) if distribution_ok else None,
        share_7plus_ci95=(
            _round_pair(summary.share_7plus_ci95, share_digits) if distribution_ok else None
        ),
        bca95=_round_pair(summary.bca95, digits) if variance_reason is None else None,
        flags=flags,
        publishable=True,
        suppressed_reason=None,
        suppressed=tuple(suppressed),
        analysable=variance_reason is None,
    )


@dataclass(frozen=True, slots=True)
class PublishedTrend:
    """A trend as published: the same keys as :meth:`Trend.to_dict`, rounded."""

    office: str | None
    figures: tuple[tuple[str, object], ...]

    def to_dict(self) -> dict:
        return dict(self.figures)


def publish_trend(trend: Trend, rules: PublicationRules = DEFAULT_RULES) -> PublishedTrend:
    """Round a trend for publication.

    Compute the trend from publishable cycles only (drop withheld cells first, e.g. with
    :func:`publishable_groups`); this function rounds slopes to ``slope_decimals``, mean
    differences to ``mean_decimals``, p-values to ``p_decimals`` and shows the per-cycle n
    exactly.
    """
    figures = trend.to_dict()
    slope_digits, mean_digits = rules.slope_decimals, rules.mean_decimals
    for key in ("slope", "theil_sen_slope"):
        figures[key] = _round(figures[key], slope_digits)
    for key in ("slope_ci95", "theil_sen_ci95"):
        figures[key] = _round_pair(figures[key], slope_digits)
    for key in ("change_over_window", "first_last_diff"):
        figures[key] = _round(figures[key], mean_digits)
    figures["first_last_ci95"] = _round_pair(figures["first_last_ci95"], mean_digits)
    for key in ("slope_p", "kendall_p", "first_last_p"):
        figures[key] = _round(figures[key], rules.p_decimals)
    figures["kendall_tau"] = _round(figures["kendall_tau"], 2)
    del figures["centre"]  # the line's point of balance is for drawing inside the network
    figures["n_per_cycle"] = list(trend.n_per_cycle)
    for key in ("slope_ci95", "theil_sen_ci95", "first_last_ci95"):
        if figures[key] is not None:
            figures[key] = list(figures[key])
    return PublishedTrend(trend.office, tuple(figures.items()))


@dataclass(frozen=True, slots=True)
class PublishedComparison:
    """A comparison as published: the same keys as :meth:`Comparison.to_dict`, rounded."""

    cycle: str | None
    office: str
    figures: tuple[tuple[str, object], ...]

    def to_dict(self) -> dict:
        return dict(self.figures)


def publish_comparison(
    comparison: Comparison, rules: PublicationRules = DEFAULT_RULES
) -> PublishedComparison:
    """Round a comparison for publication (n exact, means to one decimal, p to 3).

    Compare publishable offices only (drop withheld ones first with
    :func:`publishable_groups`), so "the rest of the network" contains no withheld office.
    The Brunner-Munzel p-value is a statement about ranks, so a distribution: it needs
    ``min_raters_distribution`` ratings.
    """
    figures = comparison.to_dict()
    digits = rules.mean_decimals
    figures["n"] = comparison.n
    if comparison.n < rules.min_raters_distribution:
        figures["brunner_munzel_p"] = None
    for key in ("mean", "diff_vs_rest", "eb_mean", "eb_sd"):
        figures[key] = _round(figures[key], digits)
    if figures["diff_ci95"] is not None:
        figures["diff_ci95"] = list(_round_pair(figures["diff_ci95"], digits))
    for key in ("p", "q", "brunner_munzel_p"):
        figures[key] = _round(figures[key], rules.p_decimals)
    return PublishedComparison(comparison.cycle, comparison.office, tuple(figures.items()))
