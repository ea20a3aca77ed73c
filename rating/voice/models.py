"""Voice prompts: short recorded clips that read the rating questions aloud."""

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow

# The rating form's questions a clip can read aloud, by the form's field names (the leader's
# phone asks for /voice/<question>/<language>).
QUESTIONS = ("score", "purpose", "respect", "resolved", "comment")


class VoicePrompt(db.Model):
    """A short recorded clip that reads one question aloud, in one language."""

    __tablename__ = "voice_prompts"
    __table_args__ = (
        UniqueConstraint("question", "language"),
        CheckConstraint(f"question IN {QUESTIONS!r}", name="question_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    mime_type: Mapped[str] = mapped_column(String(40))
    # The clip's bytes: in the row (FILE_STORAGE=database), or in S3 under audio_key.
    audio: Mapped[bytes | None] = mapped_column(LargeBinary)
    audio_key: Mapped[str | None] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
