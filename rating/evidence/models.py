"""Evidence packs: what was built, for whom, from which data, and where the zip is."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow

PACK_STATUSES = ("queued", "building", "done", "failed")
SCOPES = ("office", "block", "department", "district")
PACK_LANGUAGES = ("bn", "en", "both")


class Pack(db.Model):
    __tablename__ = "packs"
    __table_args__ = (
        CheckConstraint(f"status IN {PACK_STATUSES!r}", name="status_known"),
        CheckConstraint(f"scope IN {SCOPES!r}", name="scope_known"),
        CheckConstraint(f"language IN {PACK_LANGUAGES!r}", name="language_known"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(12))
    scope_id: Mapped[int]
    scope_label: Mapped[str] = mapped_column(String(200))
    cycle_from_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))
    cycle_to_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))
    language: Mapped[str] = mapped_column(String(4))
    recipient_level: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str | None] = mapped_column(String(60))
    error: Mapped[str | None] = mapped_column(Text)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    file_name: Mapped[str | None] = mapped_column(String(200))
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    built_by = relationship("User")
