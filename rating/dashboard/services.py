"""What the staff charts show: the network overview, the heatmap, block and department views.

Each function runs the one histogram query (`rating.histograms`), hands the counts to
`analysis`, and returns small dataclasses that `figures` draws and templates tabulate.
Internal pages, but careful: every figure comes from `shown.count_shown_scores`, so no group
under the rules' ``min_ratings_staff`` (3) ratings is shown anywhere, nor can be recovered by
subtracting what is shown; only closed cycles have figures; every group under the
publication rules is marked "not for sharing" with its reason (an `analysis.Withheld`
finding, worded by `rating.wording`).
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from analysis import (
    ComparisonFlag,
    Finding,
    Standing,
    TrendVerdict,
    Withheld,
    analyse_network,
    assess_trends,
    distribution_suppression,
    group_suppression,
    participation_band,
    summarize_counts,
)
from rating.auth.models import User
from rating.auth.services import rater_key_for
from rating.cycles.counts import count_cycle_raters
from rating.cycles.models import Cycle
from rating.cycles.services import count_participation, find_open_cycle
from rating.dashboard.shown import count_shown_scores
from rating.directory.models import Office, Place
from rating.extensions import db
from rating.histograms import RatingFilter, cycles_in_range, standing_at
from rating.rules import current_rules


@dataclass(frozen=True)
class OfficeRow:
    """One office in one cycle, as the overview and group views list it."""

    office: Office
    n: int
    mean: float
    ci95: tuple[float, float] | None
    share_7plus: float | None
    diff_vs_rest: float | None = None  # leader-adjusted, over the headline window
    diff_ci95: tuple[float, float] | None = None
    q: float | None = None
    flag: Finding | None = None  # analysis.ComparisonFlag, leader-adjusted (analysis.standing)
    eb_mean: float | None = None
    eb_rank_interval: tuple[int, int] | None = None
    verdict: Finding | None = None  # analysis.TrendVerdict
    not_for_sharing: Finding | None = None  # the publication rule it falls under, if any
    peer_flag: Finding | None = None  # against offices of its department type
    peer_rank: tuple[int, int] | None = None  # (place from the bottom, peers compared)
    monitor: Finding | None = None  # analysis.MonitorVerdict (step drops)
    funnel_position: Finding | None = None  # analysis.FunnelPosition


@dataclass
class Overview:
    cycle: Cycle | None
    cycles: list[Cycle]
    rows: list[OfficeRow] = field(default_factory=list)
    hidden_small: int = 0  # offices rated fewer than min_ratings_staff times in the cycle
    network_mean: float | None = None
    network_sd: float | None = None
    standing: Standing | None = None

    def flagged(self, code) -> list[OfficeRow]:
        """The rows whose comparison flag or trend verdict is this code."""
        return [row for row in self.rows if code in (row.flag, row.verdict)]

    @property
    def below(self) -> list[OfficeRow]:
        return self.flagged(ComparisonFlag.BELOW_LEADERS_OTHERS)

    @property
    def above(self) -> list[OfficeRow]:
        return self.flagged(ComparisonFlag.ABOVE_LEADERS_OTHERS)

    @property
    def declining(self) -> list[OfficeRow]:
        return self.flagged(TrendVerdict.DECLINING)


def shown_to_staff(n: int) -> bool:
    """Whether a group of n ratings is shown at all, even inside the network."""
    return n >= current_rules().publication.min_ratings_staff


def hidden_reason(n: int) -> Finding:
    """Why a group too small for the staff pages is not shown."""
    if n == 0:
        return Withheld.NO_RATINGS()
    return Withheld.FEW_RATINGS(min_ratings=current_rules().publication.min_ratings_staff)


def sharing_reason(cell) -> Finding | None:
    """Why a group may not leave the network: its mean (too few leaders, or all the same),
    or its spread and shares (fewer leaders than distributions need). None when all of it
    may be shared."""
    publication = current_rules().publication
    return group_suppression(cell, publication) or distribution_suppression(cell, publication)


def offices_by_id(ids) -> dict[int, Office]:
    ids = list(ids)
    if not ids:
        return {}
    return {o.id: o for o in db.session.scalars(
        select(Office).where(Office.id.in_(ids))
        .options(joinedload(Office.place), joinedload(Office.department_type)))}


def chosen_cycle(cycle_id: int | None) -> Cycle | None:
    """The cycle the overview is about: the one asked for, else the latest closed one. An
    open cycle has no figures until it closes: watching it fill gives each rating away."""
    if cycle_id:
        cycle = db.session.get(Cycle, cycle_id)
        if cycle is not None and cycle.status == "closed":
            return cycle
    return db.session.scalar(select(Cycle).where(Cycle.status == "closed")
                             .order_by(Cycle.starts_on.desc()).limit(1))


def build_overview(criteria: RatingFilter, cycle_id: int | None = None) -> Overview:
    """Every office of the chosen cycle: its headline flag (against how the same leaders
    rated the other offices they visited, over the last cycles), its place among its peers,
    the funnel, its trend and the step monitor over the filter's cycle range."""
    cycle = chosen_cycle(cycle_id)
    cycles = cycles_in_range(criteria)
    if cycle is not None and cycle.id not in {c.id for c in cycles}:
        cycles = sorted([*cycles, cycle], key=lambda c: c.starts_on)
    overview = Overview(cycle=cycle, cycles=cycles)
    if cycle is None:
        return overview
    rules = current_rules()
    shown_counts = count_shown_scores(criteria, cycles)
    network = shown_counts.network
    overview.hidden_small = sum(1 for (_, cycle_id), reason in shown_counts.hidden.items()
                                if cycle_id == cycle.id and reason == Withheld.FEW_RATINGS)
    # Cells and EB means of the cycle shown only: comparing every cycle (with its rank
    # simulations) was most of the overview's time at 1,000,000 ratings, and none is shown.
    shown = analyse_network(network.only_cycle(cycle.id), rules=rules)
    # the leader-adjusted comparison reads the ratings of shown cells only, as the counts do
    standing = overview.standing = standing_at(criteria, cycles, cycle, network, rules,
                                               shown=network.rated_cells())
    cells = {c.office: c for c in shown.cells if c.n}
    comparisons = {c.office: c for c in shown.comparisons}
    offices = offices_by_id(cells)
    pooled = network.pooled(cycle.id)
    if pooled.n >= 2:
        overview.network_mean, overview.network_sd = pooled.mean, pooled.sd
    for office_id, cell in cells.items():
        comparison = comparisons.get(office_id)
        headline = standing.network.get(office_id)
        peer = standing.peers.get(office_id)
        overview.rows.append(OfficeRow(
            office=offices[office_id], n=cell.n, mean=cell.mean, ci95=cell.ci95,
            share_7plus=cell.share_7plus,
            diff_vs_rest=headline.diff if headline else None,
            diff_ci95=headline.diff_ci95 if headline else None,
            q=headline.q if headline else None,
            flag=headline.flag if headline else None,
            eb_mean=comparison.eb_mean if comparison else None,
            eb_rank_interval=comparison.eb_rank_interval if comparison else None,
            verdict=standing.trend_verdict(office_id),
            not_for_sharing=sharing_reason(cell),
            peer_flag=peer.flag if peer else None,
            peer_rank=(peer.rank_from_bottom, peer.compared_in_group)
            if peer and peer.rank_from_bottom else None,
            monitor=standing.monitor_verdict(office_id),
            funnel_position=standing.funnel_position(office_id)))
    overview.rows.sort(key=lambda row: -(row.eb_mean if row.eb_mean is not None else row.mean))
    return overview


