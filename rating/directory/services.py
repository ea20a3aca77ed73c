"""The directory: finding, adding and changing offices, officers and postings."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from rating import audit
from rating.collation import search_words, sort_key
from rating.cycles.counts import rating_counts
from rating.directory.models import DepartmentType, Office, Officer, Place, Posting
from rating.extensions import db
from rating.i18n import current_locale
from rating.refusal import Refused


class DirectoryError(Refused):
    """A change to the directory that the rules refuse (``params``: e.g. the office code)."""


@dataclass(frozen=True)
class OfficeFilter:
    q: str = ""
    district_id: int | None = None
    block_id: int | None = None
    department_id: int | None = None
    include_inactive: bool = False


def districts() -> list[Place]:
    return list(db.session.scalars(select(Place).where(Place.kind == "district")
                                   .order_by(Place.name_en)))


def areas() -> list[Place]:
    """Blocks and municipalities, the places most offices sit in, in the reader's order."""
    locale = current_locale()
    return sorted(db.session.scalars(select(Place).where(Place.kind.in_(("block", "municipality")))),
                  key=lambda place: sort_key(place.name(locale), locale))


def department_types() -> list[DepartmentType]:
    return list(db.session.scalars(select(DepartmentType).order_by(DepartmentType.code)))


def offices_statement(criteria: OfficeFilter):
    """A SELECT of offices matching the filter, name order, places and departments loaded."""
    statement = (
        select(Office)
        .join(Office.place)
        .join(Office.department_type)
        .options(joinedload(Office.place), joinedload(Office.department_type))
        .order_by(Office.name_en)
    )
    for word in search_words(criteria.q):
        # Every word must be found, in either language, in the office's name or code, its
        # place's name or its department's ("গাইঘাটা বিডিও", "bdo gaighata", "gaigh").
        # contains(autoescape=True): a "%" or "_" typed in the search box is just a character.
        statement = statement.where(or_(*(
            column.contains(word, autoescape=True) for column in (
                func.lower(Office.name_en), Office.name_bn, func.lower(Office.code),
                func.lower(Place.name_en), Place.name_bn, func.lower(DepartmentType.code),
                func.lower(DepartmentType.name_en), DepartmentType.name_bn))))
    if criteria.district_id:
        statement = statement.where(or_(Place.id == criteria.district_id,
                                        Place.district_id == criteria.district_id))
    if criteria.block_id:
        statement = statement.where(or_(Place.id == criteria.block_id,
                                        Place.block_id == criteria.block_id))
    if criteria.department_id:
        statement = statement.where(Office.department_type_id == criteria.department_id)
    if not criteria.include_inactive:
        statement = statement.where(Office.active.is_(True))
    return statement


def office_code_taken(code: str, except_id: int | None = None) -> bool:
    statement = select(Office.id).where(func.lower(Office.code) == code.strip().lower())
    if except_id is not None:
        statement = statement.where(Office.id != except_id)
    return db.session.scalar(statement) is not None


def default_office_names(department: DepartmentType, place: Place) -> tuple[str, str]:
    return (f"{department.name_en}, {place.name_en}", f"{department.name_bn}, {place.name_bn}")


def save_office(office: Office | None, *, code: str, department: DepartmentType, place: Place,
                level: str | None, name_en: str, name_bn: str, actor=None) -> Office:
    """Create an office (``office=None``) or change one. Codes are unique, case-insensitively.

    Blank names are filled from the department and the place ("BDO, Gaighata").
    """
    code = code.strip().upper()
    if office_code_taken(code, office.id if office else None):
        raise DirectoryError("code_taken", code=code)
    default_en, default_bn = default_office_names(department, place)
    creating = office is None
    office = office or Office(active=True)
    office.code = code
    office.department_type = department
    office.place = place
    office.level = level or department.level
    office.name_en = name_en.strip() or default_en
    office.name_bn = name_bn.strip() or default_bn
    db.session.add(office)
    db.session.flush()
    audit.record("office.create" if creating else "office.update", "office", office.id, actor,
                 code=code)
    db.session.commit()
    return office


def count_ratings_of(office: Office) -> int:
    """The office's ratings in every cycle, from the counts kept beside them (a few rows per
    cycle, however many ratings)."""
    return db.session.scalar(select(func.coalesce(func.sum(rating_counts.c.ratings), 0))
                             .where(rating_counts.c.office_id == office.id))


