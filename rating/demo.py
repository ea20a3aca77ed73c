"""Demo data that looks like the network: its places, ~150 offices, 128 leaders, eight closed
cycles with real differences between offices, and one open cycle. Seeded: the same seed gives
the same network, so tests and screenshots can rely on it.
"""

import hashlib
import math
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from rating.auth.models import Collective, User
from rating.auth.services import hash_secret, rater_key_for
from rating.cycles.models import Cycle, Rating
from rating.demo_places import (
    AHTU_UNITS,
    BLOCK_DEPARTMENTS,
    BLOCKS,
    DEPARTMENTS,
    DISTRICT_DEPARTMENTS,
    DISTRICTS,
    FIRST_NAMES,
    GRAM_PANCHAYATS,
    MUNICIPALITIES,
    SURNAMES,
)
from rating.directory.models import DepartmentType, Office, Officer, Place, Posting
from rating.escalation.models import ActionResponse, AdvocacyAction, Commitment
from rating.extensions import db
from rating.timeutil import local_today

DEMO_PIN = "2468"
STAFF_ACCOUNTS = [("staff", "Network staff (demo)", "staff", "demo-staff-pass"),
                  ("advocacy", "Advocacy team (demo)", "advocacy", "demo-advocacy-pass"),
                  ("admin", "Administrator (demo)", "admin", "demo-admin-pass")]
LOGINS = """Demo logins (demo data only; never use these on a real service):
  leaders   BJ-001, UT-001 (and every BJ-/UT- member)   PIN 2468
  staff     staff      / demo-staff-pass
  advocacy  advocacy   / demo-advocacy-pass
  admin     admin      / demo-admin-pass"""

# Offices with a story the charts should show, by office code: (start mean, change a cycle).
STORIES = {
    "BDO-GAIGHATA": (7.2, -0.45),
    "BDO-BAGDAH": (3.4, +0.5),
    "WDO-HABRA": (5.0, 0.0),
    "DCPO-N24P": (3.8, +0.45),
    "PS-HINGALGANJ": (2.6, 0.0),
    "AHTU-BARASAT": (6.5, -0.3),
    "BDO-DEGANGA": (8.3, 0.0),
}
# Offices that few leaders visit: groups too small to publish.
RARELY_VISITED = {"BLDO-HINGALGANJ", "DLSA-NADIA", "CHAIR-TAKI-MUN", "DH-NADIA", "BLDO-AMDANGA"}
PURPOSE_BY_DEPARTMENT = {
    "BDO": ("housing", "livelihood", "documents"), "BWO": ("documents", "housing"),
    "WDO": ("livelihood", "compensation"), "BLDO": ("livelihood",),
    "SABHAPATI": ("housing", "livelihood"), "NOSK": ("child_protection", "compensation"),
    "PS": ("legal_case", "child_protection"), "PRADHAN": ("housing", "documents"),
    "DM": ("compensation", "housing"), "DSWO": ("compensation", "livelihood"),
    "DCPO": ("child_protection",), "DLSA": ("compensation", "legal_case"),
    "SP": ("legal_case",), "AHTU": ("legal_case",), "CHILDLINE": ("child_protection",),
    "DH": ("health",), "ANWESHA": ("health",),
}
COMMENTS = {
    "low": ["They made me come back four times and still did nothing.",
            "The officer shouted at me in front of everyone.",
            "They asked for money to move the file."],
    "high": ["The officer listened to me and the papers were ready in a week.",
             "They explained every step and treated me with respect.",
             "Compensation was released after the hearing, as promised."],
}


def has_users() -> bool:
    return bool(db.session.scalar(select(func.count(User.id))))


def create_demo(seed: int = 2468, progress=print) -> str:
    """Add the demo network to an empty database; returns a one-line summary."""
    rng = random.Random(seed)
    progress("Adding places, departments and offices ...")
    places, departments = _add_places_and_departments()
    offices = _add_offices(places, departments)
    _add_officers(rng, offices)
    progress("Adding accounts ...")
    leaders = _add_accounts(rng, places)
    progress("Adding cycles and ratings ...")
    cycles = _add_cycles()
    count = _add_ratings(rng, offices, leaders, cycles)
    progress("Adding letters, answers and promises ...")
    _add_escalations(offices)
    db.session.commit()
    return (f"Demo network: {len(offices)} offices, {len(leaders)} leaders, {len(cycles)} cycles, "
            f"{count} ratings.")


