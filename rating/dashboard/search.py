"""Office search on the staff overview: every word typed, in Bengali or English, found in the
office's name (either language), its code, its place or its department, in any order and in
part ("amdan bdo" finds "BDO, Amdanga")."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_
from wtforms import SearchField
from wtforms.validators import Length

from rating.directory.models import DepartmentType, Office, Place
from rating.directory.services import OfficeFilter, offices_statement
from rating.extensions import db
from rating.formtools import BaseForm
from rating.i18n import ascii_digits

MAX_RESULTS = 50


class OfficeSearchForm(BaseForm):
    """A GET form: a search can be shared by its URL."""

    class Meta:
        csrf = False

    q = SearchField(_l("Find an office"), validators=[Length(max=100)],
                    description=_l("Part of its name, place or code, in Bengali or English"))


def _word_matches(word: str):
    lower = word.lower()
    columns = (Office.name_en, Office.code, Place.name_en, DepartmentType.code,
               DepartmentType.name_en)
    # Bengali has no case; lower() would fold only ASCII on SQLite anyway.
    bengali = (Office.name_bn, Place.name_bn, DepartmentType.name_bn)
    return or_(*(func.lower(column).contains(lower, autoescape=True) for column in columns),
               *(column.contains(word, autoescape=True) for column in bengali))


def find_offices(query: str, limit: int = MAX_RESULTS) -> list[Office]:
    """Offices (active or not: their pages keep their history) matching every word of
    ``query``, by English name; none for an empty query."""
    words = ascii_digits(query or "").split()
    if not words:
        return []
    statement = offices_statement(OfficeFilter(include_inactive=True)).where(
        and_(*(_word_matches(word) for word in words[:8]))).limit(limit)
    return list(db.session.scalars(statement).unique())
