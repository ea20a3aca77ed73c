"""The escalation trail: what the network asked of whom, what came back, and what was promised.

An *action* is a letter, a meeting or an appeal about one or more offices, at an escalation
level, citing an evidence pack by its manifest hash. A *response* is the recipient's answer
(with an optional scan). A *commitment* is one promise: what, by whom, by when. Its status is
stored as pending, kept or broken; "overdue" is computed from the date (a pending promise whose
date has passed), so nobody has to remember to mark it.
"""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rating.directory.models import LEVELS, Office
from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow

ACTION_KINDS = ("letter", "meeting", "appeal")
RESOLUTIONS = ("pending", "kept", "broken")
SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

action_offices = Table(
    "action_offices", db.metadata,
    Column("action_id", Integer, ForeignKey("advocacy_actions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("office_id", Integer, ForeignKey("offices.id"), primary_key=True, index=True),
)


class AdvocacyAction(db.Model):
    __tablename__ = "advocacy_actions"
    __table_args__ = (
        CheckConstraint(f"kind IN {ACTION_KINDS!r}", name="kind_known"),
        CheckConstraint(f"level IN {LEVELS!r}", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    acted_on: Mapped[date] = mapped_column(Date, index=True)
    level: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(200))
    asked: Mapped[str] = mapped_column(Text)
    # The evidence pack it cited: the manifest's SHA-256 identifies it even outside this server.
    pack_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    offices: Mapped[list[Office]] = relationship(secondary=action_offices,
                                                 order_by=Office.name_en)
    responses: Mapped[list["ActionResponse"]] = relationship(
        back_populates="action", order_by="ActionResponse.received_on",
        cascade="all, delete-orphan")
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="action", order_by="Commitment.due_on", cascade="all, delete-orphan")
    created_by = relationship("User")


class ActionResponse(db.Model):
    """The recipient's answer to an action."""

    __tablename__ = "action_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("advocacy_actions.id", ondelete="CASCADE"),
                                           index=True)
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    # The scan's bytes: in the row (FILE_STORAGE=database), or in S3 under scan_key.
    scan: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    scan_key: Mapped[str | None] = mapped_column(String(200))
    scan_type: Mapped[str | None] = mapped_column(String(40))
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[AdvocacyAction] = relationship(back_populates="responses")


class Commitment(db.Model):
    """One promise: what, by whom, by when; kept, broken, or still pending."""

    __tablename__ = "commitments"
    __table_args__ = (CheckConstraint(f"resolution IN {RESOLUTIONS!r}", name="resolution_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("advocacy_actions.id", ondelete="CASCADE"),
                                           index=True)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_responses.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(Text)
    by_whom: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    resolution: Mapped[str] = mapped_column(String(8), default="pending")
    resolved_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[AdvocacyAction] = relationship(back_populates="commitments")

    def status(self, today: date) -> str:
        """pending, kept, broken, or overdue (pending and past its date)."""
        if self.resolution == "pending" and self.due_on < today:
            return "overdue"
        return self.resolution
