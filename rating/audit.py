"""The audit trail: who changed what in the directory, the cycles and the accounts.

Ratings are deliberately not audited per person: an audit row naming the leader next to a
rating would undo the pseudonymous rater key.
"""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(40))
    # 64-bit: a rating's id (a quote approved) is a random number below 2**53.
    target_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)


def record(action: str, target_type: str, target_id: int | None, actor=None, **details) -> None:
    """Add an audit row to the current transaction (committed with the change it describes)."""
    db.session.add(
        AuditEvent(
            action=action,
            target_type=target_type,
            target_id=target_id,
            actor_id=getattr(actor, "id", None),
            details=details,
        )
    )
