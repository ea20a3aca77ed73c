"""What the staff pages may show and compute from: the publication rule inside the network.

Every staff chart, table, CSV and figure spec is built from `count_shown_scores`, never from
`rating.histograms.count_scores` directly. Two rules make subtraction useless (see the
reasoning in `analysis.privacy`):

- a cell of fewer than ``min_ratings_staff`` ratings is emptied before any mean, network
  mean, "rest of the network", trend line or before/after pool is computed;
- under the collective filter, a cell is shown only when every collective's part of it is
  empty or has at least ``min_ratings_staff`` ratings (complementary suppression), so the
  filtered page minus the unfiltered one never leaves a small group.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Float, and_, case, cast, exists, func, select

from analysis import (
    Finding,
    NetworkCounts,
    NetworkVariances,
    Withheld,
    network_variances,
    staff_network,
)
from rating.cycles.counts import SCORE_COLUMNS, rating_counts
from rating.cycles.models import Cycle
from rating.extensions import db
from rating.histograms import (
    RatingFilter,
    count_collective_parts,
    count_scores,
    keep_while_closed,
    kept_store,
)
from rating.rules import current_rules


@dataclass(frozen=True)
class ShownCounts:
    """The counts the staff pages may use, and why each other rated cell is left out."""

    network: NetworkCounts
    hidden: dict[tuple[int, int], Finding] = field(default_factory=dict)

    def reason(self, office_id: int, cycle_id: int) -> Finding | None:
        """Why a cell is not shown (``None`` when it is, or has no ratings at all)."""
        return self.hidden.get((office_id, cycle_id))


def count_shown_scores(criteria: RatingFilter, cycles: list[Cycle]) -> ShownCounts:
    """Score counts of the cells the staff pages may show for this filter, all others
    emptied, with the reason each rated cell was left out."""
    minimum = current_rules().publication.min_ratings_staff
    network = count_scores(criteria, cycles)
    hidden: dict[tuple[int, int], Finding] = {}
    few = Withheld.FEW_RATINGS(min_ratings=minimum)
    n_cell = network.counts.sum(axis=2)
    for o, office in enumerate(network.offices):
        for c, cycle in enumerate(network.cycles):
            if 0 < n_cell[o, c] < minimum:
                hidden[(office, cycle)] = few
    if criteria.collective_id:
        split = Withheld.SMALL_PART(min_ratings=minimum)
        for cell, parts in count_collective_parts(criteria, cycles).items():
            if cell in hidden or cell[0] not in network.offices:
                continue
            if parts.get(criteria.collective_id) and any(
                    0 < count < minimum for count in parts.values()):
                hidden[cell] = split
    if hidden:
        network = network.without(hidden)
    return ShownCounts(staff_network(network, current_rules()), hidden)


def shown_variances(criteria: RatingFilter, cycles: list[Cycle]) -> NetworkVariances:
    """The network-wide variances of the trends (`analysis.network_variances`) over the same
    cells as `count_shown_scores` (cells under ``min_ratings_staff`` ratings left out and,
    under the collective filter, cells with a small collective part), in one aggregate query
    over the counts: a row per office of its cells' sums, not every office's histograms.
    Filters other than the collective and the cycles are not applied (the network is every
    office).

    They are the same on every office's page, so over closed cycles they are kept (a few
    keys, `_kept_variances`) while the cycles' revisions stand (`keep_while_closed`: the
    database renews a closed cycle's revision on any write to its ratings and on closing or
    reopening), with the collective and the minimum. With an open cycle in the range nothing
    is kept."""
    order = tuple(cycle.id for cycle in cycles)
    if not order:
        return network_variances([])
    collective_id = criteria.collective_id or None
    minimum = current_rules().publication.min_ratings_staff
    statement = _variances_statement(order, collective_id, minimum)
    connection = db.session.connection()  # Core rows: the ORM's handling cost more than these
    return keep_while_closed(
        _kept_variances, cycles, (collective_id, minimum),
        lambda: network_variances([tuple(row) for row in connection.execute(statement)]))


# cycle ranges x collective filters; each entry is a few numbers
_kept_variances = kept_store(32)


@lru_cache(maxsize=64)
def _variances_statement(order: tuple[int, ...], collective_id: int | None, minimum: int):
    """The query of `shown_variances`, built once per cycles, collective and minimum (it has
    some 60 terms: building it cost a quarter of its run)."""
    counted = rating_counts.c
    # n from the ratings column (the score columns add up to it): each product costs the
    # database a step per row, and these are most of the query's time.
    scores = [(int(column.removeprefix("score_")), counted[column]) for column in SCORE_COLUMNS]
    n = func.sum(counted.ratings)
    t1 = func.sum(sum(column if score == 1 else score * column for score, column in scores))
    t2 = func.sum(sum(column if score == 1 else score * score * column
                      for score, column in scores))
    position = case({cycle_id: x for x, cycle_id in enumerate(order)}, value=counted.cycle_id)
    statement = select(counted.office_id, position.label("x"), n.label("n"), t1.label("t1"),
                       t2.label("t2")).where(counted.cycle_id.in_(order))
    if collective_id:
        part = rating_counts.alias("part")
        statement = statement.where(counted.collective_id == collective_id, ~exists(
            select(1).where(and_(part.c.office_id == counted.office_id,
                                 part.c.cycle_id == counted.cycle_id,
                                 part.c.ratings > 0, part.c.ratings < minimum))))
    cells = (statement.group_by(counted.cycle_id, counted.office_id)
             .having(n >= minimum).subquery())
    x, cell_n, cell_t1, cell_t2 = cells.c.x, cells.c.n, cells.c.t1, cells.c.t2
    return select(
        func.count(), func.sum(cell_n), func.sum(cell_n * x), func.sum(cell_n * x * x),
        func.sum(cell_t1), func.sum(x * cell_t1),
        func.sum(cast(cell_t1 * cell_t1, Float) / cell_n), func.sum(cell_n * cell_n),
        func.sum(cell_n * cell_n * x), func.sum(cell_n * cell_n * x * x),
        func.sum(cast(cell_n * cell_t2 - cell_t1 * cell_t1, Float) / cell_n),
        func.sum(cell_n - 1)).group_by(cells.c.office_id)
