from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from rating.formtools import BaseForm, options


class LoginForm(BaseForm):
    username = StringField(
        _l("Member code or username"),
        validators=[DataRequired(_l("Please type your member code or username.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "characters",
                   "spellcheck": "false"},
    )
    password = PasswordField(
        _l("PIN or password"),
        validators=[DataRequired(_l("Please type your PIN or password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this phone"))
    next = HiddenField()


class LanguageForm(BaseForm):
    language = RadioField(choices=options([("bn", "বাংলা"), ("en", "English")]),
                          validators=[DataRequired()])
    next = HiddenField()


class EmptyForm(BaseForm):
    """A POST button: the form exists only to carry the CSRF token."""
