from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from rating.directory import services
from rating.directory.models import LEVELS
from rating.formtools import BaseForm, optional_id, options

LEVEL_LABELS = {
    "gram_panchayat": _l("Gram Panchayat"), "block": _l("Block"), "district": _l("District"),
    "state": _l("State"), "national": _l("National"),
}


_optional_int = optional_id  # a huge block id in the URL is no filter, not a 500


class OfficeFilterForm(BaseForm):
    """The filters above the office list; a GET form, so the URL can be shared."""

    class Meta:
        csrf = False

    q = StringField(_l("Search by name or code"), validators=[Optional(), Length(max=100)])
    district = SelectField(_l("District"), coerce=_optional_int, validators=[Optional()])
    block = SelectField(_l("Block or municipality"), coerce=_optional_int, validators=[Optional()])
    department = SelectField(_l("Department"), coerce=_optional_int, validators=[Optional()])
    inactive = BooleanField(_l("Show deactivated offices"))

    def fill_choices(self, locale: str) -> "OfficeFilterForm":
        anything = [(None, _l("All"))]
        self.district.choices = options(anything + [(p.id, p.name(locale)) for p in services.districts()])
        self.block.choices = options(anything + [(p.id, p.name(locale)) for p in services.areas()])
        self.department.choices = options(anything + [
            (d.id, f"{d.code}: {d.name(locale)}") for d in services.department_types()])
        return self


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class OfficeForm(BaseForm):
    code = StringField(_l("Office code"), filters=[_strip], validators=[
        DataRequired(_l("Give the office a short code, such as BDO-GAIGHATA.")), Length(max=40),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use only letters, digits, dots, dashes and "
                                                "underscores in the code."))])
    department = SelectField(_l("Department"), coerce=int, validators=[DataRequired()])
    place = SelectField(_l("Place"), coerce=int, validators=[DataRequired()])
    level = SelectField(_l("Escalation level"), validators=[Optional()],
                        choices=options([("", _l("As usual for the department"))]
                                        + [(level, LEVEL_LABELS[level]) for level in LEVELS]))
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)],
                          description=_l("Leave blank to use “department, place”."))
    name_bn = StringField(_l("Name in Bengali"), validators=[Optional(), Length(max=200)])

    def fill_choices(self, locale: str) -> "OfficeForm":
        self.department.choices = options((d.id, f"{d.code}: {d.name(locale)}")
                                          for d in services.department_types())
        self.place.choices = options((p.id, p.name(locale))
                                     for p in services.districts() + services.areas())
        return self


class OfficerForm(BaseForm):
    name_en = StringField(_l("Name in English"), validators=[
        DataRequired(_l("Write the officer's name.")), Length(max=120)])
    name_bn = StringField(_l("Name in Bengali"), validators=[Optional(), Length(max=120)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class PostingForm(BaseForm):
    office = SelectField(_l("Office"), coerce=int, validators=[DataRequired()])
    started_on = DateField(_l("In post from"), validators=[DataRequired(_l("Choose a date."))])
    ended_on = DateField(_l("Until (leave blank while in post)"), validators=[Optional()])


class EndPostingForm(BaseForm):
    ended_on = DateField(_l("Left the post on"), validators=[DataRequired(_l("Choose a date."))])


class ImportForm(BaseForm):
    kind = RadioField(_l("What the file holds"), default="offices", choices=options([
        ("offices", _l("Offices")), ("officers", _l("Officers and their postings"))]),
        validators=[DataRequired()])
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


class ConfirmImportForm(BaseForm):
    kind = HiddenField(validators=[DataRequired()])
    content = HiddenField(validators=[DataRequired()])
