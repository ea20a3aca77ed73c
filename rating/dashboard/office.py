"""One office over the cycles: its means with their 95% band, the spread of scores, the
answers on respect and work done, officer changes, the trend verdict and consented quotes."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from analysis import CellSummary, ScoreHistogram, Trend, office_trend, redact_quote, summarize
from rating.auth.models import User
from rating.cycles.models import Cycle
from rating.dashboard.services import MIN_SHOWN, sharing_reason
from rating.directory.models import Office, Officer, Posting
from rating.extensions import db
from rating.histograms import RatingFilter, count_answers, count_scores, cycles_in_range
from rating.survey.models import Rating


@dataclass
class CyclePoint:
    cycle: Cycle
    position: int
    histogram: ScoreHistogram
    summary: CellSummary | None  # None when fewer than MIN_SHOWN ratings
    not_for_sharing: str | None
    respect: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.histogram.n


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
    trend: Trend | None
    changes: list[OfficerChange]
    quotes: list[tuple[Cycle, str]]


def build_office_page(office: Office, criteria: RatingFilter) -> OfficePage:
    """Everything the office page shows, from one histogram query for this office."""
    cycles = cycles_in_range(criteria)
    criteria = RatingFilter(collective_id=criteria.collective_id, office_ids=(office.id,),
                            cycle_from=criteria.cycle_from, cycle_to=criteria.cycle_to)
    network = count_scores(criteria, cycles)
    answers = count_answers(criteria, cycles)
    points, by_position = [], {}
    for position, cycle in enumerate(cycles):
        histogram = (network.histogram(office.id, cycle.id) if office.id in network.offices
                     else ScoreHistogram.empty())
        if histogram.n:
            by_position[position] = histogram
        shown = histogram.n >= MIN_SHOWN
        summary = summarize(histogram, office.id, cycle.id) if shown else None
        cell = answers.get((office.id, cycle.id), {})
        points.append(CyclePoint(
            cycle=cycle, position=position, histogram=histogram, summary=summary,
            not_for_sharing=sharing_reason(summary) if summary else None,
            respect=cell.get("respect", {}), resolved=cell.get("resolved", {})))
    trend = office_trend(by_position, office=office.id,
                         labels={p: cycles[p].id for p in by_position}) if by_position else None
    return OfficePage(office=office, cycles=cycles, points=points, trend=trend,
                      changes=_officer_changes(office, cycles), quotes=_quotes(office, cycles))


def _officer_changes(office: Office, cycles: list[Cycle]) -> list[OfficerChange]:
    """Each new officer in post, placed on the cycle axis by the date they took over."""
    changes = []
    for posting in db.session.scalars(select(Posting).where(Posting.office_id == office.id)
                                      .order_by(Posting.started_on)):
        for position, cycle in enumerate(cycles):
            if cycle.starts_on <= posting.started_on <= cycle.ends_on:
                span = (cycle.ends_on - cycle.starts_on).days or 1
                offset = (posting.started_on - cycle.starts_on).days / span
                changes.append(OfficerChange(posting.started_on, posting.officer,
                                             position - 0.5 + offset))
    return changes


def _quotes(office: Office, cycles: list[Cycle]) -> list[tuple[Cycle, str]]:
    """Comments the leaders agreed to have quoted, names and numbers removed."""
    if not cycles:
        return []
    by_id = {cycle.id: cycle for cycle in cycles}
    rows = db.session.execute(select(Rating.cycle_id, Rating.comment).where(
        Rating.office_id == office.id, Rating.cycle_id.in_(by_id), Rating.quote_consent.is_(True),
        Rating.comment.is_not(None)).order_by(Rating.cycle_id)).all()
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
