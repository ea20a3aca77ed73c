"""Accounts: the collectives leaders belong to, the people who log in, and the wrong tries
counted against each way into an account."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rating.access import ROLES
from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow

LANGUAGES = ("bn", "en")
# Who knows the PIN or password: "issued" (set by an admin, an import or the command line and
# not used yet), "used" (issued and used to log in since), "own" (chosen by its owner).
SECRET_STATES = ("issued", "used", "own")


class Collective(db.Model):
    __tablename__ = "collectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # "BJ", the prefix of member codes
    name_en: Mapped[str] = mapped_column(String(100))
    name_bn: Mapped[str] = mapped_column(String(100))

    def name(self, locale: str) -> str:
        return self.name_bn if locale == "bn" else self.name_en


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        CheckConstraint(f"language IN {LANGUAGES!r}", name="language_known"),
        CheckConstraint("role != 'leader' OR collective_id IS NOT NULL", name="leader_collective"),
        CheckConstraint(f"secret_state IN {SECRET_STATES!r}", name="secret_state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Member code for leaders ("BJ-001"), a username for everyone else; stored upper-case for
    # leaders and lower-case otherwise so that logins are case-insensitive.
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    collective_id: Mapped[int | None] = mapped_column(ForeignKey("collectives.id"))
    home_place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    language: Mapped[str] = mapped_column(String(2), default="bn")
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    secret_state: Mapped[str] = mapped_column(String(8), default="issued")
    # Bumped on logout, PIN change or reset, or deactivation: every session cookie that names
    # the old value dies.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where staff receive the daily reminder digest (rating.reminders), and whether they want it.
    email: Mapped[str | None] = mapped_column(String(254))
    daily_digest: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    collective: Mapped[Collective | None] = relationship()
    home_place = relationship("Place")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active


class LoginThrottle(db.Model):
    """Wrong tries counted against one way into an account (`rating.auth.throttle`).

    ``door`` is an HMAC: of the login typed on phones that have never logged in to it, or of
    one phone's device token. Never the login itself, which may be a PIN typed in the wrong
    box, nor the account's id: an unknown login is counted exactly like a real one.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures_nonnegative"),)

    door: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
