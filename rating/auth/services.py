"""Accounts: hashing secrets, checking logins with lock-out, changing a PIN, pseudonymous
rater keys."""

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
from rating.auth import devices, throttle
from rating.auth.models import User
from rating.extensions import db
from rating.i18n import ascii_digits
from rating.refusal import Refused
from rating.timeutil import utcnow

PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")
# A member code as leaders type it: "BJ001", "bj 001", "Bj-001" all mean "BJ-001".
MEMBER_CODE = re.compile(r"([A-Za-z]{2,3})[\s._-]*([0-9]{3,4})", re.ASCII)
MIN_PASSWORD_LENGTH = 10

_HASHERS = {
    # RFC 9106's second recommended option (64 MiB, 3 passes): argon2-cffi's default.
    "default": PasswordHasher(),
    # Cheap, for test suites that create many accounts; never for a real service.
    "test": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}
_STAND_IN: dict[str, str] = {}


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
    """Member codes are upper-case ("BJ-001"), usernames lower-case; Bengali digits become ASCII.
    Anything shaped like a member code ("bj001", "BJ 001") is written as one."""
    login = ascii_digits(login.strip())
    code = MEMBER_CODE.fullmatch(login)
    if code:
        login = f"{code[1].upper()}-{code[2]}"
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


def authenticate(login: str, secret: str, device_cookie: str | None = None) -> User:
    """Return the user whose login and PIN or password these are, or raise `LoginRefused`.

    Wrong tries are counted per door (`rating.auth.throttle`): this phone's own, if it has
    logged in to the account before (``device_cookie``), or else the one every other phone
    shares. A locked door refuses even the right PIN. Unknown and deactivated accounts are
    counted and locked exactly like real ones, and every answer costs one hash check, so
    neither the words nor the time of an answer tell whether an account exists. Commits the
    count and an audit row either way.

    The audit row of a refused login names the account only if there is one: what was typed
    into the username box is never stored, since a leader may have typed their PIN there.
    """
    login = normalize_login(login)
    user = find_user(login)
    secret = normalize_secret(secret)
    device = devices.device_of(device_cookie, user.id) if user is not None else None
    door = throttle.door_of(login, device)
    now = utcnow()
    locked_until = throttle.locked_until(door, now)
    usable = user is not None and user.active and locked_until is None
    right = _secret_matches(user.password_hash if usable else None, secret)
    if locked_until is not None:
        _record_refusal(user, "locked", device)
        db.session.commit()
        raise LoginRefused("locked", _minutes_left(locked_until - now))
    if not (usable and right):
        reason = "unknown" if user is None else "inactive" if not user.active else "wrong_secret"
        _record_refusal(user, reason, device)
        minutes = throttle.count_failure(door, now)
        if minutes and user is not None:
            audit.record("auth.lock", "user", user.id, minutes=minutes, own_phone=bool(device))
        db.session.commit()
        if minutes:
            raise LoginRefused("locked", minutes)
        raise LoginRefused("invalid")
    throttle.forgive(door, own_phone=device is not None)
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_secret(secret)
    first_after_issue = user.secret_state == "issued"
    if first_after_issue:
        user.secret_state = "used"
    user.last_login_at = now
    audit.record("auth.login", "user", user.id, user, role=user.role, own_phone=bool(device),
                 first_after_issue=first_after_issue)
    db.session.commit()
    return user


def _secret_matches(password_hash: str | None, secret: str) -> bool:
    """One Argon2 check, against a stand-in hash when there is no account to check against
    (or its door is locked): every answer costs the same work."""
    try:
        return _hasher().verify(password_hash or _stand_in_hash(), secret or "-")
    except (VerificationError, InvalidHashError):
        return False


def _stand_in_hash() -> str:
    """A hash of a random secret, made once per hashing profile."""
    profile = current_app.config["PASSWORD_HASH_PROFILE"]
    if profile not in _STAND_IN:
        _STAND_IN[profile] = _hasher().hash(secrets.token_hex(16))
    return _STAND_IN[profile]


class SecretRefused(Refused):
    """A new PIN or password that was not set: ``code`` says why (``minutes`` if locked)."""


def change_secret(user: User, current: str, new: str, device_cookie: str | None = None) -> None:
    """Set the PIN (leaders) or password the owner chose herself; it is hers alone from now on.

    The one she has now must be right. Wrong ones count at the door she is at, as for a
    login, so that a session left open on a shared phone cannot be used to try PINs. A new
    PIN equal to an issued one is refused: whoever issued it would still know it. Every other
    session of the account ends (the caller renews this one). Commits.
    """
    current, new = normalize_secret(current), normalize_secret(new)
    problem = pin_problem(new) if user.role == "leader" else password_problem(new)
    if problem:
        raise SecretRefused(problem)
    door = throttle.door_of(user.login, devices.device_of(device_cookie, user.id))
    now = utcnow()
    locked_until = throttle.locked_until(door, now)
    right = _secret_matches(None if locked_until else user.password_hash, current)
    if locked_until is not None:
        raise SecretRefused("locked", minutes=_minutes_left(locked_until - now))
    if not right:
        minutes = throttle.count_failure(door, now)
        audit.record("auth.change_secret_failed", "user", user.id, user)
        db.session.commit()
        raise SecretRefused("locked", minutes=minutes) if minutes else SecretRefused("wrong")
    if new == current:
        raise SecretRefused("same")
    user.password_hash = hash_secret(new)
    user.secret_state = "own"
    user.session_version += 1
    audit.record("auth.change_secret", "user", user.id, user)
    db.session.commit()


def _record_refusal(user: User | None, reason: str, device: str | None) -> None:
    """Add an audit row for a refused login (the caller commits it with the failure count)."""
    audit.record("auth.login_failed", "user", user.id if user else None,
                 account_exists=user is not None, reason=reason, own_phone=bool(device))


def record_logout(user: User, reason: str = "logout") -> None:
    """An audit row for a session that ended: logged out, or expired (``reason``).

    Logging out ends every session of the account on the server (its session version moves
    on), so a copy of the cookie, even a "keep me logged in" one, is refused afterwards.
    """
    if reason in ("logout", "quick_exit"):
        user.session_version += 1
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
