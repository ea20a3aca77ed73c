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

from analysis import Finding, NetworkCounts, Withheld, staff_network
from rating.cycles.models import Cycle
from rating.histograms import RatingFilter, count_collective_parts, count_scores
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
