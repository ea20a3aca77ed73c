"""Rating cycles: the periods in which leaders rate the offices they dealt with."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow

CYCLE_STATUSES = ("draft", "open", "closed")


class Cycle(db.Model):
    __tablename__ = "cycles"
    __table_args__ = (
        CheckConstraint(f"status IN {CYCLE_STATUSES!r}", name="status_known"),
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        # At most one open cycle, enforced by the database rather than by hope.
        Index(
            "uq_cycles_one_open",
            "status",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
