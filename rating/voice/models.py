"""Voice prompts: short clips that read aloud what a leader must understand on her pages."""

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow
from rating.voice.elements import FIXED, MAX_KEY

# The rating form's questions, by the form's field names: the first clips there were.
QUESTIONS = ("score", "purpose", "respect", "resolved", "comment")
ELEMENT_KEYS = tuple(FIXED)


class VoicePrompt(db.Model):
    """A short clip that reads one element of the leaders' pages aloud, in one language.
    ``question`` holds the element's key (`rating.voice.elements`): a question, an answer, a
    button, a message, or an office ("office.<id>")."""

    __tablename__ = "voice_prompts"
    __table_args__ = (
        UniqueConstraint("question", "language"),
        CheckConstraint(f"question IN {ELEMENT_KEYS!r} OR question LIKE 'office.%'",
                        name="element_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(MAX_KEY))
    language: Mapped[str] = mapped_column(String(2))
    mime_type: Mapped[str] = mapped_column(String(40))
    # The clip's bytes: in the row (FILE_STORAGE=database), or in S3 under audio_key.
    audio: Mapped[bytes | None] = mapped_column(LargeBinary)
    audio_key: Mapped[str | None] = mapped_column(String(200))
    # "espeak-ng": made by the speech synthesiser for the demo; None: recorded and uploaded.
    # A recorded clip replaces a synthetic one; a synthetic one never replaces a recording.
    synthetic: Mapped[str | None] = mapped_column(String(20))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
