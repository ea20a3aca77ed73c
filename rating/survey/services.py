"""Leaders' ratings: storing each exactly once, and what a leader sees of their own.

`submit_rating` is the one write path, used by the page's form post and by the JSON endpoint
that the offline queue calls. Its promise: a submission id is stored once; sending it again
stores nothing and gets the first answer back; one leader has one rating per office and
cycle, and the latest edit wins; nothing is acknowledged before it is committed.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from rating.auth.services import rater_key_for, rater_key_for_code
from rating.cycles.models import Cycle
from rating.directory.models import Office
from rating.directory.services import officer_in_post
from rating.extensions import db
from rating.survey.models import Rating, Submission
from rating.timeutil import utcnow

ATTEMPTS = 3  # concurrent double taps can collide on a unique constraint; retry as a replay


class RatingRefused(Exception):
    """A submission that cannot be stored. ``status`` is the HTTP answer (409 or 422),
    ``field`` the form field it concerns, ``code`` names the reason for the message."""

    def __init__(self, status: int, code: str, field: str | None = None):
        super().__init__(code)
        self.status, self.code, self.field = status, code, field


@dataclass(frozen=True)
class Stored:
    status: int  # 201 stored now, 200 stored before (a retry)
    body: dict


def today() -> date:
    """The date in West Bengal, which decides who was in post when a rating was made."""
    return datetime.now(ZoneInfo("Asia/Kolkata")).date()


def leader_tag(user) -> str:
    """An opaque tag that marks this leader's queued ratings on a shared phone."""
    return rater_key_for_code(f"device-tag:{user.id}")[:24]


def open_cycle() -> Cycle | None:
    return db.session.scalar(select(Cycle).where(Cycle.status == "open"))


def submit_rating(leader, *, cycle_id: int, office_id: int, answers: dict) -> Stored:
    """Store a leader's rating of an office in the open cycle, exactly once per submission id.

    Raises `RatingRefused` (409: cycle closed, submission id used by someone else; 422:
    no such open cycle, office not in the cycle) and stores nothing then.
    """
    key = rater_key_for(leader.id)
    submission_id = answers["submission_id"]
    for _attempt in range(ATTEMPTS):
        replay = _replay(submission_id, key)
        if replay is not None:
            return replay
        cycle, office = _check_target(cycle_id, office_id)
        officer = officer_in_post(office.id, today())
        rating = db.session.scalar(select(Rating).where(
            Rating.cycle_id == cycle.id, Rating.office_id == office.id, Rating.rater_key == key))
        changed = rating is not None
        now = utcnow()
        if rating is None:
            rating = Rating(cycle_id=cycle.id, office_id=office.id, rater_key=key,
                            collective_id=leader.collective_id, created_at=now, source="app")
            db.session.add(rating)
        rating.officer_id = officer.id if officer else None
        rating.score = answers["score"]
        rating.purpose = answers["purpose"]
        rating.respect = answers["respect"]
        rating.work_done = answers["work_done"]
        rating.comment = answers["comment"]
        rating.quote_consent = answers["quote_consent"] and bool(answers["comment"])
        rating.submission_id = submission_id
        rating.updated_at = now
        try:
            db.session.flush()
            body = {"status": "stored", "submission_id": submission_id, "cycle_id": cycle.id,
                    "office_id": office.id, "score": rating.score, "changed": changed,
                    "saved_at": now.isoformat()}
            db.session.add(Submission(submission_id=submission_id, rater_key=key,
                                      rating_id=rating.id, response=body, created_at=now))
            db.session.commit()
        except IntegrityError:
            # Another request stored this submission id, or this leader's rating of the office,
            # between our read and our write: start again and it becomes a replay or an edit.
            db.session.rollback()
            continue
        return Stored(201, body)
    raise RatingRefused(409, "busy")


def _replay(submission_id: str, key: str) -> Stored | None:
    earlier = db.session.scalar(select(Submission).where(
        Submission.submission_id == submission_id))
    if earlier is None:
        return None
    if earlier.rater_key != key:
        raise RatingRefused(409, "submission_taken", "submission_id")
    return Stored(200, earlier.response)


def _check_target(cycle_id: int, office_id: int) -> tuple[Cycle, Office]:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None or cycle.status == "draft":
        raise RatingRefused(422, "no_such_cycle", "cycle_id")
    if cycle.status == "closed":
        raise RatingRefused(409, "cycle_closed", "cycle_id")
    office = db.session.get(Office, office_id)
    if office is None or not office.active:
        raise RatingRefused(422, "office_not_in_cycle", "office_id")
    return cycle, office


def ratings_of(user, cycle) -> list[Rating]:
    """This leader's ratings in a cycle, newest first (found by their rater key)."""
    if cycle is None:
        return []
    return list(db.session.scalars(
        select(Rating)
        .where(Rating.cycle_id == cycle.id, Rating.rater_key == rater_key_for(user.id))
        .order_by(Rating.updated_at.desc())))


def rating_of(user, cycle, office_id: int) -> Rating | None:
    if cycle is None:
        return None
    return db.session.scalar(select(Rating).where(
        Rating.cycle_id == cycle.id, Rating.office_id == office_id,
        Rating.rater_key == rater_key_for(user.id)))


def answers_of(rating: Rating | None) -> dict | None:
    """A rating's answers under the form's field names (to fill the form in again)."""
    if rating is None:
        return None
    return {"score": rating.score, "purpose": rating.purpose, "respect": rating.respect,
            "resolved": rating.work_done, "comment": rating.comment,
            "quote_consent": rating.quote_consent}


def offices_for_leader(user, q: str = "", block_id: int | None = None,
                       department_id: int | None = None) -> list[tuple[Office, bool]]:
    """Active offices matching the search, those this leader rated before first; each with
    whether the leader rated it before (in any cycle)."""
    from rating.directory.services import OfficeFilter, offices_statement

    rated = set(db.session.scalars(select(Rating.office_id).where(
        Rating.rater_key == rater_key_for(user.id)).distinct()))
    offices = db.session.scalars(offices_statement(OfficeFilter(
        q=q, block_id=block_id, department_id=department_id))).all()
    return sorted(((office, office.id in rated) for office in offices),
                  key=lambda pair: not pair[1])


def count_ratings(cycle_id: int) -> int:
    return db.session.scalar(select(func.count(Rating.id)).where(Rating.cycle_id == cycle_id))
