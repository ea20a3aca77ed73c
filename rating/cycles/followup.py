"""Following up a cycle: how many offices each leader has rated so far, who has rated nothing
(the coordinators' call list), and how many leaders took part in each cycle.

Counts only, never a score: a leader's rater key is matched to her account here, against
``cycle_raters`` (one row per leader and cycle, with her number of ratings, which is her
number of offices since a leader rates an office once a cycle), and goes no further. These
pages are for staff; the participation over cycles shows an open cycle in the rules' bands,
as every other page does before a cycle closes.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis import participation_band
from rating.auth.models import User
from rating.auth.services import rater_key_for
from rating.cycles.counts import cycle_raters
from rating.cycles.models import Cycle
from rating.extensions import db
from rating.rules import current_rules


@dataclass(frozen=True)
class LeaderProgress:
    leader: User  # her collective and home block (``home_place``) come with her
    offices_rated: int


def list_leader_progress(cycle: Cycle) -> list[LeaderProgress]:
    """Every active leader with the number of offices she has rated in the cycle, by
    collective, home block (none last) and member code."""
    rated: dict[str, int] = {}
    for key, ratings in db.session.execute(select(cycle_raters.c.rater_key,
                                                  cycle_raters.c.ratings)
                                           .where(cycle_raters.c.cycle_id == cycle.id)):
        rated[key] = rated.get(key, 0) + ratings
    leaders = db.session.scalars(select(User).where(
        User.role == "leader", User.active.is_(True)).options(
        selectinload(User.collective), selectinload(User.home_place)))
    rows = [LeaderProgress(leader, rated.get(rater_key_for(leader.id), 0)) for leader in leaders]
    return sorted(rows, key=lambda row: (
        row.leader.collective.name_en if row.leader.collective else "",
        row.leader.home_place is None,  # leaders with no home block last
        row.leader.home_place.name_en if row.leader.home_place else "", row.leader.login))


def list_leaders_without_rating(cycle: Cycle) -> list[LeaderProgress]:
    """The call list: active leaders who have rated no office in the cycle yet."""
    return [row for row in list_leader_progress(cycle) if row.offices_rated == 0]


@dataclass(frozen=True)
class CycleTurnout:
    cycle: Cycle
    leaders: int  # active leader accounts now (the accounts of a past cycle are not kept)
    raters: int | str  # leaders who rated in it: a band ("10-19") while the cycle is open
    share: float | None  # raters / leaders, for the chart; None while open (a band)


def count_participation_over_cycles() -> list[CycleTurnout]:
    """Per open or closed cycle, oldest first, how many leaders rated, with one query for the
    raters of every cycle."""
    cycles = list(db.session.scalars(select(Cycle).where(Cycle.status != "draft")
                                     .order_by(Cycle.starts_on, Cycle.id)))
    keys: dict[int, set[str]] = {}
    for cycle_id, key in db.session.execute(select(cycle_raters.c.cycle_id,
                                                   cycle_raters.c.rater_key)):
        keys.setdefault(cycle_id, set()).add(key)
    leaders = len(db.session.scalars(select(User.id).where(
        User.role == "leader", User.active.is_(True))).all())
    publication = current_rules().publication
    rows = []
    for cycle in cycles:
        raters = len(keys.get(cycle.id, ()))
        if cycle.status == "open":
            rows.append(CycleTurnout(cycle, leaders, participation_band(raters, publication),
                                     None))
        else:
            rows.append(CycleTurnout(cycle, leaders, raters,
                                     min(raters / leaders, 1.0) if leaders else None))
    return rows
