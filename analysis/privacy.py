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
``publish_cell / publish_trend / publish_comparison`` (:mod:`analysis.published`): rounded,
    suppressed copies.
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

from analysis._enumerate import count_distributions
from analysis.histogram import ScoreHistogram
from analysis.rules import DEFAULT_RULES, PublicationRules
from analysis.summary import CellSummary
from analysis.vocabulary import CellFlag, Finding, Withheld

__all__ = [
    "DEFAULT_RULES",
    "PublicationRules",
    "count_band",
    "count_distributions",
    "participation_band",
    "distribution_suppression",
    "group_suppression",
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
