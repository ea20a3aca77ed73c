"""Why a rating was refused, in the leader's words and language."""

from flask_babel import lazy_gettext as _l

REFUSALS = {
    "cycle_closed": _l("This rating cycle has closed, so ratings can no longer be added or "
                       "changed."),
    "no_such_cycle": _l("There is no open rating cycle for this rating."),
    "office_not_in_cycle": _l("This office is not in the rating cycle. Choose another office."),
    "submission_taken": _l("This rating could not be saved because its number is already used. "
                           "Open the form again and resend."),
    "busy": _l("The service was busy and did not save this rating. Please send it again."),
}
