from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from rating.directory.forms import LEVEL_LABELS
from rating.directory.models import LEVELS, Office
from rating.escalation.models import ACTION_KINDS
from rating.escalation.wording import KINDS
from rating.extensions import db
from rating.formtools import BaseForm, optional_id, options


class OfficeChoice(SelectMultipleField):
    """Offices by id, at least one, each one that exists (a junk id is refused, not a 500)."""

    def pre_validate(self, form):
        known = {choice[0] for choice in self.iter_choices()}
        if not self.data or any(value not in known for value in self.data):
            raise ValidationError(_l("Choose the offices it was about."))


class ActionForm(BaseForm):
    kind = RadioField(_l("What was it?"), default="letter",
                      choices=options((kind, KINDS[kind]) for kind in ACTION_KINDS),
                      validators=[DataRequired()])
    acted_on = DateField(_l("Date"), validators=[DataRequired(_l("Give the date."))])
    level = SelectField(_l("Escalation level"), default="block",
                        choices=options((level, LEVEL_LABELS[level]) for level in LEVELS))
    recipient = StringField(_l("To whom (name or post)"), validators=[
        DataRequired(_l("Say whom it went to.")), Length(max=200)])
    asked = TextAreaField(_l("What was asked"), validators=[
        DataRequired(_l("Say what was asked.")), Length(max=2000)])
    offices = OfficeChoice(_l("About which offices"), coerce=optional_id)
    pack = SelectField(_l("Evidence pack it cited"), validators=[Optional()])

    def fill_choices(self, locale: str, packs) -> "ActionForm":
        self.offices.choices = options(
            (o.id, o.name(locale)) for o in db.session.scalars(
                db.select(Office).order_by(Office.active.desc(), Office.name_en)))
        self.pack.choices = options([("", _l("none"))] + [
            (p.manifest_sha256, f"#{p.id} {p.scope_label} ({p.created_at:%Y-%m-%d}) "
                                f"{p.manifest_sha256[:12]}…") for p in packs])
        return self


class ResponseForm(BaseForm):
    received_on = DateField(_l("Received on"), validators=[DataRequired(_l("Give the date."))])
    summary = TextAreaField(_l("What they answered"), validators=[
        DataRequired(_l("Say what they answered.")), Length(max=4000)])
    scan = FileField(_l("Scan of the answer (PDF, JPEG or PNG, at most 2 MB; optional)"))


class CommitmentForm(BaseForm):
    what = TextAreaField(_l("What was promised"), validators=[
        DataRequired(_l("Say what was promised.")), Length(max=1000)])
    by_whom = StringField(_l("By whom"), validators=[
        DataRequired(_l("Say who promised it.")), Length(max=200)])
    due_on = DateField(_l("By when"), validators=[DataRequired(_l("Give the date."))])
    response = SelectField(_l("Made in which answer"), coerce=optional_id,
                           validators=[Optional()])


class ResolveForm(BaseForm):
    resolved_on = DateField(_l("On"), validators=[Optional()])