def _add_places_and_departments():
    places: dict[str, Place] = {}
    for code, name_en, name_bn in DISTRICTS:
        places[code] = Place(code=code, kind="district", name_en=name_en, name_bn=name_bn)
    db.session.add_all(places.values())
    db.session.flush()
    n24p = places["N24P"]
    for name_en, name_bn in BLOCKS:
        places[name_en] = Place(code=f"BLK-{name_en.upper()}", kind="block", name_en=name_en,
                                name_bn=name_bn, district_id=n24p.id)
    for name_en, name_bn in MUNICIPALITIES:
        places[f"M:{name_en}"] = Place(code=f"MUN-{name_en.upper()}", kind="municipality",
                                       name_en=f"{name_en} Municipality",
                                       name_bn=f"{name_bn} পৌরসভা", district_id=n24p.id)
    db.session.add_all(places.values())
    db.session.flush()
    for name_en, name_bn, block in GRAM_PANCHAYATS:
        places[f"GP:{name_en}"] = Place(code=f"GP-{name_en.upper()}", kind="gram_panchayat",
                                        name_en=f"{name_en} GP", name_bn=f"{name_bn} গ্রাম পঞ্চায়েত",
                                        district_id=n24p.id, block_id=places[block].id)
    departments = {code: DepartmentType(code=code, name_en=en, name_bn=bn, level=level)
                   for code, en, bn, _short, level in DEPARTMENTS}
    db.session.add_all(list(places.values()) + list(departments.values()))
    db.session.flush()
    return places, departments


def _add_offices(places, departments) -> list[Office]:
    short_bn = {code: short for code, _en, _bn, short, _level in DEPARTMENTS}
    offices: list[Office] = []

    def office(code, department, place, name_en, name_bn):
        offices.append(Office(code=code, department_type=departments[department], place=place,
                              level=departments[department].level, name_en=name_en,
                              name_bn=name_bn, active=True))

    for name_en, name_bn in BLOCKS:
        for dept in BLOCK_DEPARTMENTS:
            office(f"{dept}-{name_en.upper()}", dept, places[name_en], f"{_short_en(dept)}, {name_en}", f"{short_bn[dept]}, {name_bn}")
    for name_en, name_bn in (("Taki", "টাকি"), ("Habra", "হাবড়া")):
        office(f"CHAIR-{name_en.upper()}-MUN", "SABHAPATI", places[f"M:{name_en}"],
               f"Chairperson, {name_en} Municipality", f"চেয়ারপার্সন, {name_bn} পৌরসভা")
    for name_en, name_bn, _block in GRAM_PANCHAYATS:
        office(f"PRADHAN-{name_en.upper()}", "PRADHAN", places[f"GP:{name_en}"],
               f"Pradhan, {name_en} GP", f"প্রধান, {name_bn} গ্রাম পঞ্চায়েত")
    for district_code, name_en, name_bn in DISTRICTS:
        for dept in DISTRICT_DEPARTMENTS[district_code]:
            office(f"{dept}-{district_code}", dept, places[district_code],
                   f"{_short_en(dept)}, {name_en}", f"{short_bn[dept]}, {name_bn}")
    for unit_en, unit_bn in AHTU_UNITS:
        office(f"AHTU-{unit_en.upper()}", "AHTU", places["N24P"], f"AHTU, {unit_en}",
               f"এএইচটিইউ, {unit_bn}")
    office("ANWESHA-BARASAT-I", "ANWESHA", places["Barasat-I"], "Anwesha counsellor, Barasat-I",
           "অন্বেষা কাউন্সেলর, বারাসত-১")
    db.session.add_all(offices)
    db.session.flush()
    return offices


def _short_en(department: str) -> str:
    """The short English form used in office names ("BDO, Gaighata")."""
    return {"SABHAPATI": "Sabhapati", "CHILDLINE": "Childline", "PS": "Police station",
            "NOSK": "Nari-O-Shishu Karmadhakshya", "DH": "District hospital"}.get(department,
                                                                                  department)


