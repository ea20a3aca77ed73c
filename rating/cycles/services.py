"""Rating cycles: create, open (one at a time), close, and who has taken part."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from analysis import participation_band
from rating import audit
from rating.auth.models import Collective, User
from rating.auth.services import rater_key_for
from rating.cycles.counts import count_cycle_raters
from rating.cycles.models import Cycle
from rating.extensions import db
from rating.refusal import Refused
from rating.rules import current_rules
from rating.timeutil import local_today, utcnow


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


def create_cycle(name: str, starts_on, ends_on, actor=None, follows_dates: bool = False) -> Cycle:
    """Add a draft cycle. Names are unique; the end may not come before the start."""
    name = name.strip()
    if ends_on < starts_on:
        raise CycleError("dates_order")
    if db.session.scalar(select(Cycle.id).where(func.lower(Cycle.name) == name.lower())):
        raise CycleError("name_taken")
    cycle = Cycle(name=name, starts_on=starts_on, ends_on=ends_on, status="draft",
                  follows_dates=follows_dates)
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


def open_cycle(cycle: Cycle, actor=None, *, today: date | None = None,
               early: bool = False) -> Cycle:
    """Open a draft cycle for rating. Refused while another cycle is open, or once closed;
    refused with ``not_started`` before its first day unless ``early`` (the person saw the
    warning and confirmed)."""
    if cycle.status != "draft":
        raise CycleError("not_draft")
    if find_open_cycle() is not None:
        raise CycleError("another_open")
    today = today or local_today()
    if today < cycle.starts_on and not early:
        raise CycleError("not_started", starts_on=cycle.starts_on)
    cycle.status = "open"
    cycle.opened_at = utcnow()
    audit.record("cycle.open", "cycle", cycle.id, actor,
                 **({"before_start": True} if today < cycle.starts_on else {}))
    try:
        db.session.commit()
    except IntegrityError:  # another request opened one in between: the unique index says no
        db.session.rollback()
        raise CycleError("another_open") from None
    return cycle


def close_cycle(cycle: Cycle, actor=None, *, today: date | None = None,
                early: bool = False) -> Cycle:
    """Close an open cycle: its ratings can no longer be changed. Refused with
    ``not_ended`` on or before its last day unless ``early`` (the person saw who is
    affected, `count_closing_impact`, and confirmed)."""
    if cycle.status != "open":
        raise CycleError("not_open")
    today = today or local_today()
    if today <= cycle.ends_on and not early:
        raise CycleError("not_ended", ends_on=cycle.ends_on)
    cycle.status = "closed"
    cycle.closed_at = utcnow()
    audit.record("cycle.close", "cycle", cycle.id, actor,
                 **({"before_end": True} if today <= cycle.ends_on else {}))
    db.session.commit()
    return cycle


def reopen_deadline(cycle: Cycle, grace_days: int) -> datetime | None:
    """Until when a closed cycle may be reopened: ``grace_days`` after it closed."""
    if cycle.status != "closed" or cycle.closed_at is None:
        return None
    return cycle.closed_at + timedelta(days=grace_days)


def reopen_cycle(cycle: Cycle, reason: str, grace_days: int, actor=None, *,
                 now: datetime | None = None) -> Cycle:
    """Open a closed cycle again, within ``grace_days`` of its closing, for a reason that
    goes into the audit trail. It no longer follows its dates (the hourly job would close it
    again at once): staff close it by hand. Refused while another cycle is open."""
    reason = (reason or "").strip()
    if cycle.status != "closed":
        raise CycleError("not_closed")
    if not reason:
        raise CycleError("reason_missing")
    deadline = reopen_deadline(cycle, grace_days)
    if deadline is None or (now or utcnow()) > deadline:
        raise CycleError("grace_over", days=grace_days)
    if find_open_cycle() is not None:
        raise CycleError("another_open")
    closed_at = cycle.closed_at
    cycle.status, cycle.closed_at, cycle.follows_dates = "open", None, False
    audit.record("cycle.reopen", "cycle", cycle.id, actor, reason=reason,
                 closed_at=closed_at.isoformat())
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CycleError("another_open") from None
    return cycle


def set_follows_dates(cycle: Cycle, follows: bool, actor=None) -> Cycle:
    """Let the hourly job open and close this cycle on its dates, or stop it (by hand only)."""
    if cycle.follows_dates != follows:
        cycle.follows_dates = follows
        audit.record("cycle.follow_dates", "cycle", cycle.id, actor, follows=follows)
        db.session.commit()
    return cycle


@dataclass(frozen=True)
class ClosingImpact:
    """Who an early close affects, as far as the server can know: it cannot see the phones'
    outboxes, only who has rated nothing yet and how many have rated."""

    days_left: int  # days of the cycle still to run, today included
    leaders: int  # active leader accounts
    raters: int  # of whom rated at least one office
    ratings: int
    without_rating: int  # leaders who rated nothing yet


def count_closing_impact(cycle: Cycle, today: date) -> ClosingImpact:
    """The figures the early-close confirmation shows (staff only, exact)."""
    leaders = db.session.scalars(select(User.id).where(
        User.role == "leader", User.active.is_(True))).all()
    raters = count_cycle_raters(cycle.id)
    keys = {key for _collective, key, _ratings in raters}
    without = sum(rater_key_for(user_id) not in keys for user_id in leaders)
    return ClosingImpact(days_left=max((cycle.ends_on - today).days + 1, 0),
                         leaders=len(leaders), raters=len(keys),
                         ratings=sum(r for _c, _k, r in raters), without_rating=without)


def follow_cycle_dates(today) -> dict:
    """For the cycles that follow their dates: close the open one whose last day is past,
    then open the draft whose dates hold ``today`` (when no other is open). The scheduled job
    calls it every hour; a second run the same day changes nothing. Returns what changed."""
    changed = {"closed": [], "opened": []}
    due_to_close = db.session.scalars(select(Cycle).where(
        Cycle.follows_dates.is_(True), Cycle.status == "open", Cycle.ends_on < today))
    for cycle in due_to_close:
        close_cycle(cycle, today=today)
        changed["closed"].append(cycle.name)
    due_to_open = db.session.scalar(select(Cycle).where(
        Cycle.follows_dates.is_(True), Cycle.status == "draft", Cycle.starts_on <= today,
        Cycle.ends_on >= today).order_by(Cycle.starts_on))
    if due_to_open is not None:
        try:
            open_cycle(due_to_open, today=today)
            changed["opened"].append(due_to_open.name)
        except CycleError:  # another cycle is open (opened by hand): staff decide
            db.session.rollback()
    return changed


@dataclass(frozen=True)
class Participation:
    collective: Collective
    leaders: int  # active leader accounts in the collective
    raters: int | str  # of whom rated at least one office in the cycle; a band while open
    ratings: int | str


def count_participation(cycle: Cycle) -> list[Participation]:
    """Per collective, how many leaders rated and how many ratings: counts only, no names.
    While the cycle is open they are bands (`analysis.participation_band`): exact counts
    that change with each rating tell whoever watches them who has just rated."""
    leaders = dict(
        db.session.execute(
            select(User.collective_id, func.count(User.id))
            .where(User.role == "leader", User.active.is_(True))
            .group_by(User.collective_id)
        ).all()
    )
    rated: dict[int | None, tuple[int, int]] = {}
    for collective_id, _key, ratings in count_cycle_raters(cycle.id):
        raters, total = rated.get(collective_id, (0, 0))
        rated[collective_id] = (raters + 1, total + ratings)
    collectives = db.session.scalars(select(Collective).order_by(Collective.name_en))
    rows = [
        Participation(c, leaders.get(c.id, 0), *rated.get(c.id, (0, 0))) for c in collectives
    ]
    if cycle.status != "open":
        return rows
    publication = current_rules().publication
    return [Participation(row.collective, row.leaders,
                          participation_band(row.raters, publication),
                          participation_band(row.ratings, publication)) for row in rows]
