"""Offices compared against how the same leaders rated the other offices they visited.

A leader who rates every office harshly makes her offices look worse than they are, and
leaders choose which offices they visit. Comparing each rating only with the *same leader's*
other ratings of the same cycle (a within-rater design) removes each leader's own harshness,
and a shared bias of a block's leaders with it. Inputs are plain
``(rater_key, office, cycle, score)`` tuples, one per rating.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis._quantiles import normal_quantile
from analysis.compare import bh_qvalues
from analysis.permutation import stratified_rank_test
from analysis.rules import ComparisonRules
from analysis.vocabulary import ComparisonFlag, Finding

__all__ = ["LeaderComparison", "compare_arrays", "compare_with_leaders"]

_DEFAULT = ComparisonRules()


@dataclass(frozen=True, slots=True)
class LeaderComparison:
    """One office against the same leaders' ratings of other offices, over a window.

    Attributes
    ----------
    office : hashable
    cycles : tuple
        The cycles of the window.
    n, raters : int
        The office's ratings and distinct leaders in the window.
    informative : int
        Its ratings by leaders who also rated another office in the same cycle (and, for
        peers, another office of the same group).
    diff : float or None
        Leader-adjusted difference in points: each of its ratings minus the same leader's
        mean rating of the other offices in that cycle, averaged.
    diff_ci95 : (float, float) or None
        ``diff`` plus or minus 1.96 permutation standard errors.
    z, p, q : float or None
        van Elteren's statistic, its two-sided p, and the Benjamini-Hochberg q over the
        offices compared.
    flag : Finding
        :class:`~analysis.vocabulary.ComparisonFlag`: above or below the leaders' other
        offices (``cycles``) or the peers (``peers``), no clear difference, or not compared.
    group : hashable or None
        Its peer group when compared with peers.
    rank_from_bottom, compared_in_group : int or None
        Its place by ``diff`` among the compared offices of its group (1 = lowest), and how
        many there were.
    """

    office: Hashable
    cycles: tuple
    n: int
    raters: int
    informative: int
    diff: float | None
    diff_ci95: tuple[float, float] | None
    z: float | None
    p: float | None
    q: float | None
    flag: Finding
    group: Hashable | None = None
    rank_from_bottom: int | None = None
    compared_in_group: int | None = None

    def to_dict(self) -> dict:
        return {
            "office": self.office, "cycles": list(self.cycles), "n": self.n,
            "raters": self.raters, "informative": self.informative, "diff": self.diff,
            "diff_ci95": None if self.diff_ci95 is None else list(self.diff_ci95),
            "z": self.z, "p": self.p, "q": self.q, "flag": self.flag, "group": self.group,
            "rank_from_bottom": self.rank_from_bottom,
            "compared_in_group": self.compared_in_group,
        }


def _float(value) -> float | None:
    return None if value != value else float(value)


def compare_with_leaders(
    ratings: Iterable[tuple[Hashable, Hashable, Hashable, int]],
    *,
    cycles: Sequence[Hashable] | None = None,
    peer_group: Mapping[Hashable, Hashable] | None = None,
    min_raters: int = _DEFAULT.min_raters,
    alpha: float = _DEFAULT.false_discovery_rate,
) -> tuple[LeaderComparison, ...]:
    """Compare every office with the other offices its own leaders rated.

    Parameters
    ----------
    ratings : iterable of (rater_key, office, cycle, score)
        One row per rating (one leader rates an office at most once a cycle).
    cycles : sequence, optional
        The window: only these cycles' ratings are used (default: all).
    peer_group : mapping office -> group, optional
        Compare with peers only: a rating is set against the same leader's ratings, in the
        same cycle, of other offices *of the same group* (e.g. department type). Offices
        missing from the mapping are left out.
    min_raters : int
        Offices with fewer distinct leaders in the window are not compared.
    alpha : float
        Benjamini-Hochberg false discovery rate for "above"/"below".

    Returns
    -------
    tuple of LeaderComparison
        Offices in the order they first appear.

    Notes
    -----
    Strata are (leader, cycle), or (leader, cycle, group) for peers; the test is
    :func:`analysis.permutation.stratified_rank_test` (van Elteren), so its p-value is the
    permutation p-value of shuffling office labels among each leader's ratings of a cycle,
    which holds whatever the shape of the scores. q-values by Benjamini-Hochberg (1995) over
    every compared office. Offices with fewer than ``min_raters`` leaders are neither
    compared nor counted in anyone's comparison; an office whose leaders rated no other
    compared office is "not compared" (no rest).

    References
    ----------
    van Elteren (1960), Bull. ISI 37, 351-361. Benjamini & Hochberg (1995), JRSS B 57,
    289-300.

    Examples
    --------
    >>> rows = [(f"L{r}", office, 1, score + (r % 3))
    ...         for r in range(8) for office, score in (("BDO", 3), ("WDO", 6), ("PHC", 6))]
    >>> [(c.office, c.diff, str(c.flag)) for c in compare_with_leaders(rows)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('BDO', -3.0, 'below_leaders_other_offices'), ('WDO', 1.5, 'above_leaders_other_offices'),
     ('PHC', 1.5, 'above_leaders_other_offices')]
    """
    _check_rules(min_raters, alpha)
    window = None if cycles is None else set(cycles)
    office_id: dict = {}
    stratum_id: dict = {}
    offices, strata, scores = [], [], []
    raters: dict = {}
    for line, (rater, office, cycle, score) in enumerate(ratings, start=1):
        if score.__class__ is not int or not 1 <= score <= 10:
            raise ValueError(f"rating {line}: score {score!r} is not a whole number 1..10")
        if window is not None and cycle not in window:
            continue
        group = None
        if peer_group is not None:
            if office not in peer_group:
                continue
            group = peer_group[office]
        o = office_id.setdefault(office, len(office_id))
        offices.append(o)
        strata.append(stratum_id.setdefault((rater, cycle, group), len(stratum_id)))
        scores.append(score)
        raters.setdefault(o, set()).add(rater)
    names = list(office_id)
    used_cycles = tuple(cycles) if cycles is not None else tuple(
        dict.fromkeys(key[1] for key in stratum_id))
    distinct = np.array([len(raters[o]) for o in range(len(names))], dtype=np.int64)
    groups = [None if peer_group is None else peer_group[name] for name in names]
    return compare_arrays(np.array(strata, dtype=np.int64), np.array(offices, dtype=np.int64),
                          np.array(scores, dtype=float), names, distinct, groups,
                          cycles=used_cycles, peers=peer_group is not None,
                          min_raters=min_raters, alpha=alpha)


def compare_arrays(stratum, office, score, names, distinct, groups, *, cycles: tuple,
                   peers: bool, min_raters: int, alpha: float) -> tuple[LeaderComparison, ...]:
    """:func:`compare_with_leaders` on arrays: per rating its stratum (leader x cycle [x
    group]) and office id; per office its name, distinct leaders and group."""
    m = len(names)
    totals = np.bincount(office, minlength=m)
    # Offices with too few leaders are neither compared nor part of anyone's comparison.
    counted = distinct[office] >= min_raters
    test = stratified_rank_test(stratum[counted], office[counted], score[counted], groups=m)
    eligible = (distinct >= min_raters) & ~np.isnan(test.p)
    q = np.full(m, np.nan)
    if eligible.any():
        q[eligible] = bh_qvalues(test.p[eligible])
    rank, size = _ranks_within(groups, test.diff, eligible)
    z975 = normal_quantile(0.975)
    unclear = ComparisonFlag.NO_CLEAR_DIFFERENCE(false_discovery_rate=alpha)
    results = []
    for o, name in enumerate(names):
        if distinct[o] < min_raters:
            flag = ComparisonFlag.NOT_COMPARED_FEW_RATERS(min_raters=min_raters)
        elif not eligible[o]:
            flag = ComparisonFlag.NOT_COMPARED_NO_REST()
        elif q[o] < alpha:
            flag = _direction(test.diff[o] < 0, alpha, len(cycles), size[o], peers)
        else:
            flag = unclear
        diff, se = _float(test.diff[o]), _float(test.diff_se[o])
        compared = bool(eligible[o])
        results.append(LeaderComparison(
            office=name, cycles=cycles, n=int(totals[o]), raters=int(distinct[o]),
            informative=int(test.informative[o]),
            diff=diff if compared else None,
            diff_ci95=(diff - z975 * se, diff + z975 * se) if compared and se else None,
            z=_float(test.z[o]) if compared else None,
            p=_float(test.p[o]) if compared else None,
            q=_float(q[o]) if compared else None,
            flag=flag, group=groups[o],
            rank_from_bottom=rank[o] if compared else None,
            compared_in_group=size[o] if compared else None,
        ))
    return tuple(results)


def _direction(low: bool, alpha: float, cycles: int, compared: int, peers: bool) -> Finding:
    if peers:
        code = ComparisonFlag.BELOW_PEERS if low else ComparisonFlag.ABOVE_PEERS
        return code(false_discovery_rate=alpha, peers=compared)
    code = ComparisonFlag.BELOW_LEADERS_OTHERS if low else ComparisonFlag.ABOVE_LEADERS_OTHERS
    return code(false_discovery_rate=alpha, cycles=cycles)


def _ranks_within(groups, diff, eligible) -> tuple[list, list]:
    rank: list = [None] * len(groups)
    size: list = [None] * len(groups)
    members: dict = {}
    for o, group in enumerate(groups):
        if eligible[o]:
            members.setdefault(group, []).append(o)
    for group_members in members.values():
        ordered = sorted(group_members, key=lambda o: diff[o])
        for place, o in enumerate(ordered, start=1):
            rank[o], size[o] = place, len(ordered)
    return rank, size


def _check_rules(min_raters, alpha) -> None:
    if isinstance(min_raters, bool) or not isinstance(min_raters, int) or min_raters < 1:
        raise ValueError(f"min_raters must be a whole number >= 1, got {min_raters!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
