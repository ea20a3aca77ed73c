"""Accounts: hashing secrets, checking logins with lock-out, pseudonymous rater keys."""

import functools
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, func, select

from rating import audit
from rating.auth.models import User
from rating.extensions import db
from rating.i18n import ascii_digits
from rating.timeutil import utcnow

PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")
MIN_PASSWORD_LENGTH = 10

_HASHERS = {
    # RFC 9106's second recommended option (64 MiB, 3 passes): argon2-cffi's default.
    "default": PasswordHasher(),
    # Cheap, for test suites that create many accounts; never for a real service.
    "test": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}


class LoginRefused(Exception):
    """A login that did not succeed; ``reason`` is "invalid" or "locked"."""

    def __init__(self, reason: str, minutes: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.minutes = minutes


def _hasher() -> PasswordHasher:
    return _HASHERS[current_app.config["PASSWORD_HASH_PROFILE"]]


def hash_secret(secret: str) -> str:
    return _hasher().hash(secret)


def normalize_login(login: str, role: str | None = None) -> str:
    """Member codes are upper-case ("BJ-001"), usernames lower-case; Bengali digits become ASCII."""
    login = ascii_digits(login.strip())
    if role is None:
        return login
    return login.upper() if role == "leader" else login.lower()


def normalize_secret(secret: str) -> str:
    return ascii_digits(secret.strip())


def pin_problem(pin: str) -> str | None:
    """Why a PIN cannot be used, or None."""
    if not PIN_PATTERN.match(pin):
        return "pin_format"
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password_short"
    return None


def find_user(login: str) -> User | None:
    login = normalize_login(login)
    return db.session.scalar(select(User).where(func.lower(User.login) == login.lower()))


def authenticate(login: str, secret: str) -> User:
    """Return the user whose login and PIN or password these are, or raise `LoginRefused`.

    Each wrong secret counts against the account; from the fifth in a row the account locks,
    for 1, 2, 4 ... minutes (up to ``LOCKOUT_MAX_MINUTES``), which makes guessing a 4-digit PIN
    take years. Unknown users and wrong secrets get the same answer, so a member code cannot be
    probed. Commits the counter and an audit row either way.

    The audit row of a refused login names the account only if there is one: what was typed
    into the username box is never stored, since a leader may have typed their PIN there.
    """
    user = find_user(login)
    secret = normalize_secret(secret)
    if user is None or not user.active:
        _hasher().hash(secret or "-")  # spend the same time as a real check
        _record_refusal(user, "unknown" if user is None else "inactive")
        db.session.commit()
        raise LoginRefused("invalid")
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        _record_refusal(user, "locked")
        db.session.commit()
        raise LoginRefused("locked", _minutes_left(user.locked_until - now))
    try:
        _hasher().verify(user.password_hash, secret)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        threshold = current_app.config["LOCKOUT_THRESHOLD"]
        _record_refusal(user, "wrong_secret")
        if user.failed_logins >= threshold:
            minutes = min(
                2 ** (user.failed_logins - threshold), current_app.config["LOCKOUT_MAX_MINUTES"]
            )
            user.locked_until = now + timedelta(minutes=minutes)
            audit.record("auth.lock", "user", user.id, minutes=minutes,
                         failed_logins=user.failed_logins)
            db.session.commit()
            raise LoginRefused("locked", minutes) from None
        db.session.commit()
        raise LoginRefused("invalid") from None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_secret(secret)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("auth.login", "user", user.id, user, role=user.role)
    db.session.commit()
    return user


def _record_refusal(user: User | None, reason: str) -> None:
    """Add an audit row for a refused login (the caller commits it with the failure count)."""
    audit.record("auth.login_failed", "user", user.id if user else None,
                 account_exists=user is not None, reason=reason)


def record_logout(user: User, reason: str = "logout") -> None:
    """An audit row for a session that ended: logged out, or expired (``reason``)."""
    audit.record("auth.logout", "user", user.id, user, reason=reason)
    db.session.commit()


def _minutes_left(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 59) // 60)


# Built once (every request of a logged-in user runs it): cheaper than Session.get, which
# builds and caches its statement again each time.
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id and session version must both match an active account."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.execute(_USER_BY_ID, {"user_id": int(user_id)}).scalar_one_or_none()
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def rater_key_for(user_id: int | str) -> str:
    """The pseudonymous key stored with a leader's ratings instead of the account id."""
    return rater_key_for_code(f"user:{user_id}")


def rater_key_for_code(code: str) -> str:
    return _keyed(current_app.config["RATER_KEY_SECRET"], code)


@functools.lru_cache(maxsize=65_536)
def _keyed(secret: str, code: str) -> str:
    # A pure function of the secret and the code, so remembering it can never be stale: the
    # overview's participation keys every active leader, 8% of the page with 2,500 leaders.
    return hmac.new(secret.encode(), code.encode(), hashlib.sha256).hexdigest()


def new_pin() -> str:
    """A random 4-digit PIN (leaders asked for 4: longer PINs get written on the phone case)."""
    return f"{secrets.randbelow(10_000):04d}"


def set_language(user: User | None, language: str, session: dict) -> None:
    session["language"] = language
    if user is not None and user.is_authenticated:
        user.language = language
        db.session.commit()


def safe_next(target: str | None) -> str | None:
    """A ``next=`` target only if it stays on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ch in target for ch in "\r\n\t"):
        return None
    return target


def session_lifetime(role: str, remembered: bool) -> timedelta:
    """How long a login lasts, counted from the moment of logging in and never extended.

    Leaders who tick "keep me logged in" on their own phone stay in for
    ``LEADER_REMEMBER_LIFETIME`` (30 days); everyone else, and every staff, advocacy and admin
    session whatever they tick, for ``SESSION_LIFETIME`` (a working day).
    """
    config = current_app.config
    if role == "leader" and remembered:
        return config["LEADER_REMEMBER_LIFETIME"]
    return config["SESSION_LIFETIME"]


def session_expired(role: str, logged_in_at: float | None, remembered: bool) -> bool:
    """True when a session that began at ``logged_in_at`` (a Unix time) has outlived its role's
    lifetime. A session without a login time (made before sessions expired) has expired."""
    if not isinstance(logged_in_at, int | float):
        return True
    age = utcnow().timestamp() - logged_in_at
    return age < 0 or age > session_lifetime(role, remembered).total_seconds()
