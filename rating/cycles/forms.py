from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from rating.formtools import BaseForm

FOLLOWS_DATES_HINT = _l("The cycle opens by itself on its first day and closes by itself after "
                        "its last day. Untick to open and close it by hand.")


class CycleForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the cycle a name.")),
                                               Length(max=80)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired(_l("Choose a start date."))])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired(_l("Choose an end date."))])
    follows_dates = BooleanField(_l("Open and close on its dates"), default=True,
                                 description=FOLLOWS_DATES_HINT)


class StatusChangeForm(BaseForm):
    """Open or close; ``confirmed`` is set by the warning page's button (opening before the
    start, closing before the end)."""

    confirmed = HiddenField()


class ReopenForm(BaseForm):
    reason = TextAreaField(_l("Why reopen it?"), validators=[
        DataRequired(_l("Say why the cycle is reopened: it goes into the audit trail.")),
        Length(max=500)])


class FollowDatesForm(BaseForm):
    follows_dates = BooleanField(_l("Open and close on its dates"),
                                 description=FOLLOWS_DATES_HINT)