def _add_officers(rng: random.Random, offices: list[Office]) -> None:
    """Each office has had one to three officers since 2024; transfers happen mid-way."""
    for office in offices:
        start, previous = date(2024, 4, 1), None
        for _holder in range(rng.choice((1, 1, 2, 2, 3))):
            if previous is not None:
                start = start + timedelta(days=rng.randrange(150, 420))
                if start > date(2026, 10, 1):
                    break
                previous.ended_on = start - timedelta(days=1)
            officer = Officer(name_en=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}")
            previous = Posting(officer=officer, office=office, started_on=start)
            db.session.add_all([officer, previous])
    db.session.flush()


def _add_accounts(rng: random.Random, places) -> list[User]:
    utthan = Collective(code="UT", name_en="Utthan", name_bn="উত্থান")
    bijoyini = Collective(code="BJ", name_en="Bijoyini", name_bn="বিজয়িনী")
    db.session.add_all([utthan, bijoyini])
    pin_hash = hash_secret(DEMO_PIN)  # one demo PIN for every demo leader: hash it once
    block_names = [name for name, _bn in BLOCKS]
    leaders = []
    for collective, size in ((bijoyini, 110), (utthan, 18)):
        for number in range(1, size + 1):
            code = f"{collective.code}-{number:03d}"
            leaders.append(User(login=code, display_name=f"Leader {code}", role="leader",
                                collective=collective, language="bn", password_hash=pin_hash,
                                home_place=places[rng.choice(block_names)]))
    for login, name, role, password in STAFF_ACCOUNTS:
        db.session.add(User(login=login, display_name=name, role=role, language="en",
                            password_hash=hash_secret(password)))
    db.session.add_all(leaders)
    db.session.flush()
    return leaders


def _add_cycles() -> list[Cycle]:
    cycles = []
    quarters = [(2024, 4)] + [(2025, q) for q in (1, 2, 3, 4)] + [(2026, q) for q in (1, 2, 3, 4)]
    for year, quarter in quarters:
        starts = date(year, 3 * quarter - 2, 1)
        ends = (date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1))
        is_open = (year, quarter) == (2026, 4)
        cycles.append(Cycle(name=f"{year} Q{quarter}", starts_on=starts, ends_on=ends,
                            status="open" if is_open else "closed",
                            opened_at=datetime.combine(starts, time(4), tzinfo=UTC),
                            closed_at=None if is_open else
                            datetime.combine(ends + timedelta(days=7), time(12), tzinfo=UTC)))
    db.session.add_all(cycles)
    db.session.flush()
    return cycles


def _office_profile(rng: random.Random, office: Office) -> tuple[float, float, float]:
    """(mean in the first cycle, change a cycle, expected raters a cycle) for an office."""
    start, slope = STORIES.get(office.code, (rng.uniform(3.5, 7.5),
                                             rng.choice((0.0, 0.0, 0.0, 0.25, -0.25))))
    if office.code in RARELY_VISITED:
        visitors = 1.5
    elif office.department_type.code in ("BDO", "PS", "DM", "DCPO", "AHTU") or \
            office.code in STORIES:
        visitors = rng.uniform(9, 16)
    else:
        visitors = rng.uniform(3, 9)
    return start, slope, visitors


def _add_ratings(rng, offices, leaders, cycles) -> int:
    leaders_by_block: dict[int, list[User]] = {}
    for leader in leaders:
        leaders_by_block.setdefault(leader.home_place_id, []).append(leader)
    keys = {leader.id: rater_key_for(leader.id) for leader in leaders}
    rows = []
    for office in offices:
        start, slope, visitors = _office_profile(rng, office)
        local = leaders_by_block.get(office.place_id, []) + leaders_by_block.get(
            office.place.block_id, [])
        for index, cycle in enumerate(cycles):
            is_open = cycle.status == "open"
            expected = visitors * (0.4 if is_open else 1.0)
            n = min(len(leaders), _poisson(rng, expected))
            pool = list({leader.id: leader for leader in local + rng.sample(leaders, 40)}.values())
            raters = rng.sample(pool, min(n, len(pool)))
            if is_open:
                raters = [r for r in raters if r.login not in ("BJ-001", "UT-001")]
            mean = min(9.5, max(1.5, start + slope * index))
            for leader in raters:
                rows.append(_rating_row(rng, office, cycle, leader, keys[leader.id], mean))
    open_cycle = cycles[-1]
    ut001 = next(leader for leader in leaders if leader.login == "UT-001")
    for office in offices[:2]:  # so that UT-001's home shows ratings in the open cycle
        rows.append(_rating_row(rng, office, open_cycle, ut001, keys[ut001.id], 6.0))
    for start in range(0, len(rows), 2000):
        db.session.execute(Rating.__table__.insert(), rows[start:start + 2000])
    return len(rows)


