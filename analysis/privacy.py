"""Publication rules: what may leave the network, and why each withheld figure is withheld.

API
---
``PublicationRules(...)``: the thresholds, with the network's defaults.
``group_suppression(hist_or_summary, rules) -> Finding | None``: why a whole group is withheld
    (a :class:`~analysis.vocabulary.Withheld` code with its threshold).
``publishable_groups(by_group, rules) -> (kept, withheld)``: drop withheld groups *before*
    totals or comparisons, so a withheld office cannot be recovered by subtraction.
``publish_cell / publish_trend / publish_comparison``: rounded, banded, suppressed copies.
``count_band(n, rules) -> str | None``: "5-9", "10-19", "20+".

Survivors face retaliation if an official learns how one of them rated. A figure that could
single out a rater is withheld, and the published value is ``None`` with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from analysis.compare import Comparison
from analysis.histogram import ScoreHistogram
from analysis.rules import DEFAULT_RULES, PublicationRules
from analysis.summary import CellSummary
from analysis.trend import Trend
from analysis.vocabulary import CellFlag, Finding, Withheld

__all__ = [
    "DEFAULT_RULES",
    "PublicationRules",
    "PublishedCell",
    "PublishedComparison",
    "PublishedTrend",
    "count_band",
    "distribution_suppression",
    "group_suppression",
    "publish_cell",
    "publish_comparison",
    "publish_trend",
    "publishable_groups",
]




def count_band(n: int, rules: PublicationRules = DEFAULT_RULES) -> str | None:
    """The band a count is shown in, e.g. ``"10-19"``; ``None`` below the first band.

    Examples
    --------
    >>> count_band(7), count_band(19), count_band(250), count_band(3)
    ('5-9', '10-19', '20+', None)
    """
    for low, high in rules.count_bands:
        if n >= low and (high is None or n <= high):
            return f"{low}+" if high is None else f"{low}-{high}"
    return None


def group_suppression(
    group: ScoreHistogram | CellSummary, rules: PublicationRules = DEFAULT_RULES
) -> Finding | None:
    """Why a whole group must be withheld, or ``None`` when its mean may be published.

    Distinct raters are ``raters`` when known, else ``n`` (one rating per rater).

    Examples
    --------
    >>> group_suppression(ScoreHistogram.from_scores([3, 3, 3, 3, 3, 3]))
    Withheld.ALL_SAME(min_n=10)
    """
    n = group.n
    if isinstance(group, CellSummary):
        all_same = CellFlag.ALL_SAME in group.flags
        raters = n if group.raters is None else group.raters
    else:
        all_same = group.all_same
        raters = group.raters_or_n
    if raters < rules.min_raters_mean:
        return Withheld.FEW_RATERS(min_raters=rules.min_raters_mean)
    if all_same and n < rules.min_n_if_all_same:
        return Withheld.ALL_SAME(min_n=rules.min_n_if_all_same)
    return None


def distribution_suppression(
    group: ScoreHistogram | CellSummary, rules: PublicationRules = DEFAULT_RULES
) -> Finding | None:
    """Why a group's distribution (SD, median, shares, score counts) is withheld although its
    mean may be published, or ``None``.

    Examples
    --------
    >>> distribution_suppression(ScoreHistogram.from_scores([4, 5, 6, 7, 8]))
    Withheld.FEW_RATERS_FOR_DISTRIBUTION(min_raters=10)
    """
    raters = group.raters_or_n if isinstance(group, ScoreHistogram) else (
        group.n if group.raters is None else group.raters)
    if raters < rules.min_raters_distribution:
        return Withheld.FEW_RATERS_FOR_DISTRIBUTION(min_raters=rules.min_raters_distribution)
    return None


def publishable_groups(
    by_group: Mapping, rules: PublicationRules = DEFAULT_RULES
) -> tuple[dict, dict]:
    """Split groups into those that may be published and those withheld (with reasons).

    Build every published total and every "rest of the network" from ``kept`` only: a total
    that included a withheld office would give it away by subtraction.

    Examples
    --------
    >>> H = ScoreHistogram.from_scores
    >>> kept, withheld = publishable_groups({"BDO": H([4, 5, 6, 7, 8]), "WDO": H([2, 3])})
    >>> list(kept), withheld
    (['BDO'], {'WDO': Withheld.FEW_RATERS(min_raters=5)})
    """
    kept, withheld = {}, {}
    for key, hist in by_group.items():
        reason = group_suppression(hist, rules)
        if reason is None:
            kept[key] = hist
        else:
            withheld[key] = reason
    return kept, withheld


def _round(value, digits):
    return None if value is None else round(value, digits)


def _round_pair(pair, digits):
    return None if pair is None else (round(pair[0], digits), round(pair[1], digits))


@dataclass(frozen=True, slots=True)
class PublishedCell:
    """A cell as it may be published: counts banded, figures rounded or withheld.

    ``suppressed`` maps each withheld figure to its reason; ``suppressed_reason`` is the
    reason the whole group is withheld (``None`` when its mean is published).
    """

    office: str | None
    cycle: str | None
    n_band: str | None
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

    def to_dict(self) -> dict:
        return {
            "office": self.office,
            "cycle": self.cycle,
            "n": self.n_band,
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
    ``min_raters_distribution``; an all-same group under ``min_n_if_all_same`` is withheld
    entirely. Means are rounded to ``mean_decimals``; n is shown as a band.

    Examples
    --------
    >>> from analysis.summary import summarize
    >>> cell = publish_cell(summarize(ScoreHistogram.from_scores([6, 7, 8, 9, 10, 7])))
    >>> cell.n_band, cell.mean, cell.share_7plus, dict(cell.suppressed)["share_7plus"]
    ('5-9', 7.8, None, Withheld.FEW_RATERS_FOR_DISTRIBUTION(min_raters=10))
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
    return PublishedCell(
        office=summary.office,
        cycle=summary.cycle,
        n_band=count_band(summary.n, rules),
        mean=round(summary.mean, digits),
        sd=_round(summary.sd, digits) if distribution_ok else None,
        median=summary.median if distribution_ok else None,
        ci95=_round_pair(summary.ci95_shown, digits),
        share_7plus=round(summary.share_7plus, share_digits) if distribution_ok else None,
        share_7plus_ci95=(
            _round_pair(summary.share_7plus_ci95, share_digits) if distribution_ok else None
        ),
        bca95=_round_pair(summary.bca95, digits),
        flags=flags,
        publishable=True,
        suppressed_reason=None,
        suppressed=tuple(suppressed),
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
    as bands.
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
    figures["n_per_cycle"] = [count_band(n, rules) for n in trend.n_per_cycle]
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
    """Round a comparison for publication (n banded, means to one decimal, p to 3).

    Compare publishable offices only (drop withheld ones first with
    :func:`publishable_groups`), so "the rest of the network" contains no withheld office.
    """
    figures = comparison.to_dict()
    digits = rules.mean_decimals
    figures["n"] = count_band(comparison.n, rules)
    for key in ("mean", "diff_vs_rest", "eb_mean", "eb_sd"):
        figures[key] = _round(figures[key], digits)
    if figures["diff_ci95"] is not None:
        figures["diff_ci95"] = list(_round_pair(figures["diff_ci95"], digits))
    for key in ("p", "q", "brunner_munzel_p"):
        figures[key] = _round(figures[key], rules.p_decimals)
    return PublishedComparison(comparison.cycle, comparison.office, tuple(figures.items()))
