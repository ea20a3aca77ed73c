"""Why a rating was refused, in the leader's words and language, and the HTTP answer."""

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

# 409: the rating conflicts with what is stored (a closed cycle, a used submission id, a write
# that lost a race: send again); 422: it names something that cannot be rated.
STATUS = {"cycle_closed": 409, "submission_taken": 409, "busy": 409, "no_such_cycle": 422,
          "office_not_in_cycle": 422}
