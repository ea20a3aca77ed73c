"""The tables of the leaders' pages, importable from here: the ratings and their submission
ids (defined with the cycles they belong to, `rating.cycles.models`, below every feature that
counts them), the voice prompts read aloud on the rating page (`rating.voice.models`), and the
count of ratings that reached the service after their cycle had closed."""

from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from rating.cycles.models import (
    ANSWERS,
    PURPOSES,
    QUOTE_STATUSES,
    SOURCES,
    Rating,
    Submission,
)
from rating.extensions import db
from rating.voice.models import QUESTIONS, VoicePrompt

__all__ = ["ANSWERS", "PURPOSES", "QUESTIONS", "QUOTE_STATUSES", "SOURCES", "LateRatingCount",
           "Rating", "Submission", "VoicePrompt"]


class LateRatingCount(db.Model):
    """How many ratings arrived after their cycle closed (and were refused), per cycle: a
    count only. Nothing of the rating (office, score, leader, time) is kept."""

    __tablename__ = "late_rating_counts"
    __table_args__ = (CheckConstraint("ratings >= 0", name="not_negative"),)

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"),
                                          primary_key=True, autoincrement=False)
    ratings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
