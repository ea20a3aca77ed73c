from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField
from wtforms.validators import Length, Optional, Regexp

from rating.formtools import BaseForm


class AccountForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[
        Optional(), Length(max=254), Regexp(
        r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        message=_l("Give an e-mail address like name@example.org."))],
        description=_l("Where the daily digest of reminders is sent. Leave it empty for none."))
    daily_digest = BooleanField(_l("Send me the daily digest"), description=_l(
        "At most one e-mail a day: cycles opening or closing soon, promises falling due, "
        "answers overdue. Nothing is sent on a day with nothing to say."))
