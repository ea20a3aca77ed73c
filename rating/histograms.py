"""The bridge between the ratings and the statistics: counts in, histograms out.

Views never load rating rows: they call `count_scores`, which reads the counts the database
keeps beside the ratings (`rating.cycles.counts`, one row per office x cycle x collective,
kept by triggers in each rating write's transaction), and hand them to `analysis`. Every
filter of `RatingFilter` is answered there: the collective is a column of the counts, and
the places and departments are the offices'. Memory and time grow with offices x cycles,
not with ratings.
"""

import hashlib
import threading
from dataclasses import dataclass, field, replace

import numpy as np
from cachetools import LRUCache
from sqlalchemy import func, or_, select

from analysis import (
    NetworkCounts,
    Rules,
    Standing,
    assess_standing,
    compare_window,
    standing_window,
)
from rating.cycles.counts import (
    ANSWER_COLUMNS,
    ANSWERS,
    QUESTIONS,
    SCORE_COLUMNS,
    rating_counts,
)
from rating.cycles.models import Cycle, Rating
from rating.cycles.revisions import cycle_revisions_of
from rating.directory.models import Office, Place
from rating.extensions import db


@dataclass(frozen=True)
class RatingFilter:
    """Which ratings a chart is about; every field optional. Kept in the page's URL."""

    district_id: int | None = None
    block_id: int | None = None
    department_id: int | None = None
    collective_id: int | None = None
    cycle_from: int | None = None  # cycle ids; the range is by start date, inclusive
    cycle_to: int | None = None
    office_ids: tuple[int, ...] = field(default=())
    closed_only: bool = True


def cycles_in_range(criteria: RatingFilter) -> list[Cycle]:
    """The cycles a chart covers, oldest first (closed ones unless asked otherwise)."""
    statement = select(Cycle).where(Cycle.status != "draft").order_by(Cycle.starts_on, Cycle.id)
    if criteria.closed_only:
        statement = statement.where(Cycle.status == "closed")
    cycles = list(db.session.scalars(statement))
    bounds = {c.id: c.starts_on for c in cycles}
    start = bounds.get(criteria.cycle_from)
    end = bounds.get(criteria.cycle_to)
    return [c for c in cycles if (start is None or c.starts_on >= start)
            and (end is None or c.starts_on <= end)]


def _restrict(statement, criteria: RatingFilter, cycle_ids, counted=rating_counts.c):
    """The WHERE clauses shared by every aggregate query (no cycle clause when None), on the
    counts table, or on another with the same columns (the ratings, for `rater_scores`)."""
    if cycle_ids is not None:
        statement = statement.where(counted.cycle_id.in_(cycle_ids))
    if criteria.collective_id:
        statement = statement.where(counted.collective_id == criteria.collective_id)
    if criteria.office_ids:
        statement = statement.where(counted.office_id.in_(criteria.office_ids))
    if criteria.department_id or criteria.district_id or criteria.block_id:
        statement = statement.join(Office, Office.id == counted.office_id)
        if criteria.department_id:
            statement = statement.where(Office.department_type_id == criteria.department_id)
        if criteria.district_id or criteria.block_id:
            statement = statement.join(Place, Place.id == Office.place_id)
            if criteria.district_id:
                statement = statement.where(or_(Place.id == criteria.district_id,
                                                Place.district_id == criteria.district_id))
            if criteria.block_id:
                statement = statement.where(or_(Place.id == criteria.block_id,
                                                Place.block_id == criteria.block_id))
    return statement


def _cells(columns, criteria: RatingFilter, order: list[int]) -> list[tuple]:
    """``(office_id, cycle_id, *sums of columns)`` per office x cycle (collectives added)."""
    counted = rating_counts.c
    statement = _restrict(
        select(counted.office_id, counted.cycle_id, *(func.sum(counted[c]) for c in columns)),
        criteria, order).group_by(counted.cycle_id, counted.office_id)
    # Plain tuples: numpy probing SQLAlchemy rows for array keys cost more than the query.
    return [tuple(row) for row in db.session.connection().execute(statement)]


# What is read from closed cycles, kept in each process while their revisions stand
# (`rating.cycles.revisions`: the database gives a closed cycle a new revision on any write to
# its ratings and on closing or reopening), so an edit, an import or a reopening is seen by the
# next request on every node:
# - the leader-adjusted comparisons of a window: the one figure read from the ratings row by
#   row (a few cycles' worth), and the dearest to compute;
# - the score counts of a filter over closed cycles, when the filter does not go through the
#   directory (an office moved to another block changes no revision);
# - what other features keep the same way (`keep_while_closed`: the office page's variances).
_kept_stores: list[LRUCache] = []
_kept_lock = threading.Lock()


def kept_store(maxsize: int) -> LRUCache:
    """A store for figures kept from closed cycles (`keep_while_closed`), least recently used
    dropped first, forgotten with the others (`forget_kept_figures`)."""
    store = LRUCache(maxsize=maxsize)
    _kept_stores.append(store)
    return store


