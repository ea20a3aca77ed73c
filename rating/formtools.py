"""What every form shares: WTForms' own messages in the user's language, choices, ids and
page numbers from the query."""

from flask import request
from flask_babel import get_domain, gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from rating.access import MAX_ID

# WTForms' built-in messages that our forms can show, listed so that `make extract-messages`
# puts them in our catalogue (WTForms ships no Bengali).
WTFORMS_MESSAGES = (
    _l("This field is required."), _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."), _l("Not a valid integer value."),
    _l("Not a valid date value."), _l("Invalid input."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("File does not have an approved extension."),
)
# WTForms asks for these two with ngettext (singular, plural, n): they must be plural entries
# of the catalogue, or every Bengali page shows them in English. Named `ngettext` so that
# `pybabel extract` reads them as plural forms.
WTFORMS_PLURAL_MESSAGES = (
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 1),
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long.", 1),
)


class _CatalogueTranslations:
    """WTForms asks this object for its messages; it answers from our catalogue."""

    def gettext(self, string):
        return gettext(string)

    def ngettext(self, singular, plural, n):
        # Unformatted: WTForms fills in %(max)d itself. Flask-Babel's ngettext would format
        # with only %(num)s and fail on the first over-long field.
        return get_domain().get_translations().ngettext(singular, plural, n)


_TRANSLATIONS = _CatalogueTranslations()  # holds nothing: it asks the request's catalogue


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a SelectField or RadioField."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_id(value) -> int | None:
    """An id typed into a query or a form (a filter's block, department ...), or None when it is
    blank, not a number, or beyond any row's id (which the database driver would refuse)."""
    try:
        number = int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 <= number <= MAX_ID else None


def page_number() -> int:
    """The ``?page=`` of a list: 1 when missing or absurd (a huge page would overflow the
    database's OFFSET)."""
    return optional_id(request.args.get("page")) or 1
