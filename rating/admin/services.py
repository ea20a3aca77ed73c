"""Managing accounts: create leaders in bulk, create staff, reset a PIN, deactivate."""

import re
import secrets
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from rating import audit
from rating.audit import AuditEvent
from rating.auth import services as auth
from rating.auth import throttle
from rating.auth.models import LANGUAGES, ROLES, Collective, User
from rating.csvio import Problem, read_rows
from rating.directory.services import find_place
from rating.extensions import db
from rating.refusal import Refused
from rating.timeutil import utcnow

MEMBER_CODE = re.compile(r"^[A-Z]{1,8}-[0-9]{1,6}$")
USERNAME = re.compile(r"^[a-z0-9_.-]{3,64}$")


class AccountError(Refused):
    """An account change that the rules refuse."""


def login_taken(login: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.login) == login.lower())) \
        is not None


def collectives() -> list[Collective]:
    return list(db.session.scalars(select(Collective).order_by(Collective.name_en)))


def locked_logins(users) -> set[str]:
    """The logins among these whose door for other phones is locked by wrong tries."""
    return throttle.locked_logins([user.login for user in users], utcnow())


def users_statement(role: str | None = None, q: str = ""):
    statement = select(User).order_by(User.role, User.login)
    if role in ROLES:
        statement = statement.where(User.role == role)
    if q:
        statement = statement.where(
            func.lower(User.login).contains(q.lower(), autoescape=True)
            | func.lower(User.display_name).contains(q.lower(), autoescape=True))
    return statement


def create_user(*, login: str, display_name: str, role: str, secret: str,
                collective: Collective | None = None, language: str | None = None,
                home_place=None, actor=None, commit: bool = True) -> User:
    """Create an account. Leaders need a collective, a member code and a 4-6 digit PIN;
    everyone else a username and a password of at least 10 characters."""
    if role not in ROLES:
        raise AccountError("role")
    login = auth.normalize_login(login, role)
    if role == "leader":
        if not MEMBER_CODE.match(login):
            raise AccountError("member_code")
        if collective is None:
            raise AccountError("collective")
        problem = auth.pin_problem(auth.normalize_secret(secret))
    else:
        if not USERNAME.match(login):
            raise AccountError("username")
        problem = auth.password_problem(secret)
    if problem:
        raise AccountError(problem)
    if login_taken(login):
        raise AccountError("login_taken")
    user = User(login=login, display_name=display_name.strip() or login, role=role,
                collective=collective if role == "leader" else None, home_place=home_place,
                language=language or ("bn" if role == "leader" else "en"),
                password_hash=auth.hash_secret(auth.normalize_secret(secret)), active=True)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", "user", user.id, actor, role=role, login=login)
    if commit:
        db.session.commit()
    return user


def reset_secret(user: User, actor=None) -> str:
    """Give an account a new random PIN (leaders) or password; returns it to show once.

    Every session of the account ends, and a lock from wrong tries on other phones is
    lifted. The new PIN counts as issued: the audit marks the first login with it, and the
    leader is asked to choose her own.
    """
    secret = auth.new_pin() if user.role == "leader" else secrets.token_urlsafe(12)
    user.password_hash = auth.hash_secret(secret)
    user.secret_state = "issued"
    user.session_version += 1
    throttle.open_door(user.login)
    audit.record("user.reset_secret", "user", user.id, actor)
    db.session.commit()
    return secret


def set_user_active(user: User, active: bool, actor=None) -> None:
    if actor is not None and user.id == actor.id and not active:
        raise AccountError("self")
    user.active = active
    user.session_version += 1
    audit.record("user.activate" if active else "user.deactivate", "user", user.id, actor)
    db.session.commit()


@dataclass
class LeaderImport:
    created: list[tuple[User, str]] = field(default_factory=list)  # (leader, PIN to hand over)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


def import_leaders(text: str, actor=None, dry_run: bool = False) -> LeaderImport:
    """Create leaders from a CSV (member_code, display_name, collective; optional language,
    block), each with a random PIN. Any problem on any line creates nobody."""
    result = LeaderImport()
    parsed = read_rows(text, ("member_code", "display_name", "collective"), ("language", "block"))
    result.problems.extend(parsed.problems)
    by_code = {c.code.upper(): c for c in collectives()}
    by_name = {c.name_en.lower(): c for c in collectives()}
    seen: dict[str, int] = {}
    planned = []
    for line, row in parsed.rows:
        code = auth.normalize_login(row["member_code"], "leader")
        before = len(result.problems)
        if not MEMBER_CODE.match(code):
            result.problems.append(Problem(line, "member_code", _l(
                "“%(value)s” is not a member code like BJ-001.", value=row["member_code"])))
        elif code in seen or login_taken(code):
            result.problems.append(Problem(line, "member_code", _l(
                "Member code %(code)s is already used.", code=code)))
        seen.setdefault(code, line)
        collective = by_code.get(row["collective"].upper()) or by_name.get(
            row["collective"].lower())
        if collective is None:
            result.problems.append(Problem(line, "collective", _l(
                "Unknown collective “%(value)s”.", value=row["collective"])))
        language = (row.get("language") or "bn").lower()
        if language not in LANGUAGES:
            result.problems.append(Problem(line, "language", _l("Use bn or en for the language.")))
        place = None
        if row.get("block"):
            place = find_place(row["block"], ("block", "municipality"))
            if place is None:
                result.problems.append(Problem(line, "block", _l(
                    "Unknown block or municipality “%(value)s”.", value=row["block"])))
        if len(result.problems) == before:
            planned.append((code, row["display_name"], collective, language, place))
    result.rows = len(planned)
    if result.problems or dry_run:
        return result
    for code, name, collective, language, place in planned:
        pin = auth.new_pin()
        user = create_user(login=code, display_name=name, role="leader", secret=pin,
                           collective=collective, language=language, home_place=place,
                           actor=actor, commit=False)
        result.created.append((user, pin))
    db.session.commit()
    return result


def audit_statement(action: str = ""):
    """The audit trail, newest first; only one action (or actions under a prefix such as
    "auth.") when ``action`` is given."""
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action.endswith("."):
        statement = statement.where(AuditEvent.action.startswith(action, autoescape=True))
    elif action:
        statement = statement.where(AuditEvent.action == action)
    return statement


def audit_actions() -> list[str]:
    """Every action the trail holds, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(
        AuditEvent.action)))


def actor_logins(events) -> dict[int, str]:
    """The login of each actor named in these events, in one query."""
    ids = {event.actor_id for event in events if event.actor_id is not None}
    ids |= {event.target_id for event in events
            if event.target_type == "user" and event.target_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.login).where(User.id.in_(ids))).all())
