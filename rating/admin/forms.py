from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from rating.formtools import BaseForm, options

ROLE_LABELS = {"leader": _l("Leader"), "staff": _l("Staff"), "advocacy": _l("Advocacy"),
               "admin": _l("Administrator")}


class StaffAccountForm(BaseForm):
    login = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=options((r, ROLE_LABELS[r]) for r in
                                                   ("staff", "advocacy", "admin")))
    password = PasswordField(_l("Password (at least 10 characters)"),
                             validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})


class LeaderImportForm(BaseForm):
    file = FileField(_l("CSV file of leaders"), validators=[FileRequired(_l("Choose a CSV file."))])
