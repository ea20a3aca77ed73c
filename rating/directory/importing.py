"""CSV imports of offices and officers: check the whole file, then write all of it or nothing."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from rating import audit
from rating.csvio import Problem, read_rows
from rating.directory import services
from rating.directory.models import LEVELS, Office, Officer, Place
from rating.extensions import db
from rating.i18n import ascii_digits

OFFICE_COLUMNS = ("code", "department", "district", "block")
OFFICE_OPTIONAL = ("gram_panchayat", "level", "name_en", "name_bn")
OFFICER_COLUMNS = ("name_en", "office_code", "started_on")
OFFICER_OPTIONAL = ("name_bn", "ended_on")


@dataclass
class ImportPlan:
    """What an import would do: the rows it would write, or the problems that stop it."""

    kind: str
    items: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_places: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.items)


def plan_office_import(text: str) -> ImportPlan:
    """Check an offices CSV (columns: code, department, district, block; optional
    gram_panchayat, level, name_en, name_bn) without writing anything."""
    plan = ImportPlan("offices")
    parsed = read_rows(text, OFFICE_COLUMNS, OFFICE_OPTIONAL)
    plan.problems.extend(parsed.problems)
    seen: dict[str, int] = {}
    for line, row in parsed.rows:
        code = row["code"].upper()
        problems_before = len(plan.problems)

        def problem(column, message, _line=line):
            plan.problems.append(Problem(_line, column, message))

        if not code:
            problem("code", _l("The office code is empty."))
        elif code in seen:
            problem("code", _l("Office code %(code)s is used twice in this file (also line "
                               "%(other)d).", code=code, other=seen[code]))
        elif services.office_code_taken(code):
            problem("code", _l("Office code %(code)s is already in the directory.", code=code))
        seen.setdefault(code, line)
        department = services.find_department(row["department"])
        if department is None:
            problem("department", _l("Unknown department “%(value)s”.", value=row["department"]))
        district = services.find_place(row["district"], ("district",))
        if district is None:
            problem("district", _l("Unknown district “%(value)s”.", value=row["district"]))
        place = district
        if district is not None and row["block"]:
            place = services.find_place(row["block"], ("block", "municipality"), district)
            if place is None:
                problem("block", _l("Unknown block or municipality “%(value)s” in %(district)s.",
                                    value=row["block"], district=district.name_en))
        gram_panchayat = row.get("gram_panchayat", "")
        if gram_panchayat and (place is None or place.kind != "block"):
            problem("gram_panchayat", _l("A gram panchayat needs a block."))
        level = row.get("level", "").lower().replace(" ", "_")
        if level and level not in LEVELS:
            problem("level", _l("Unknown level “%(value)s”; use one of: %(levels)s.",
                                value=row["level"], levels=", ".join(LEVELS)))
        if len(plan.problems) == problems_before:
            if gram_panchayat and not services.find_place(gram_panchayat, ("gram_panchayat",)):
                plan.new_places.append(f"{gram_panchayat} ({place.name_en})")
            names = services.default_office_names(department, place)
            plan.items.append({
                "line": line, "code": code, "department": department, "district": district,
                "place": place, "gram_panchayat": gram_panchayat, "level": level or None,
                "name_en": row.get("name_en") or names[0],
                "name_bn": row.get("name_bn") or names[1],
            })
    if not parsed.rows and not plan.problems:
        plan.problems.append(Problem(2, None, _l("The file has no rows below its header.")))
    return plan


def import_offices(text: str, actor=None) -> ImportPlan:
    """Import an offices CSV in one transaction; nothing is written if any line has a problem."""
    plan = plan_office_import(text)
    if not plan.ok:
        return plan
    for item in plan.items:
        place = item["place"]
        if item["gram_panchayat"]:
            place = _gram_panchayat(item["gram_panchayat"], place)
        office = Office(code=item["code"], department_type=item["department"], place=place,
                        level=item["level"] or item["department"].level, name_en=item["name_en"],
                        name_bn=item["name_bn"], active=True)
        db.session.add(office)
    db.session.flush()
    audit.record("office.import", "office", None, actor, count=len(plan.items))
    db.session.commit()
    return plan


def _gram_panchayat(name: str, block: Place) -> Place:
    existing = services.find_place(name, ("gram_panchayat",))
    if existing is not None:
        return existing
    place = Place(code=f"GP-{block.code}-{name}".upper().replace(" ", "-")[:40],
                  kind="gram_panchayat", name_en=name, name_bn=name,
                  district_id=block.district_id, block_id=block.id)
    db.session.add(place)
    db.session.flush()
    return place


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(ascii_digits(value.strip()))
    except ValueError:
        return None


def plan_officer_import(text: str) -> ImportPlan:
    """Check an officers CSV (name_en, office_code, started_on; optional name_bn, ended_on)."""
    plan = ImportPlan("officers")
    parsed = read_rows(text, OFFICER_COLUMNS, OFFICER_OPTIONAL)
    plan.problems.extend(parsed.problems)
    for line, row in parsed.rows:
        before = len(plan.problems)
        if not row["name_en"]:
            plan.problems.append(Problem(line, "name_en", _l("The name is empty.")))
        office = db.session.scalar(db.select(Office).where(
            db.func.lower(Office.code) == row["office_code"].lower()))
        if office is None:
            plan.problems.append(Problem(line, "office_code", _l(
                "Unknown office code “%(value)s”.", value=row["office_code"])))
        started_on = parse_date(row["started_on"])
        if started_on is None:
            plan.problems.append(Problem(line, "started_on", _l(
                "“%(value)s” is not a date; write it as YYYY-MM-DD.", value=row["started_on"])))
        ended_on = None
        if row.get("ended_on"):
            ended_on = parse_date(row["ended_on"])
            if ended_on is None:
                plan.problems.append(Problem(line, "ended_on", _l(
                    "“%(value)s” is not a date; write it as YYYY-MM-DD.", value=row["ended_on"])))
            elif started_on and ended_on < started_on:
                plan.problems.append(Problem(line, "ended_on", _l(
                    "The posting ends before it starts.")))
        if len(plan.problems) == before:
            plan.items.append({"line": line, "name_en": row["name_en"],
                               "name_bn": row.get("name_bn", ""), "office": office,
                               "started_on": started_on, "ended_on": ended_on})
    if not parsed.rows and not plan.problems:
        plan.problems.append(Problem(2, None, _l("The file has no rows below its header.")))
    return plan


def import_officers(text: str, actor=None) -> ImportPlan:
    """Import officers and their postings in one transaction, or nothing."""
    plan = plan_officer_import(text)
    if not plan.ok:
        return plan
    for item in sorted(plan.items, key=lambda item: item["started_on"]):
        officer = Officer(name_en=item["name_en"], name_bn=item["name_bn"] or None)
        db.session.add(officer)
        services.post_officer(officer, item["office"], item["started_on"], item["ended_on"],
                              commit=False)
    audit.record("officer.import", "officer", None, actor, count=len(plan.items))
    db.session.commit()
    return plan