def set_office_active(office: Office, active: bool, actor=None) -> None:
    office.active = active
    audit.record("office.activate" if active else "office.deactivate", "office", office.id, actor)
    db.session.commit()


def delete_office(office: Office, actor=None) -> None:
    """Delete an office that nobody has rated. One with ratings can only be deactivated."""
    if count_ratings_of(office):
        raise DirectoryError("office_has_ratings")
    db.session.execute(Posting.__table__.delete().where(Posting.office_id == office.id))
    audit.record("office.delete", "office", office.id, actor, code=office.code)
    db.session.delete(office)
    db.session.commit()


def officers_statement(q: str = ""):
    statement = select(Officer).order_by(Officer.name_en)
    if q:
        statement = statement.where(or_(
            func.lower(Officer.name_en).contains(q.lower(), autoescape=True),
            Officer.name_bn.contains(q, autoescape=True)))
    return statement


def save_officer(officer: Officer | None, *, name_en: str, name_bn: str, notes: str,
                 actor=None) -> Officer:
    creating = officer is None
    officer = officer or Officer()
    officer.name_en = name_en.strip()
    officer.name_bn = name_bn.strip() or None
    officer.notes = notes.strip() or None
    db.session.add(officer)
    db.session.flush()
    audit.record("officer.create" if creating else "officer.update", "officer", officer.id, actor)
    db.session.commit()
    return officer


def post_officer(officer: Officer, office: Office, started_on: date, ended_on: date | None = None,
                 actor=None, commit: bool = True) -> Posting:
    """Record that an officer holds (or held) an office from a date.

    An open posting of someone else in the same office that began earlier ends the day
    before, and an open-ended posting recorded after the fact ends the day before the next
    holder's: offices have one holder at a time.
    """
    if ended_on is not None and ended_on < started_on:
        raise DirectoryError("posting_dates")
    if ended_on is None:
        successor = db.session.scalar(select(Posting.started_on).where(
            Posting.office_id == office.id, Posting.started_on > started_on)
            .order_by(Posting.started_on).limit(1))
        if successor is not None:
            ended_on = successor - timedelta(days=1)
    for earlier in db.session.scalars(select(Posting).where(
            Posting.office_id == office.id, Posting.ended_on.is_(None),
            Posting.started_on < started_on)):
        earlier.ended_on = started_on - timedelta(days=1)
    posting = Posting(officer=officer, office=office, started_on=started_on, ended_on=ended_on)
    db.session.add(posting)
    db.session.flush()
    audit.record("posting.create", "posting", posting.id, actor, office=office.code,
                 officer=officer.id)
    if commit:
        db.session.commit()
    return posting


def end_posting(posting: Posting, ended_on: date, actor=None) -> None:
    if ended_on < posting.started_on:
        raise DirectoryError("posting_dates")
    posting.ended_on = ended_on
    audit.record("posting.end", "posting", posting.id, actor)
    db.session.commit()


def officer_in_post(office_id: int, on: date) -> Officer | None:
    """Who held the office on a date, if the directory knows."""
    return db.session.scalar(
        select(Officer).join(Posting).where(
            Posting.office_id == office_id, Posting.started_on <= on,
            or_(Posting.ended_on.is_(None), Posting.ended_on >= on))
        .order_by(Posting.started_on.desc()).limit(1))


def officers_in_post(on: date) -> dict[int, Officer]:
    """Who held each office on a date, for every office the directory knows, in one query."""
    rows = db.session.execute(
        select(Posting.office_id, Officer).join(Officer).where(
            Posting.started_on <= on, or_(Posting.ended_on.is_(None), Posting.ended_on >= on))
        .order_by(Posting.started_on))
    return {office_id: officer for office_id, officer in rows}


def find_place(name: str, kinds: tuple[str, ...], district: Place | None = None) -> Place | None:
    """A place by its English or Bengali name or its code, case-insensitively."""
    name = name.strip()
    statement = select(Place).where(Place.kind.in_(kinds), or_(
        func.lower(Place.name_en) == name.lower(), Place.name_bn == name,
        func.lower(Place.code) == name.lower()))
    if district is not None:
        statement = statement.where(Place.district_id == district.id)
    return db.session.scalars(statement).first()


def find_department(code: str) -> DepartmentType | None:
    code = code.strip()
    return db.session.scalar(select(DepartmentType).where(or_(
        func.lower(DepartmentType.code) == code.lower(),
        func.lower(DepartmentType.name_en) == code.lower(), DepartmentType.name_bn == code)))