def overview_funnel(overview: Overview, points: int = 40) -> dict[str, list[float]]:
    """The overdispersed funnel's limits (Spiegelhalter 2005, `analysis.overdispersed_funnel`)
    around the network mean, from the smallest group shown to the largest office; each
    office's colour is read off these same limits (`OfficeRow.funnel_position`)."""
    funnel = overview.standing.funnel if overview.standing else None
    if funnel is None or not overview.rows:
        return {}
    smallest = current_rules().publication.min_ratings_staff
    largest = max(row.n for row in overview.rows)
    return funnel.limits(smallest, max(largest, smallest), points=points)


def _cell_summaries(network) -> list:
    """Every rated cell's summary (`analysis.summarize_counts`), in one vectorised call."""
    flat = network.counts.reshape(-1, 10)
    rated = flat.sum(axis=1) > 0
    keys = [(o, c) for o in network.offices for c in network.cycles]
    kept = [key for key, has in zip(keys, rated, strict=True) if has]
    return summarize_counts(flat[rated], offices=[k[0] for k in kept],
                            cycles=[k[1] for k in kept]) if kept else []


@dataclass
class Heatmap:
    cycles: list[Cycle]
    offices: list[Office]
    means: list[list[float | None]]  # offices x cycles; None where not shown
    counts: list[list[int]]
    reasons: list[list[Finding | None]]  # why a cell is hidden or not for sharing


