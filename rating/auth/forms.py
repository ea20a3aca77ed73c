from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

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


_PIN_BOX = {"autocomplete": "off", "inputmode": "numeric", "pattern": "[0-9০-৯]*",
            "maxlength": 6}


class ChangePinForm(BaseForm):
    """A leader sets her own PIN: the one she has now, then the new one twice."""

    current = PasswordField(
        _l("Your PIN now"),
        validators=[DataRequired(_l("Please type the PIN you have now.")), Length(max=200)],
        render_kw={**_PIN_BOX, "autocomplete": "current-password"})
    new = PasswordField(
        _l("New PIN (4 to 6 digits)"),
        validators=[DataRequired(_l("Please type a new PIN.")), Length(max=200)],
        render_kw={**_PIN_BOX, "autocomplete": "new-password"})
    again = PasswordField(
        _l("New PIN again"),
        validators=[DataRequired(_l("Please type the new PIN again.")),
                    EqualTo("new", _l("The two new PINs are not the same. Type them again."))],
        render_kw={**_PIN_BOX, "autocomplete": "new-password"})


class ChangePasswordForm(BaseForm):
    """Staff, advocacy and admins set their own password."""

    current = PasswordField(
        _l("Your password now"),
        validators=[DataRequired(_l("Please type the password you have now.")),
                    Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    new = PasswordField(
        _l("New password (at least 10 characters)"),
        validators=[DataRequired(_l("Please type a new password.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"})
    again = PasswordField(
        _l("New password again"),
        validators=[DataRequired(_l("Please type the new password again.")),
                    EqualTo("new", _l("The two new passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})
