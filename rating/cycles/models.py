"""Rating cycles, the periods in which leaders rate the offices they dealt with, and the
ratings given in them: one leader's 1-10 score of one office in one cycle.

The ratings table is defined here, with the cycles it belongs to, so that every feature
above (the directory's office pages, the cycles' participation, the survey's write path in
`rating.survey.services`, the charts and the packs) can count ratings while depending one
way. A rating names its rater only by ``rater_key``, an HMAC of the account id under
``RATER_KEY_SECRET``: the table alone never says who rated whom.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    # Opened on its first day and closed after its last by the scheduled job
    # (`rating.cycles.services.follow_cycle_dates`), when staff choose so; off: by hand only.
    follows_dates: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


PURPOSES = (
    "housing",
    "compensation",
    "legal_case",
    "livelihood",
    "child_protection",
    "health",
    "documents",
    "other",
)
ANSWERS = ("yes", "partly", "no")
SOURCES = ("app", "import")
QUOTE_STATUSES = ("pending", "approved", "rejected")


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 10", name="score_range"),
        CheckConstraint(f"purpose IN {PURPOSES!r}", name="purpose_known"),
        CheckConstraint(f"respect IS NULL OR respect IN {ANSWERS!r}", name="respect_known"),
        CheckConstraint(f"work_done IS NULL OR work_done IN {ANSWERS!r}", name="work_done_known"),
        CheckConstraint(f"source IN {SOURCES!r}", name="source_known"),
        CheckConstraint(f"quote_status IN {QUOTE_STATUSES!r}", name="quote_status_known"),
        CheckConstraint("comment IS NULL OR length(comment) <= 1000", name="comment_length"),
        UniqueConstraint("cycle_id", "office_id", "rater_key"),
        UniqueConstraint("submission_id"),
        Index("ix_ratings_office_cycle_score", "office_id", "cycle_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    rater_key: Mapped[str] = mapped_column(String(64), index=True)
    # The collective is kept (not the person) so participation can be counted per collective.
    collective_id: Mapped[int | None] = mapped_column(ForeignKey("collectives.id"))
    score: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(20))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    respect: Mapped[str | None] = mapped_column(String(8))
    work_done: Mapped[str | None] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(Text)
    quote_consent: Mapped[bool] = mapped_column(default=False)
    # A consented comment is quoted outside the network only after staff approve it.
    quote_status: Mapped[str] = mapped_column(String(10), default="pending",
                                              server_default="pending")
    submission_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8), default="app")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    office = relationship("Office")
    cycle = relationship("Cycle")


class Submission(db.Model):
    """Every accepted submission id, with the answer it got, so that a retry is answered the
    same way and stores nothing new — even after a later edit gave the rating a new id."""

    __tablename__ = "rating_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    rater_key: Mapped[str] = mapped_column(String(64))
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id", ondelete="CASCADE"),
                                           index=True)
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