def build_heatmap(criteria: RatingFilter) -> Heatmap:
    cycles = cycles_in_range(criteria)
    shown_counts = count_shown_scores(criteria, cycles)
    network = shown_counts.network
    # Cell summaries only: the heatmap shows no comparison or trend, so none is computed.
    cells = {(c.office, c.cycle): c for c in _cell_summaries(network)}
    offices = sorted(offices_by_id(network.offices).values(), key=lambda o: o.name_en)
    heatmap = Heatmap(cycles=cycles, offices=offices, means=[], counts=[], reasons=[])
    for office in offices:
        means, counts, reasons = [], [], []
        for cycle in cycles:
            cell = cells.get((office.id, cycle.id))
            n = cell.n if cell else 0
            counts.append(n)
            if not shown_to_staff(n):
                means.append(None)
                reasons.append(shown_counts.reason(office.id, cycle.id) or hidden_reason(n))
            else:
                means.append(cell.mean)
                reasons.append(sharing_reason(cell))
        heatmap.means.append(means)
        heatmap.counts.append(counts)
        heatmap.reasons.append(reasons)
    return heatmap


@dataclass
class GroupView:
    """A block's offices side by side, or one department type across blocks."""

    cycles: list[Cycle]
    latest: Cycle | None
    rows: list[OfficeRow]
    series: dict[int, list[float | None]]  # office id -> cycle means (None where hidden)


def build_group_view(criteria: RatingFilter) -> GroupView:
    cycles = cycles_in_range(criteria)
    network = count_shown_scores(criteria, cycles).network
    # the trend of the overview and the pack: slopes with cycle shocks (`assess_trends`)
    slopes, _ = assess_trends(network, rules=current_rules())
    trends = {} if slopes is None else dict(zip(network.offices, slopes.verdicts, strict=True))
    cells = {(c.office, c.cycle): c for c in _cell_summaries(network)}
    offices = offices_by_id(network.offices)
    rows, series = [], {}
    latest = None
    for office_id, office in offices.items():
        shown = [(cycle, cells.get((office_id, cycle.id))) for cycle in cycles]
        series[office_id] = [cell.mean if cell and shown_to_staff(cell.n) else None
                             for _, cell in shown]
        recent = [(cycle, cell) for cycle, cell in shown if cell and shown_to_staff(cell.n)]
        if not recent:
            continue
        cycle, cell = recent[-1]
        latest = cycle if latest is None or cycle.starts_on > latest.starts_on else latest
        rows.append(OfficeRow(office=office, n=cell.n, mean=cell.mean, ci95=cell.ci95,
                              share_7plus=cell.share_7plus,
                              verdict=trends.get(office_id),
                              not_for_sharing=sharing_reason(cell)))
    rows.sort(key=lambda row: row.office.name_en)
    return GroupView(cycles=cycles, latest=latest, rows=rows, series=series)


@dataclass(frozen=True)
class BlockParticipation:
    place: Place
    leaders: int
    raters: int | str  # a band ("0-9") on the pages


def count_block_participation(cycle: Cycle) -> list[BlockParticipation]:
    """Per home block, how many leaders there are and how many rated in the cycle. Counts
    only; the rater keys are matched here and go no further."""
    leaders = db.session.execute(select(User.id, User.home_place_id).where(
        User.role == "leader", User.active.is_(True), User.home_place_id.is_not(None))).all()
    rated = {key for _collective, key, _ratings in count_cycle_raters(cycle.id)}
    totals: dict[int, list[int]] = {}
    for user_id, place_id in leaders:
        entry = totals.setdefault(place_id, [0, 0])
        entry[0] += 1
        entry[1] += rater_key_for(user_id) in rated
    places = {p.id: p for p in db.session.scalars(select(Place).where(Place.id.in_(totals)))}
    return sorted((BlockParticipation(places[pid], *counts) for pid, counts in totals.items()),
                  key=lambda row: row.place.name_en)


def open_cycle_participation():
    """The open cycle and who is taking part, per collective and per home block, in bands of
    the rules' ``participation_band``: the only figures of a cycle before it closes."""
    cycle = find_open_cycle()
    if cycle is None:
        return None, [], []
    publication = current_rules().publication
    blocks = [BlockParticipation(row.place, row.leaders,
                                 participation_band(row.raters, publication))
              for row in count_block_participation(cycle)]
    return cycle, count_participation(cycle), blocks
