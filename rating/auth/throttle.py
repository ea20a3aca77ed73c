"""Wrong tries counted per way into an account (a "door"), so that lock-outs stop guessing
but never lock the owner out on her own phone.

There are two kinds of door. Phones that have never logged in to an account share one door,
named by the login typed (a real account's or not: an unknown login is counted exactly like
a real one, so a lock says nothing about whether the account exists). Each phone that has
logged in to the account has a door of its own, named by its device token
(`rating.auth.devices`). An attacker's wrong tries from anywhere lock only the first kind.

From the ``LOCKOUT_THRESHOLD``-th wrong try in a row a door locks for 1, 2, 4 ... minutes, up
to ``LOCKOUT_MAX_MINUTES``; while it is locked, tries are refused without the PIN being
looked at, so they cost the attacker time and teach nothing. A phone's own door forgets its
wrong tries when the right PIN is typed on it. The shared door forgets them only below the
threshold: once an attack has locked it, the owner logging in from a new phone does not give
the attacker a fresh start (that phone has its own door from then on). A PIN reset opens it.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from rating.auth.models import LoginThrottle
from rating.extensions import db

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def door_of(login: str, device: str | None) -> str:
    """The door a try comes through: this phone's token for the account, or the login typed
    (already normalized, any case) on a phone without one."""
    name = f"device:{device}" if device else f"login:{login.lower()}"
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"throttle:{name}".encode(), hashlib.sha256).hexdigest()


def locked_until(door: str, now: datetime) -> datetime | None:
    """When the door opens again, or None if it is open."""
    until = db.session.scalar(select(LoginThrottle.locked_until).where(
        LoginThrottle.door == door))
    return until if until is not None and until > now else None


def count_failure(door: str, now: datetime) -> int:
    """Count a wrong try at the door; returns the minutes it is now locked for (0: not locked).

    One statement adds the try whether or not the door has a row yet, so that tries arriving
    at once from several workers are all counted. The caller commits.
    """
    statement = _INSERT[db.session.get_bind().dialect.name](LoginThrottle).values(
        door=door, failures=1)
    statement = statement.on_conflict_do_update(
        index_elements=[LoginThrottle.door],
        set_={"failures": LoginThrottle.failures + 1},
    ).returning(LoginThrottle.failures)
    failures = db.session.execute(statement).scalar_one()
    minutes = lock_minutes(failures)
    if minutes:
        db.session.execute(update(LoginThrottle).where(LoginThrottle.door == door).values(
            locked_until=now + timedelta(minutes=minutes)))
    return minutes


def lock_minutes(failures: int) -> int:
    """How long a door locks after this many wrong tries in a row (0: it stays open)."""
    config = current_app.config
    beyond = failures - config["LOCKOUT_THRESHOLD"]
    if beyond < 0:
        return 0
    return min(2 ** min(beyond, 40), config["LOCKOUT_MAX_MINUTES"])


def forgive(door: str, own_phone: bool) -> None:
    """After the right PIN at this door: a phone's own door forgets its wrong tries, the
    shared door only those below the threshold (see the module's docstring)."""
    statement = delete(LoginThrottle).where(LoginThrottle.door == door)
    if not own_phone:
        statement = statement.where(
            LoginThrottle.failures < current_app.config["LOCKOUT_THRESHOLD"])
    db.session.execute(statement)


def open_door(login: str) -> None:
    """Forget the wrong tries at an account's shared door (a PIN reset); the caller commits."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.door == door_of(login, None)))


def locked_logins(logins: list[str], now: datetime) -> set[str]:
    """Which of these logins have their shared door locked now (for the admin's list)."""
    doors = {door_of(login, None): login for login in logins}
    if not doors:
        return set()
    return {doors[door] for door in db.session.scalars(select(LoginThrottle.door).where(
        LoginThrottle.door.in_(doors), LoginThrottle.locked_until > now))}
