"""Rating cycles: create, open (one at a time), close, and who has taken part."""

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.exc import IntegrityError

from rating import audit
from rating.auth.models import Collective, User
from rating.cycles.models import Cycle, Rating
from rating.extensions import db
from rating.refusal import Refused
from rating.timeutil import utcnow


class CycleError(Refused):
    """A cycle change that the rules forbid."""


def find_open_cycle() -> Cycle | None:
    """The cycle open for rating now, if any (the database allows at most one)."""
    return db.session.scalar(select(Cycle).where(Cycle.status == "open"))


def axis_position(day, cycles) -> float:
    """A date's place on the cycle axis, where cycle p sits at p: inside a cycle strictly
    between p - 0.5 and p + 0.5 (by the day), between two cycles at p + 0.5, before the first
    at -0.5, after the last at len(cycles) - 0.5. The one formula that places letters,
    promises and officer changes on every chart and in every before-and-after comparison."""
    for position, cycle in enumerate(cycles):
        if day < cycle.starts_on:
            return position - 0.5
        if day <= cycle.ends_on:
            days = (cycle.ends_on - cycle.starts_on).days + 1
            return position - 0.5 + ((day - cycle.starts_on).days + 0.5) / days
    return len(cycles) - 0.5


def list_cycles() -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).order_by(Cycle.starts_on.desc(), Cycle.id.desc())))


def create_cycle(name: str, starts_on, ends_on, actor=None) -> Cycle:
    """Add a draft cycle. Names are unique; the end may not come before the start."""
    name = name.strip()
    if ends_on < starts_on:
        raise CycleError("dates_order")
    if db.session.scalar(select(Cycle.id).where(func.lower(Cycle.name) == name.lower())):
        raise CycleError("name_taken")
    cycle = Cycle(name=name, starts_on=starts_on, ends_on=ends_on, status="draft")
    db.session.add(cycle)
    try:
        db.session.flush()
    except IntegrityError:
        # The unique index saw a clash the check above missed: SQLite's lower() folds only
        # ASCII ("Æ" stays "Æ"), or another request created the name in between.
        db.session.rollback()
        raise CycleError("name_taken") from None
    audit.record("cycle.create", "cycle", cycle.id, actor, name=name)
    db.session.commit()
    return cycle


def open_cycle(cycle: Cycle, actor=None) -> Cycle:
    """Open a draft cycle for rating. Refused while another cycle is open, or once closed."""
    if cycle.status != "draft":
        raise CycleError("not_draft")
    other = find_open_cycle()
    if other is not None:
        raise CycleError("another_open")
    cycle.status = "open"
    cycle.opened_at = utcnow()
    audit.record("cycle.open", "cycle", cycle.id, actor)
    try:
        db.session.commit()
    except IntegrityError:  # another request opened one in between: the unique index says no
        db.session.rollback()
        raise CycleError("another_open") from None
    return cycle


def close_cycle(cycle: Cycle, actor=None) -> Cycle:
    """Close an open cycle: its ratings can no longer be changed."""
    if cycle.status != "open":
        raise CycleError("not_open")
    cycle.status = "closed"
    cycle.closed_at = utcnow()
    audit.record("cycle.close", "cycle", cycle.id, actor)
    db.session.commit()
    return cycle


def follow_cycle_dates(today) -> dict:
    """For the cycles that follow their dates: close the open one whose last day is past,
    then open the draft whose dates hold ``today`` (when no other is open). The scheduled job
    calls it every hour; a second run the same day changes nothing. Returns what changed."""
    changed = {"closed": [], "opened": []}
    due_to_close = db.session.scalars(select(Cycle).where(
        Cycle.follows_dates.is_(True), Cycle.status == "open", Cycle.ends_on < today))
    for cycle in due_to_close:
        close_cycle(cycle)
        changed["closed"].append(cycle.name)
    due_to_open = db.session.scalar(select(Cycle).where(
        Cycle.follows_dates.is_(True), Cycle.status == "draft", Cycle.starts_on <= today,
        Cycle.ends_on >= today).order_by(Cycle.starts_on))
    if due_to_open is not None:
        try:
            open_cycle(due_to_open)
            changed["opened"].append(due_to_open.name)
        except CycleError:  # another cycle is open (opened by hand): staff decide
            db.session.rollback()
    return changed


@dataclass(frozen=True)
class Participation:
    collective: Collective
    leaders: int  # active leader accounts in the collective
    raters: int  # of whom rated at least one office in the cycle
    ratings: int


def count_participation(cycle: Cycle) -> list[Participation]:
    """Per collective, how many leaders rated and how many ratings: counts only, no names."""
    leaders = dict(
        db.session.execute(
            select(User.collective_id, func.count(User.id))
            .where(User.role == "leader", User.active.is_(True))
            .group_by(User.collective_id)
        ).all()
    )
    rated = {
        row.collective_id: (row.raters, row.ratings)
        for row in db.session.execute(
            select(
                Rating.collective_id,
                func.count(distinct(Rating.rater_key)).label("raters"),
                func.count(Rating.id).label("ratings"),
            )
            .where(Rating.cycle_id == cycle.id)
            .group_by(Rating.collective_id)
        )
    }
    collectives = db.session.scalars(select(Collective).order_by(Collective.name_en))
    return [
        Participation(c, leaders.get(c.id, 0), *rated.get(c.id, (0, 0))) for c in collectives
    ]
