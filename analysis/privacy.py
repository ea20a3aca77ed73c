"""Publication rules: what may leave the network, and why each withheld figure is withheld.

API
---
``PublicationRules(...)``: the thresholds, with the network's defaults.
``group_suppression(hist_or_summary, rules) -> Finding | None``: why a whole group is withheld
    (a :class:`~analysis.vocabulary.Withheld` code with its threshold).
``variance_suppression(hist_or_summary, rules) -> Finding | None``: why a small group's
    interval is withheld and its ratings kept out of trends, comparisons and pools.
``publishable_groups(by_group, rules) -> (kept, withheld)``: drop withheld groups *before*
    totals or comparisons, so a withheld office cannot be recovered by subtraction.
``publish_cell / publish_trend / publish_comparison``: rounded, suppressed copies.
``count_band(n, rules) -> str | None``: "5-9", "10-19", "20+" (pooled before/after sides).
``participation_band(n, rules) -> str``: "0-9", "10-19" (who has rated in an open cycle).

Survivors face retaliation if an official learns how one of them rated. A figure that could
single out a rater is withheld, and the published value is ``None`` with its reason.

The rule, stated once
---------------------
No figure the service shows lets a reader recover a group of fewer than ``min_ratings_staff``
(3) ratings inside the network, fewer than ``min_raters_mean`` (5) leaders outside it, or the
score distribution of fewer than ``min_raters_distribution`` (10) leaders outside it.

Why it holds:

1. *Atoms.* Every figure is computed from office x cycle cells, or, with the staff pages'
   collective filter, from office x cycle x collective parts of them. The other filters
   (district, block, department, cycle range) select whole cells, so the groups any figure
   covers are unions of these atoms; no published figure splits an atom.
2. *Totals from shown cells only.* Every total, network mean, "rest of the network", trend
   line and before/after pool is computed from the cells that are themselves shown (or, for
   packs, published), never from a withheld one. A linear combination of sums over unions of
   shown cells is a sum over a union of shown cells, each at or above the rule.
3. *Filters on fixed groupings, with complementary suppression.* A cell is shown under the
   collective filter only when every collective's part of it is empty or at or above the
   staff rule; otherwise that cell is left out of the filtered page (it stays in the
   unfiltered one). So a cell either appears whole only, or its parts are each at or above
   the rule: subtracting the filtered page from the unfiltered one yields only unions of
   such parts. The differencing audit (``tests/rating/test_differencing.py``) checks this by
   exact rank tests on what the pages publish.
4. *No open cycle.* A cycle's figures appear once it has closed; while it is open, staff see
   how many leaders rated in bands of ``participation_band`` only, so watching the page
   before and after one leader rates gives neither her score nor, within a band, her group.
5. *Counts are exact where a group is published* (participation is not a secret). Bands were
   undone by the intervals published next to them; an exact count hides nothing that the
   rule protects, and needs no interval to stay coarse.
6. *Distributions only from 10, checked by enumeration.* Under 10 leaders the published mean
   (with the exact count, it gives the sum) must fit more than one score distribution, or
   the cell is withheld (``PINS_SCORES``). An interval, a comparison's p-value and a trend
   fit carry the group's variance, so we assume they give away the sum of squares: when
   count, sum and sum of squares fit only one distribution, the interval is withheld and
   the cell's ratings enter no trend, comparison or pool.
7. *All-identical groups are withheld at any size* (``ALL_SAME``). Their mean, spread or
   missing interval tells every rater's score; "twelve leaders all gave 2" names how each of
   the twelve rated, which no count makes safe. The page says why the group is withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from analysis._enumerate import count_distributions
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
    "count_distributions",
    "participation_band",
    "distribution_suppression",
    "group_suppression",
    "publish_cell",
    "publish_comparison",
    "publish_trend",
    "publishable_groups",
    "variance_suppression",
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


def participation_band(n: int, rules: PublicationRules = DEFAULT_RULES) -> str:
    """How many leaders took part in an open cycle, as staff see it: a band of
    ``participation_band`` (10), so one more leader rating seldom changes what is shown.

    Examples
    --------
    >>> participation_band(0), participation_band(9), participation_band(23)
    ('0-9', '0-9', '20-29')
    """
    width = rules.participation_band
    low = (n // width) * width
    return f"{low}-{low + width - 1}"


def _moments(group: ScoreHistogram | CellSummary) -> tuple[int, int, int | None]:
    """n, the sum of the scores and the sum of their squares (None when not known)."""
    if isinstance(group, ScoreHistogram):
        squares = sum(count * score * score for score, count in enumerate(group.counts, 1))
        return group.n, group.total, squares
    n = group.n
    total = round(group.mean * n)
    if group.sd is None:
        return n, total, None if n != 1 else total * total
    return n, total, round(group.sd ** 2 * (n - 1) + total * total / n)


def _raters(group: ScoreHistogram | CellSummary) -> int:
    if isinstance(group, ScoreHistogram):
        return group.raters_or_n
    return group.n if group.raters is None else group.raters


def group_suppression(
    group: ScoreHistogram | CellSummary, rules: PublicationRules = DEFAULT_RULES
) -> Finding | None:
    """Why a whole group must be withheld, or ``None`` when its mean may be published.

    Distinct raters are ``raters`` when known, else ``n`` (one rating per rater).
    Withheld at any size when every rating is the same, and under ``min_raters_distribution``
    leaders when the count and the mean (so the sum) fit one score distribution only.

    Examples
    --------
    >>> group_suppression(ScoreHistogram.from_scores([3] * 40))
    Withheld.ALL_SAME()
    >>> group_suppression(ScoreHistogram.from_scores([1, 1, 1, 1, 2]))
    Withheld.PINS_SCORES(min_raters=10)
    """
    if isinstance(group, CellSummary):
        all_same = CellFlag.ALL_SAME in group.flags
    else:
        all_same = group.all_same
    if _raters(group) < rules.min_raters_mean:
        return Withheld.FEW_RATERS(min_raters=rules.min_raters_mean)
    if all_same:
        return Withheld.ALL_SAME()
    if _raters(group) < rules.min_raters_distribution:
        n, total, _ = _moments(group)
        if count_distributions(n, total, limit=2) <= 1:
            return Withheld.PINS_SCORES(min_raters=rules.min_raters_distribution)
    return None


def variance_suppression(
    group: ScoreHistogram | CellSummary, rules: PublicationRules = DEFAULT_RULES
) -> Finding | None:
    """Why a publishable group's interval is withheld and its ratings kept out of every
    trend, comparison and before/after pool: under ``min_raters_distribution`` leaders, its
    count, sum and sum of squares (which an interval or a p-value gives away) fit one score
    distribution only. ``None`` when they fit several, or at 10 leaders and more.

    Examples
    --------
    >>> variance_suppression(ScoreHistogram.from_scores([3, 4, 5, 4, 3, 4]))
    Withheld.PINS_SCORES(min_raters=10)
    >>> variance_suppression(ScoreHistogram.from_scores([6, 8, 6, 9, 5])) is None
    True
    """
    if _raters(group) >= rules.min_raters_distribution:
        return None
    n, total, squares = _moments(group)
    if squares is not None and count_distributions(n, total, squares, limit=2) <= 1:
        return Withheld.PINS_SCORES(min_raters=rules.min_raters_distribution)
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
    if _raters(group) < rules.min_raters_distribution:
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
