"""What came of the ratings, as leaders may see it: each office's published figure, its place
among its peers, its trend, and what the network did about it.

Every figure comes from the evidence packs' `assemble_pack`, so the leaders' pages follow the
one publication rule (`analysis.privacy`): closed cycles only, groups of 5 leaders or more,
withheld offices removed before any trend or comparison, and the same published network
behind every page. A block's page and an office's page therefore show the same figure for
the same office, and neither adds a total or a difference that the other lacks.

No staff names, comments or quotes: of the escalation trail a leader sees the kind of action,
its date and level, the dates answers came, and each promise's due date and status.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from analysis import TrendVerdict
from rating.auth.services import rater_key_for
from rating.collation import sort_key
from rating.cycles.models import Cycle, Rating
from rating.directory.models import Office, Place
from rating.evidence.content import PackError, PackParams, assemble_pack
from rating.extensions import db
from rating.i18n import current_locale

FACES = 5  # the picture: five faces, from very unhappy (1) to very happy (5)


@dataclass(frozen=True)
class Promise:
    due_on: date
    status: str  # pending, kept, broken, overdue (on the day the page was made)


@dataclass(frozen=True)
class Action:
    kind: str  # letter, meeting, appeal
    level: str
    acted_on: date
    answered_on: tuple[date, ...]
    promises: tuple[Promise, ...]


@dataclass(frozen=True)
class OfficeResult:
    """One office's published figure in its latest published cycle, and what was done."""

    office: Office
    cycle: Cycle
    mean: float
    raters: int
    face: int  # 1..FACES
    place: int | None  # among its peers, 1 = best; None when not compared
    peers: int | None
    verdict: str | None  # a TrendVerdict code, None when no trend was published
    actions: tuple[Action, ...] = ()


@dataclass
class Results:
    """A block's or an office's results: shown offices, and offices with nothing to show."""

    title: Place | Office
    shown: list[OfficeResult] = field(default_factory=list)
    not_shown: list[Office] = field(default_factory=list)
    cycles: int = 0  # closed cycles the figures cover
    as_of: date | None = None


def face_for(mean: float) -> int:
    """The face for a mean score: the scale 1-10 cut in five equal bands of 1.8 points
    (below 2.8 is face 1, from 8.2 face 5).

    >>> [face_for(m) for m in (1.0, 2.7, 2.8, 5.5, 7.0, 8.2, 10.0)]
    [1, 1, 2, 3, 4, 5, 5]
    """
    above_one = round(mean * 10) - 10  # in tenths: published means have one decimal
    return min(FACES, above_one // 18 + 1)


def _actions(history, as_of: date) -> tuple[Action, ...]:
    return tuple(Action(
        kind=action.kind, level=action.level, acted_on=action.acted_on,
        answered_on=tuple(response.received_on for response in action.responses),
        promises=tuple(Promise(c.due_on, c.status(as_of)) for c in action.commitments))
        for action in history)


def _trend_word(verdict) -> str | None:
    """The trend as one of three sentences' keys; None when there is too little to say."""
    for code in (TrendVerdict.IMPROVING, TrendVerdict.DECLINING, TrendVerdict.NO_CLEAR_CHANGE):
        if verdict == code:
            return code.value
    return None


def _office_result(section, cycles, as_of: date) -> OfficeResult:
    latest = max(i for i, cell in enumerate(section.cells) if cell is not None and cell.publishable)
    cell = section.cells[latest]
    comparison = section.comparison or {}
    rank = comparison.get("peer_rank")
    place = peers = None
    if rank:
        from_bottom, peers = rank
        place = peers - from_bottom + 1
    trend = section.trend or {}
    return OfficeResult(
        office=section.office, cycle=cycles[latest], mean=cell.mean, raters=cell.n,
        face=face_for(cell.mean), place=place, peers=peers,
        verdict=_trend_word(trend.get("verdict")),
        actions=_actions(section.history, as_of))


def _collect(scope: str, scope_id: int, title) -> Results:
    try:
        content = assemble_pack(PackParams(scope=scope, scope_id=scope_id, language="bn",
                                           recipient_level="", recipient_name=""))
    except PackError as refused:
        if refused.code != "no_cycles":
            raise
        return Results(title=title)
    locale = current_locale()
    results = Results(title=title, cycles=len(content.cycles), as_of=content.as_of)
    results.shown = sorted((_office_result(s, content.cycles, content.as_of) for s in content.sections),
                           key=lambda r: sort_key(r.office.name(locale), locale))
    results.not_shown = sorted((office for office, _ in content.withheld),
                               key=lambda o: sort_key(o.name(locale), locale))
    return results


def block_results(block: Place) -> Results:
    """The published results of every office of a block (or municipality)."""
    return _collect("block", block.id, block)


def office_results(office: Office) -> Results:
    """The published results of one office: the same figures as on its block's page."""
    return _collect("office", office.id, office)


def rated_office_ids(user) -> set[int]:
    """The offices this leader has rated, in any cycle (for her eyes only)."""
    return set(db.session.scalars(select(Rating.office_id).where(
        Rating.rater_key == rater_key_for(user.id)).distinct()))


@dataclass(frozen=True)
class OwnRating:
    office: Office
    cycle: Cycle
    score: int
    purpose: str


def own_ratings(user) -> list[OwnRating]:
    """Every rating this leader gave, newest cycle first, offices in the reader's order."""
    rows = db.session.execute(
        select(Rating.score, Rating.purpose, Office, Cycle)
        .join(Office, Office.id == Rating.office_id).join(Cycle, Cycle.id == Rating.cycle_id)
        .where(Rating.rater_key == rater_key_for(user.id))).all()
    locale = current_locale()
    ratings = [OwnRating(office, cycle, score, purpose) for score, purpose, office, cycle in rows]
    ratings.sort(key=lambda r: sort_key(r.office.name(locale), locale))
    ratings.sort(key=lambda r: (r.cycle.starts_on, r.cycle.id), reverse=True)
    return ratings


def home_block(user) -> Place | None:
    """The block (or municipality) a leader lives in, if the network recorded one."""
    place = user.home_place
    if place is None:
        return None
    if place.kind in ("block", "municipality"):
        return place
    return place.block
