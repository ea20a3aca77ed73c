"""Evidence packs: what was built, for whom, from which data, and under which key the zip is
stored (`rating.storage`). How far a build has got is its job's (`rating.jobs`)."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rating.extensions import db
from rating.jobs.models import Job
from rating.timeutil import UTCDateTime, utcnow

# "expired": built, and its zip deleted after PACK_RETENTION_DAYS (the row and its manifest
# hash stay, so letters that cited it still name it).
PACK_STATUSES = ("queued", "building", "done", "failed", "expired")
SCOPES = ("office", "block", "department", "district")
PACK_LANGUAGES = ("bn", "en", "both")


class Pack(db.Model):
    __tablename__ = "packs"
    __table_args__ = (
        CheckConstraint(f"status IN {PACK_STATUSES!r}", name="status_known"),
        CheckConstraint(f"scope IN {SCOPES!r}", name="scope_known"),
        CheckConstraint(f"language IN {PACK_LANGUAGES!r}", name="language_known"),
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
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    error: Mapped[str | None] = mapped_column(Text)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    file_name: Mapped[str | None] = mapped_column(String(200))  # the download's name
    file_key: Mapped[str | None] = mapped_column(String(200))  # where the zip is stored
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    built_by = relationship("User")
    job: Mapped[Job | None] = relationship()

    @property
    def progress(self) -> int:
        """Percent built, as the job last reported it."""
        if self.status in ("done", "expired"):
            return 100
        return self.job.progress if self.job is not None else 0
