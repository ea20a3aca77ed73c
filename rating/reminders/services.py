"""The staff's daily digest: cycles opening or closing within 3 days (with participation so
far), promises falling due within 7 days or overdue, and letters whose answer is overdue at
each escalation level (each level's own days, ESCALATION_RESPONSE_DAYS).

A digest, not a flood: at most one e-mail a person a day. `send_daily_digests` takes the
day's row in ``reminder_digests`` before sending (the primary key refuses a second), and gives
it back if the server refused the message, so a later run tries again. Nothing is sent unless
MAIL_ENABLED, nor to anyone who turned the digest off on their account page, nor when there
is nothing to say. Each person reads it in their own language.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from rating import audit
from rating.auth.models import User
from rating.cycles.models import Cycle
from rating.cycles.services import Participation, count_participation
from rating.escalation.services import Unanswered, due_commitments, list_unanswered_actions
from rating.extensions import db
from rating.reminders.mail import Mailer, new_message
from rating.reminders.models import ReminderDigest

log = logging.getLogger(__name__)

CYCLE_NOTICE_DAYS = 3
PROMISE_NOTICE_DAYS = 7


@dataclass(frozen=True)
class CycleNotice:
    cycle: Cycle
    kind: str  # "opening" or "closing"
    on: date  # its first day, or its last
    days: int  # from today
    participation: list[Participation] = field(default_factory=list)  # closing: so far, banded


@dataclass(frozen=True)
class Digest:
    today: date
    cycles: list[CycleNotice]
    promises_due: list  # pending commitments due within PROMISE_NOTICE_DAYS
    promises_overdue: list
    answers_overdue: dict[str, list[Unanswered]]  # by escalation level

    @property
    def empty(self) -> bool:
        return not (self.cycles or self.promises_due or self.promises_overdue
                    or self.answers_overdue)


def build_digest(today: date) -> Digest:
    """What today's digest says (the same for every reader; words come per reader)."""
    horizon = today + timedelta(days=CYCLE_NOTICE_DAYS)
    notices = [CycleNotice(c, "opening", c.starts_on, (c.starts_on - today).days)
               for c in db.session.scalars(select(Cycle).where(
                   Cycle.status == "draft", Cycle.starts_on >= today,
                   Cycle.starts_on <= horizon).order_by(Cycle.starts_on))]
    notices += [CycleNotice(c, "closing", c.ends_on, (c.ends_on - today).days,
                            count_participation(c))
                for c in db.session.scalars(select(Cycle).where(
                    Cycle.status == "open", Cycle.ends_on >= today, Cycle.ends_on <= horizon))]
    promises = due_commitments(today, days=PROMISE_NOTICE_DAYS)
    by_level: dict[str, list[Unanswered]] = {}
    for row in list_unanswered_actions(today):
        by_level.setdefault(row.action.level, []).append(row)
    return Digest(today=today, cycles=notices, promises_due=promises.due,
                  promises_overdue=promises.overdue, answers_overdue=by_level)


def list_digest_readers() -> list[User]:
    """Active staff with an e-mail address who have not turned the digest off."""
    return list(db.session.scalars(select(User).where(
        User.role == "staff", User.active.is_(True), User.daily_digest.is_(True),
        User.email.is_not(None), User.email != "").order_by(User.id)))


def write_digest(reader: User, digest: Digest):
    """The reader's e-mail, in their language."""
    with force_locale(reader.language):
        subject = _("Ratings: what needs doing, %(day)s", day=digest.today.isoformat())
        body = render_template("reminders/digest.txt", digest=digest, reader=reader,
                               locale=reader.language, notice_days=CYCLE_NOTICE_DAYS,
                               public_url=current_app.config["PUBLIC_URL"])
    return new_message(reader.email, subject, body)


def _take_the_day(reader: User, today: date) -> bool:
    db.session.add(ReminderDigest(user_id=reader.id, sent_on=today))
    try:
        db.session.commit()
    except IntegrityError:  # already sent today (another run, another worker)
        db.session.rollback()
        return False
    return True


def _give_back_the_day(reader_id: int, today: date) -> None:
    db.session.execute(delete(ReminderDigest).where(ReminderDigest.user_id == reader_id,
                                                    ReminderDigest.sent_on == today))
    db.session.commit()


def send_daily_digests(today: date) -> dict:
    """Send today's digest to each reader who has not had one today. Safe to run any number
    of times a day. Returns the counts (and why nothing was sent, when so)."""
    if not current_app.config["MAIL_ENABLED"]:
        return {"sent": 0, "why": "mail off"}
    digest = build_digest(today)
    if digest.empty:
        return {"sent": 0, "why": "nothing to say"}
    sent, already, failed = 0, 0, 0
    readers = [(r.id, r) for r in list_digest_readers()]
    with Mailer() as mailer:
        for reader_id, reader in readers:
            message = write_digest(reader, digest)
            if not _take_the_day(reader, today):
                already += 1
                continue
            try:
                mailer.send(message)
            except smtplib.SMTPException:
                log.warning("digest to user %s refused by the mail server", reader_id,
                            exc_info=True)
                _give_back_the_day(reader_id, today)
                failed += 1
            else:
                sent += 1
    return {"sent": sent, "already": already, "failed": failed}


def set_digest_choice(person: User, email: str | None, daily_digest: bool) -> User:
    """Keep where a person's digest goes (None: nowhere) and whether they want it."""
    person.email = (email or "").strip() or None
    person.daily_digest = bool(daily_digest)
    audit.record("account.digest", "user", person.id, person, daily_digest=person.daily_digest,
                 email_given=person.email is not None)
    db.session.commit()
    return person
