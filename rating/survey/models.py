"""The tables of the leaders' pages, importable from here: the ratings and their submission
ids (defined with the cycles they belong to, `rating.cycles.models`, below every feature that
counts them) and the voice prompts read aloud on the rating page (`rating.voice.models`)."""

from rating.cycles.models import (
    ANSWERS,
    PURPOSES,
    QUOTE_STATUSES,
    SOURCES,
    Rating,
    Submission,
)
from rating.voice.models import QUESTIONS, VoicePrompt

__all__ = ["ANSWERS", "PURPOSES", "QUESTIONS", "QUOTE_STATUSES", "SOURCES", "Rating",
           "Submission", "VoicePrompt"]
