"""One office over the cycles: its means with their 95% band, the spread of scores, the
answers on respect and work done, officer changes, the trend and step monitor (the same as the
overview's and the pack's: `analysis.assess_trends` on the whole network, so that the trend's
interval keeps the network's cycle shocks) and consented quotes."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy import bindparam, select

from analysis import (
    CellSummary,
    Finding,
    NetworkCounts,
    NetworkVariances,
    OfficeSlope,
    ScoreHistogram,
    assess_trends,
    redact_quote,
    summarize_counts,
)
from rating.auth.models import User
from rating.cycles.models import Cycle, Rating
from rating.cycles.services import axis_position
from rating.dashboard.services import hidden_reason, sharing_reason, shown_to_staff
from rating.dashboard.shown import ShownCounts, count_shown_scores, shown_variances
from rating.directory.models import Office, Officer, Posting
from rating.extensions import db
from rating.histograms import RatingFilter, count_answers, cycles_in_range
from rating.rules import current_rules


@dataclass
class CyclePoint:
    cycle: Cycle
    position: int
    histogram: ScoreHistogram  # empty when the cycle is not shown
    summary: CellSummary | None  # None when not shown (`rating.dashboard.shown`)
    not_for_sharing: Finding | None
    respect: dict[str, int] = field(default_factory=dict)
    work_done: dict[str, int] = field(default_factory=dict)
    hidden_why: Finding | None = None

    @property
    def n(self) -> int:
        return self.histogram.n

    @property
    def hidden(self) -> Finding | None:
        """Why the cycle is not shown at all, if it is not."""
        if self.summary is not None:
            return None
        return self.hidden_why or hidden_reason(self.n)


@dataclass(frozen=True)
class OfficerChange:
    started_on: date
    officer: Officer
    position: float  # on the cycle axis: 2.5 = half-way through the third cycle


@dataclass
class OfficePage:
    office: Office
    cycles: list[Cycle]
    points: list[CyclePoint]
    trend: OfficeSlope | None
    changes: list[OfficerChange]
    quotes: list[tuple[Cycle, str]]
    monitor: Finding | None = None  # analysis.MonitorVerdict
    variances: NetworkVariances | None = None  # the whole network's, for trends and letters
    criteria: RatingFilter | None = None  # the page's filter, for the peers' cells

    @cached_property
    def _with_peers(self) -> ShownCounts:
        same_type = db.session.scalars(select(Office.id).where(
            Office.department_type_id == self.office.department_type_id,
            Office.id != self.office.id)).all()
        return count_shown_scores(_for_offices(self.criteria, (self.office.id, *same_type)),
                                  self.cycles)

    @property
    def network(self) -> NetworkCounts:
        """The shown cells of the office and its peers (for the letters' before-and-after
        checks), read when first asked for: a page without letters never needs them."""
        return self._with_peers.network

    @property
    def peers(self) -> tuple[int, ...]:
        """The rated offices of the same department type."""
        return tuple(other for other in self.network.offices if other != self.office.id)


def _for_offices(criteria: RatingFilter, office_ids: tuple[int, ...]) -> RatingFilter:
    """The page's filter as the network sees it (the collective and the cycles), on these
    offices only."""
    return RatingFilter(collective_id=criteria.collective_id, cycle_from=criteria.cycle_from,
                        cycle_to=criteria.cycle_to, office_ids=office_ids)


def build_office_page(office: Office, criteria: RatingFilter) -> OfficePage:
    """Everything the office page shows. The counts are the cells of this office that the
    staff pages may show (`count_shown_scores`; the rule is cell by cell, so they are the
    network's): the trend is fitted to this office's shown cycles only (a line through a
    hidden cycle would give its ratings away), with the network's cycle shocks in its
    interval, as on the overview (`shown_variances`: the same variances as from every
    office's cells, summed in the database). Its peers' cells are read only if the page
    asks for them (`OfficePage.network`)."""
    cycles = cycles_in_range(criteria)
    everyone = _for_offices(criteria, ())
    variances = shown_variances(everyone, cycles)
    alone = _for_offices(criteria, (office.id,))
    shown_counts = count_shown_scores(alone, cycles)
    network = shown_counts.network
    answers = count_answers(alone, cycles)
    histograms = [network.histogram(office.id, cycle.id) if office.id in network.offices
                  else ScoreHistogram.empty() for cycle in cycles]
    shown_cycles = [c for c, h in zip(cycles, histograms, strict=True) if shown_to_staff(h.n)]
    # every shown cell at once: the same figures as `summarize` cell by cell, at a tenth
    summaries = dict(zip((cycle.id for cycle in shown_cycles), summarize_counts(
        [h.counts for h in histograms if shown_to_staff(h.n)],
        raters=[h.raters for h in histograms if shown_to_staff(h.n)],
        offices=[office.id] * len(shown_cycles), cycles=[c.id for c in shown_cycles]),
        strict=True)) if shown_cycles else {}
    points = []
    for position, (cycle, histogram) in enumerate(zip(cycles, histograms, strict=True)):
        summary = summaries.get(cycle.id)
        cell = answers.get((office.id, cycle.id), {}) if summary else {}
        points.append(CyclePoint(
            cycle=cycle, position=position, histogram=histogram, summary=summary,
            not_for_sharing=sharing_reason(summary) if summary else None,
            respect=cell.get("respect", {}), work_done=cell.get("work_done", {}),
            hidden_why=shown_counts.reason(office.id, cycle.id)))
    trend = monitor = None
    if office.id in network.offices:
        # With the whole network's variances given, each office's row of `assess_trends` is
        # that of the whole network: the office's own row is all the page needs.
        slopes, monitors = assess_trends(network, rules=current_rules(), variances=variances)
        row = network.offices.index(office.id)
        if slopes is not None:
            trend = slopes.office_slope(row, office.id)
        if monitors is not None:
            monitor = monitors.verdicts[row]
    return OfficePage(office=office, cycles=cycles, points=points, trend=trend,
                      changes=_officer_changes(office, cycles),
                      quotes=_quotes(office, [p.cycle for p in points if p.summary is not None]),
                      monitor=monitor, variances=variances, criteria=criteria)


def _officer_changes(office: Office, cycles: list[Cycle]) -> list[OfficerChange]:
    """Each new officer who took over during one of the cycles, placed on the cycle axis by
    the date (`axis_position`, as letters are)."""
    changes = []
    for posting in db.session.scalars(select(Posting).where(Posting.office_id == office.id)
                                      .order_by(Posting.started_on)):
        if any(cycle.starts_on <= posting.started_on <= cycle.ends_on for cycle in cycles):
            changes.append(OfficerChange(posting.started_on, posting.officer,
                                         axis_position(posting.started_on, cycles)))
    return changes


# Built once, its values as parameters: building it on each page cost half its run.
_QUOTES = select(Rating.cycle_id, Rating.comment).where(
    Rating.office_id == bindparam("office_id"),
    Rating.cycle_id.in_(bindparam("cycle_ids", expanding=True)),
    Rating.quote_consent.is_(True), Rating.comment.is_not(None)).order_by(Rating.cycle_id)


def _quotes(office: Office, cycles: list[Cycle]) -> list[tuple[Cycle, str]]:
    """Comments the leaders agreed to have quoted, names and numbers removed."""
    if not cycles:
        return []
    by_id = {cycle.id: cycle for cycle in cycles}
    rows = db.session.connection().execute(
        _QUOTES, {"office_id": office.id, "cycle_ids": list(by_id)}).all()
    if not rows:
        return []
    names = [name for pair in db.session.execute(select(Officer.name_en, Officer.name_bn))
             for name in pair if name]
    names += [name for pair in db.session.execute(select(User.display_name, User.login))
              for name in pair]
    # Within a cycle in the order of their words: deterministic, and it says nothing of who
    # spoke first (the database's own order is neither).
    order = {cycle.id: position for position, cycle in enumerate(cycles)}
    quotes = [(by_id[cycle_id], redact_quote(comment, names)) for cycle_id, comment in rows]
    return sorted(quotes, key=lambda quote: (order[quote[0].id], quote[1]))
