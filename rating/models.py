"""Every table, importable from one place (for Alembic and the command line)."""

from rating.audit import AuditEvent
from rating.auth.models import Collective, LoginThrottle, User
from rating.cycles.counts import cycle_raters, rating_counts
from rating.cycles.models import Cycle, Rating, Submission
from rating.cycles.revisions import cycle_revisions
from rating.directory.models import DepartmentType, Office, Officer, Place, Posting
from rating.escalation.models import ActionResponse, AdvocacyAction, Commitment
from rating.evidence.models import Pack
from rating.jobs.models import Job
from rating.reminders.models import ReminderDigest
from rating.storage.backends import StoredFile
from rating.survey.models import LateRatingCount
from rating.voice.models import VoicePrompt

__all__ = [
    "ActionResponse",
    "AdvocacyAction",
    "Commitment",
    "AuditEvent",
    "Collective",
    "Cycle",
    "DepartmentType",
    "LoginThrottle",
    "Office",
    "Officer",
    "Job",
    "LateRatingCount",
    "Pack",
    "Place",
    "Posting",
    "Rating",
    "ReminderDigest",
    "StoredFile",
    "Submission",
    "VoicePrompt",
    "User",
    "cycle_raters",
    "cycle_revisions",
    "rating_counts",
]
