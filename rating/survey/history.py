"""Historical ratings from the network's earlier app, imported once, all or nothing.

Each rating's submission id is derived from its office, cycle and rater, so running the
same import twice is refused line by line rather than doubling anything.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rating.auth.models import User
from rating.auth.services import rater_key_for, rater_key_for_code
from rating.csvio import Problem, read_rows
from rating.cycles.models import PURPOSES, Cycle, Rating
from rating.directory.importing import parse_date
from rating.directory.models import Office
from rating.extensions import db
from rating.i18n import ascii_digits

COLUMNS = ("office_code", "cycle", "score", "date", "rater_code")
OPTIONAL = ("purpose",)
BATCH = 2000


@dataclass
class RatingImport:
    items: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_cycles: list[str] = field(default_factory=list)


def legacy_rater_key(rater_code: str, leaders: dict[str, int]) -> str:
    """A leader who now has an account keeps one key across old and new ratings."""
    code = rater_code.strip().upper()
    if code in leaders:
        return rater_key_for(leaders[code])
    return rater_key_for_code(f"legacy:{code}")


def import_ratings(text: str, dry_run: bool = False,
                   progress: Callable[[int, int, str], None] | None = None) -> RatingImport:
    """Check every line, then (unless ``dry_run``) write every rating in one transaction."""
    plan = RatingImport()
    parsed = read_rows(text, COLUMNS, OPTIONAL)
    plan.problems.extend(parsed.problems)
    offices = {code.upper(): oid for oid, code in db.session.execute(select(Office.id, Office.code))}
    cycles = {name.lower(): cid for cid, name in db.session.execute(select(Cycle.id, Cycle.name))}
    leaders = {login.upper(): (uid, cid) for uid, login, cid in db.session.execute(
        select(User.id, User.login, User.collective_id).where(User.role == "leader"))}
    leader_ids = {code: uid for code, (uid, _) in leaders.items()}
    existing = set(db.session.execute(select(Rating.cycle_id, Rating.office_id, Rating.rater_key)))
    seen: dict[tuple, int] = {}
    new_cycle_dates: dict[str, list[date]] = {}
    total = len(parsed.rows)
    for index, (line, row) in enumerate(parsed.rows):
        if progress and index % BATCH == 0:
            progress(index, total, "Checking")
        before = len(plan.problems)
        office_id = offices.get(row["office_code"].upper())
        if office_id is None:
            plan.problems.append(Problem(line, "office_code", _l(
                "Unknown office code “%(value)s”.", value=row["office_code"])))
        score_text = ascii_digits(row["score"])
        if not (score_text.isdigit() and 1 <= int(score_text) <= 10):
            plan.problems.append(Problem(line, "score", _l(
                "“%(value)s” is not a whole number from 1 to 10.", value=row["score"])))
        rated_on = parse_date(row["date"])
        if rated_on is None:
            plan.problems.append(Problem(line, "date", _l(
                "“%(value)s” is not a date; write it as YYYY-MM-DD.", value=row["date"])))
        if not row["rater_code"]:
            plan.problems.append(Problem(line, "rater_code", _l("The rater code is empty.")))
        if not row["cycle"]:
            plan.problems.append(Problem(line, "cycle", _l("The cycle is empty.")))
        purpose = (row.get("purpose") or "other").lower()
        if purpose not in PURPOSES:
            plan.problems.append(Problem(line, "purpose", _l(
                "Unknown purpose “%(value)s”.", value=row["purpose"])))
        if len(plan.problems) > before:
            continue
        cycle_key = row["cycle"].lower()
        if cycle_key not in cycles:
            new_cycle_dates.setdefault(row["cycle"], []).append(rated_on)
        rater_key = legacy_rater_key(row["rater_code"], leader_ids)
        identity = (cycles.get(cycle_key, cycle_key), office_id, rater_key)
        if identity in seen:
            plan.problems.append(Problem(line, "rater_code", _l(
                "This rater already rated this office in this cycle on line %(other)d.",
                other=seen[identity])))
            continue
        if identity in existing:
            plan.problems.append(Problem(line, "rater_code", _l(
                "This rating is already in the database.")))
            continue
        seen[identity] = line
        collective = leaders.get(row["rater_code"].upper(), (None, None))[1]
        plan.items.append({"cycle": row["cycle"], "office_id": office_id,
                           "score": int(score_text), "rated_on": rated_on,
                           "rater_key": rater_key, "purpose": purpose,
                           "collective_id": collective})
    if not parsed.rows and not plan.problems:
        plan.problems.append(Problem(2, None, _l("The file has no rows below its header.")))
    plan.new_cycles = sorted(new_cycle_dates)
    if plan.problems or dry_run:
        return plan
    for name, dates in new_cycle_dates.items():
        cycle = Cycle(name=name, starts_on=min(dates), ends_on=max(dates), status="closed")
        db.session.add(cycle)
        db.session.flush()
        cycles[name.lower()] = cycle.id
    rows = []
    for item in plan.items:
        cycle_id = cycles[item["cycle"].lower()]
        digest = hashlib.sha256(f"{cycle_id}:{item['office_id']}:{item['rater_key']}".encode())
        rows.append({"cycle_id": cycle_id, "office_id": item["office_id"],
                     "rater_key": item["rater_key"], "collective_id": item["collective_id"],
                     "score": item["score"], "purpose": item["purpose"], "source": "import",
                     "submission_id": "import-" + digest.hexdigest()[:40],
                     "quote_consent": False})
    for start in range(0, len(rows), BATCH):
        db.session.execute(Rating.__table__.insert(), rows[start:start + BATCH])
        if progress:
            progress(start + BATCH, len(rows), "Writing")
    db.session.commit()
    return plan
