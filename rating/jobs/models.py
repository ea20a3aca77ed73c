"""The jobs table: one row per piece of background work, with its lease and progress.

A worker holds a job while its lease runs (``lease_until``), and renews the lease while it
works; a job whose lease ran out belongs to nobody and is handed out again. The queue (Huey)
only carries job ids: losing a queue message loses nothing the sweep cannot put back.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN {JOB_STATUSES!r}", name="status_known"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint("attempts >= 0", name="attempts_counted"),
        # The sweep's question: which running jobs' leases have run out?
        Index("ix_jobs_status_lease_until", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # "pack.build", ...
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str | None] = mapped_column(String(60))
    worker: Mapped[str | None] = mapped_column(String(120))  # host:pid:thread holding it
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