_kept_comparisons = kept_store(64)
_kept_counts = kept_store(64)


def closed_revisions(cycles) -> tuple | None:
    """``((id, created, revision), ...)`` of the cycles, or None when one is not closed (an
    open cycle's ratings change without a revision): the key of anything computed from
    those cycles' ratings or counts and kept."""
    if any(cycle.status != "closed" for cycle in cycles):
        return None
    revisions = cycle_revisions_of(cycle.id for cycle in cycles)
    return tuple((c.id, c.created_at, revisions[c.id]) for c in cycles)


def _kept(kept: LRUCache, key: tuple | None, compute):
    """``kept[key]``, computed and kept first if missing; no key: computed, not kept."""
    if key is None:
        return compute()
    with _kept_lock:
        value = kept.get(key)
    if value is None:
        value = compute()
        with _kept_lock:
            kept[key] = value
    return value


def keep_while_closed(store: LRUCache, cycles, key: tuple, compute):
    """``compute()``, kept in ``store`` under ``key`` while the revisions of ``cycles`` stand;
    computed every time while one of them is open."""
    revisions = closed_revisions(cycles)
    return _kept(store, None if revisions is None else (revisions, *key), compute)


def _counts_key(criteria: RatingFilter, cycles: list[Cycle]) -> tuple | None:
    if criteria.district_id or criteria.block_id or criteria.department_id:
        return None
    revisions = closed_revisions(cycles)
    return None if revisions is None else (criteria, revisions)


def count_scores(criteria: RatingFilter, cycles: list[Cycle] | None = None) -> NetworkCounts:
    """Score counts of every office x cycle cell that the filter selects.

    Offices are keyed by id (ascending) and cycles by id, in the order of ``cycles`` (so a
    cycle's position is its x in a trend, and a cycle an office missed leaves a gap). Read
    from the counts the triggers keep, one row per office x cycle x collective, never from
    the ratings: 200 offices x 26 cycles cost the same at 100,000 ratings as at 10,000,000.
    """
    cycles = cycles_in_range(criteria) if cycles is None else cycles
    return _kept(_kept_counts, _counts_key(criteria, cycles),
                 lambda: _count_scores(criteria, cycles))


def _count_scores(criteria: RatingFilter, cycles: list[Cycle]) -> NetworkCounts:
    order = [cycle.id for cycle in cycles]
    rows = _cells(SCORE_COLUMNS, criteria, order) if order else []
    offices = sorted({row[0] for row in rows})
    counts = np.zeros((len(offices), len(order), 10), dtype=np.int64)
    if rows:
        table = np.array(rows, dtype=np.int64)
        cycle_at = np.zeros(max(order) + 1, dtype=np.int64)
        cycle_at[order] = np.arange(len(order))
        counts[np.searchsorted(offices, table[:, 0]), cycle_at[table[:, 1]]] = table[:, 2:]
    # Distinct raters unknown (-1), as before: the cells' counts are what the analysis uses.
    return NetworkCounts(tuple(offices), tuple(order), counts,
                         np.full(counts.shape[:2], -1, dtype=np.int64))


def rater_scores(criteria: RatingFilter, cycles: list[Cycle]) -> list[tuple[str, int, int, int]]:
    """``(rater_key, office_id, cycle_id, score)``, one row per rating of the given cycles.

    The one statistic that needs to know who rated what: the leader-adjusted comparison
    (`analysis.compare_with_leaders`) sets each rating against the same leader's ratings of
    other offices. Callers pass only the cycles of its window (3 by the rules), so the rows
    read are a few cycles' ratings, not the history.
    """
    order = [cycle.id for cycle in cycles]
    if not order:
        return []
    statement = _restrict(
        select(Rating.rater_key, Rating.office_id, Rating.cycle_id, Rating.score), criteria,
        order, Rating.__table__.c)
    return [tuple(row) for row in db.session.connection().execute(statement)]
def count_collective_parts(criteria: RatingFilter, cycles: list[Cycle]) -> dict:
    """Ratings per collective in each office x cycle cell the filter selects, ignoring the
    filter's own collective: ``{(office_id, cycle_id): {collective_id: n}}``. What the staff
    pages need to tell whether a collective's part of a cell may be shown."""
    order = [cycle.id for cycle in cycles]
    if not order:
        return {}
    everyone = RatingFilter(**{**criteria.__dict__, "collective_id": None})
    counted = rating_counts.c  # one row per office x cycle x collective already
    statement = _restrict(
        select(counted.office_id, counted.cycle_id, counted.collective_id, counted.ratings),
        everyone, order).where(counted.ratings > 0)
    parts: dict = {}
    for office_id, cycle_id, collective_id, count in db.session.execute(statement):
        parts.setdefault((office_id, cycle_id), {})[collective_id] = count
    return parts