def _rating_row(rng, office, cycle, leader, rater_key, mean) -> dict:
    score = min(10, max(1, round(rng.gauss(mean, 1.7))))
    # A day and a time are drawn still, though ratings keep no time, so that a seed gives the
    # same network as before.
    _day_and_time = (rng.randrange(0, 60), rng.randrange(3, 13), rng.randrange(60))
    answer = "yes" if score >= 7 else ("partly" if score >= 4 else "no")
    comment, consent = None, False
    if rng.random() < 0.08 and (score <= 3 or score >= 8):
        comment = rng.choice(COMMENTS["low" if score <= 3 else "high"])
        consent = rng.random() < 0.7
    digest = hashlib.sha256(f"demo:{cycle.name}:{office.code}:{leader.login}".encode())
    return {
        "cycle_id": cycle.id, "office_id": office.id, "rater_key": rater_key,
        "collective_id": leader.collective_id, "score": score,
        "purpose": rng.choice(PURPOSE_BY_DEPARTMENT[office.department_type.code]),
        "respect": answer if rng.random() < 0.85 else None,
        "work_done": answer if rng.random() < 0.75 else None,
        "comment": comment, "quote_consent": consent, "source": "app",
        # Staff have already reviewed most consented demo quotes; a few wait for review.
        "quote_status": ("approved" if rng.random() < 0.8 else "pending") if consent else "pending",
        "submission_id": "demo-" + digest.hexdigest()[:40],
    }


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; small lambdas only."""
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _add_escalations(offices) -> None:
    """A few escalation stories: a promise broken at the Block (so the overview suggests the
    District), one kept at the District, and promises due soon and overdue (dated from today,
    so the due list always has something to show)."""
    by_code = {office.code: office for office in offices}
    today = local_today()
    gaighata = AdvocacyAction(
        kind="letter", acted_on=date(2025, 11, 10), level="block",
        recipient="Block Development Officer, Gaighata", offices=[by_code["BDO-GAIGHATA"]],
        asked="Clear the housing applications of 14 survivors, pending since March.")
    answer = ActionResponse(action=gaighata, received_on=date(2025, 12, 2),
                            summary="The applications will be placed before the block "
                                    "committee and cleared by January.")
    gaighata.responses.append(answer)
    gaighata.commitments.append(Commitment(
        what="Clear the 14 pending housing applications", by_whom="BDO Gaighata",
        due_on=date(2026, 1, 31), resolution="broken", resolved_on=date(2026, 2, 5)))
    dcpo = AdvocacyAction(
        kind="letter", acted_on=date(2025, 5, 12), level="district",
        recipient="District Child Protection Officer, North 24 Parganas",
        offices=[by_code["DCPO-N24P"]],
        asked="Review survivors' child-protection cases monthly with the collectives.")
    dcpo.responses.append(ActionResponse(received_on=date(2025, 6, 2),
                                         summary="Monthly review meetings will start in July."))
    dcpo.commitments.append(Commitment(what="Monthly case review with the collectives",
                                       by_whom="DCPO North 24 Parganas",
                                       due_on=date(2025, 7, 31), resolution="kept",
                                       resolved_on=date(2025, 7, 24)))
    ahtu = AdvocacyAction(
        kind="meeting", acted_on=today - timedelta(days=55), level="district",
        recipient="Superintendent of Police, Barasat", offices=[by_code["AHTU-BARASAT"]],
        asked="Register survivors' complaints without delay; a woman officer at the desk.")
    ahtu.commitments += [
        Commitment(what="A woman officer at the AHTU desk every weekday",
                   by_whom="Superintendent of Police", due_on=today - timedelta(days=19)),
        Commitment(what="Complaints registered within 24 hours, with a receipt",
                   by_whom="Officer in charge, AHTU Barasat", due_on=today + timedelta(days=12)),
    ]
    db.session.add_all([gaighata, dcpo, ahtu])
