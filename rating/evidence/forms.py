from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from rating.cycles.models import Cycle
from rating.directory import services as directory
from rating.directory.forms import LEVEL_LABELS
from rating.directory.models import LEVELS, Office
from rating.extensions import db
from rating.formtools import BaseForm, optional_id, options


class PackForm(BaseForm):
    scope = RadioField(_l("What the pack is about"), default="district", choices=options([
        ("office", _l("One office")), ("block", _l("A block's offices")),
        ("department", _l("One department across blocks")), ("district", _l("A district"))]),
        validators=[DataRequired()])
    office = SelectField(_l("Office"), coerce=optional_id, validators=[Optional()])
    block = SelectField(_l("Block or municipality"), coerce=optional_id, validators=[Optional()])
    department = SelectField(_l("Department"), coerce=optional_id, validators=[Optional()])
    district = SelectField(_l("District"), coerce=optional_id, validators=[Optional()])
    cycle_from = SelectField(_l("From cycle"), coerce=optional_id, validators=[Optional()])
    cycle_to = SelectField(_l("To cycle"), coerce=optional_id, validators=[Optional()])
    language = RadioField(_l("Language"), default="bn", choices=options([
        ("bn", "বাংলা"), ("en", "English"), ("both", _l("Both: a report in each language"))]),
        validators=[DataRequired()])
    annex = BooleanField(_l("Add an annex: the table of every other office"))
    recipient_level = SelectField(_l("Recipient's level"), default="district",
                                  choices=options((level, LEVEL_LABELS[level])
                                                  for level in LEVELS))
    recipient_name = StringField(_l("Recipient (name or post)"), validators=[
        DataRequired(_l("Say who the letter goes to.")), Length(max=200)])

    def fill_choices(self, locale: str) -> "PackForm":
        self.office.choices = options([(None, "—")] + [
            (o.id, o.name(locale)) for o in db.session.scalars(
                db.select(Office).where(Office.active.is_(True)).order_by(Office.name_en))])
        self.block.choices = options([(None, "—")] + [(p.id, p.name(locale))
                                                      for p in directory.areas()])
        self.department.choices = options([(None, "—")] + [
            (d.id, f"{d.code}: {d.name(locale)}") for d in directory.department_types()])
        self.district.choices = options([(None, "—")] + [(p.id, p.name(locale))
                                                         for p in directory.districts()])
        cycles = [(c.id, c.name) for c in db.session.scalars(
            db.select(Cycle).where(Cycle.status == "closed").order_by(Cycle.starts_on))]
        self.cycle_from.choices = options([(None, _l("first"))] + cycles)
        self.cycle_to.choices = options([(None, _l("last"))] + cycles)
        return self

    def validate_scope(self, field):
        chosen = {"office": self.office, "block": self.block, "department": self.department,
                  "district": self.district}.get(field.data)
        if chosen is not None and not chosen.data:
            chosen.errors = [*chosen.errors, _l("Choose which one.")]
            raise ValidationError(_l("Choose which one."))

    def scope_id(self) -> int:
        return getattr(self, self.scope.data).data