def count_answers(criteria: RatingFilter, cycles: list[Cycle]) -> dict:
    """Answers to "treated with respect?" and "was the work done?" per office and cycle:
    ``{(office_id, cycle_id): {"respect": {"yes": n, ...}, "work_done": {...}}}``."""
    answers: dict = {}
    order = [cycle.id for cycle in cycles]
    if not order:
        return answers
    names = [(question, answer) for question in QUESTIONS for answer in ANSWERS]
    for office_id, cycle_id, *sums in _cells(ANSWER_COLUMNS, criteria, order):
        cell = answers[office_id, cycle_id] = {"respect": {}, "work_done": {}}
        for (question, answer), count in zip(names, sums, strict=True):
            if count:
                cell[question][answer] = count
    return answers


def department_types(office_ids) -> dict[int, int]:
    """Each office's department type: the peers it is compared with (all BDOs, ...)."""
    ids = list(office_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Office.id, Office.department_type_id).where(Office.id.in_(ids))).all())


def _comparison_key(criteria: RatingFilter, window: list[Cycle], network: NetworkCounts,
                    peer_group: dict, rules: Rules, shown) -> tuple | None:
    """What the window's comparison depends on, or None when a cycle of it is not closed
    (an open cycle's ratings change without a revision)."""
    revisions = closed_revisions(window)
    if revisions is None:
        return None
    ids = {cycle.id for cycle in window}
    cells = None if shown is None else hashlib.sha256(
        repr(sorted(cell for cell in shown if cell[1] in ids)).encode()).hexdigest()
    return (criteria, revisions, network.offices, tuple(sorted(peer_group.items())), rules, cells)


def _window_comparisons(criteria, window, network, peer_group, rules, shown):
    """`analysis.compare_window` over ``window``, kept while its revisions stand."""
    def compare():
        ratings = rater_scores(criteria, window)
        if shown is not None:
            ratings = [row for row in ratings if (row[1], row[2]) in shown]
        return compare_window(ratings, tuple(c.id for c in window), peer_group=peer_group,
                              rules=rules)

    key = _comparison_key(criteria, window, network, peer_group, rules, shown)
    return _kept(_kept_comparisons, key, compare)


def forget_kept_figures() -> None:
    """Drop everything kept from closed cycles (tests; a process that changed the rules)."""
    with _kept_lock:
        for store in _kept_stores:
            store.clear()


def standing_at(criteria: RatingFilter, cycles: list[Cycle], cycle: Cycle,
                network: NetworkCounts, rules: Rules, shown=None) -> Standing:
    """The headline figures at ``cycle`` (`analysis.assess_standing`): the leader-adjusted
    comparison over the rules' ``window_cycles`` cycles up to it, peers by department type,
    the overdispersed funnel, slopes with cycle shocks and the step monitor.

    ``shown``, when given, is the set of ``(office_id, cycle_id)`` cells that may be used
    (a pack's publishable cells): ratings of other cells are left out of the comparison, as
    they are of the counts the caller passes in.

    The comparison is the one part read from the ratings, row by row; over closed cycles it
    is kept (`_window_comparisons`) while their revisions stand, so a repeated overview costs
    what the counts cost.
    """
    if shown is not None:
        # a published comparison needs as many leaders as a published mean
        needed = max(rules.comparison.min_raters, rules.publication.min_raters_mean)
        rules = replace(rules, comparison=replace(rules.comparison, min_raters=needed))
    by_id = {c.id: c for c in cycles}
    window = [by_id[cycle_id] for cycle_id in standing_window(network, cycle.id, rules)]
    peer_group = department_types(network.offices)
    comparisons = _window_comparisons(criteria, window, network, peer_group, rules, shown)
    return assess_standing(network, (), cycle=cycle.id, peer_group=peer_group, rules=rules,
                           comparisons=comparisons)


def count_leaders(criteria: RatingFilter, cycles: list[Cycle]) -> dict:
    """Who took part, as counts only: ``{"per_leader": {cycle_id: [offices each leader
    rated, ...]}, "collectives": {collective_id: leaders}}`` over the filter's ratings.

    Rater keys never leave the database: it groups by them and returns how many offices each
    rated in a cycle (one number a leader, unnamed), and how many distinct leaders of each
    collective rated at all. Two aggregate queries; rows grow with leaders x cycles.
    """
    order = [cycle.id for cycle in cycles]
    if not order:
        return {"per_leader": {}, "collectives": {}}
    rated = Rating.__table__.c
    per_leader: dict[int, list[int]] = {cycle_id: [] for cycle_id in order}
    statement = _restrict(select(rated.cycle_id, func.count()), criteria, order, rated)
    for cycle_id, offices in db.session.execute(
            statement.group_by(rated.cycle_id, rated.rater_key)):
        per_leader[cycle_id].append(offices)
    statement = _restrict(select(rated.collective_id, func.count(rated.rater_key.distinct())),
                          criteria, order, rated).group_by(rated.collective_id)
    return {"per_leader": per_leader, "collectives": dict(db.session.execute(statement).all())}
