"""What the counts' triggers add to one rating write, on SQLite and on PostgreSQL.

Run: ``.venv/bin/python benchmarks/count_triggers.py [--writes 3000]
[--database sqlite|postgresql|both]``. On a fresh database with the app's schema (Alembic
``upgrade``), it commits ``--writes`` ratings one transaction each, as the write path does
(an INSERT, then an UPDATE of the score: a leader's edit), first with the triggers that keep
``rating_counts`` and ``cycle_raters`` and then, on the same database, with them dropped; the
two interleave in rounds so that a busy machine slows both alike. It prints microseconds of
wall and of CPU per write (this process and, on PostgreSQL, not the server's), the ratio, and
checks with `recount` that the counts held. Last line: one JSON object. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, text, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["RATING_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="count-triggers-instance-")

from rating import create_app  # noqa: E402
from rating.extensions import db  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
ROUNDS = 6


def prepare(url: str):
    from flask_migrate import upgrade

    from rating.auth.models import Collective
    from rating.cycles.models import Cycle
    from rating.directory.models import DepartmentType, Office, Place

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "RATER_KEY_SECRET": "bench", "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
        place = Place(code="B", kind="block", name_en="Block", name_bn="ব্লক")
        department = DepartmentType(code="D", name_en="Dept", name_bn="বিভাগ", level="block")
        db.session.add_all([place, department])
        db.session.flush()
        offices = [Office(code=f"O{o}", department_type_id=department.id, place_id=place.id,
                          level="block", name_en=f"O{o}", name_bn=f"O{o}") for o in range(20)]
        collective = Collective(code="BJ", name_en="Bijoyini", name_bn="বিজয়িনী")
        cycle = Cycle(name="open", status="open", starts_on=date(2026, 10, 1),
                      ends_on=date(2026, 12, 31))
        db.session.add_all([*offices, collective, cycle])
        db.session.commit()
        ids = ([o.id for o in offices], collective.id, cycle.id)
        db.engine.dispose()
    return app, ids


def write(engine, ids, writes: int, tag: str) -> tuple[float, float]:
    """Commit ``writes`` ratings and an edit of each, one transaction apiece."""
    from rating.cycles.models import Rating

    offices, collective, cycle = ids
    table = Rating.__table__
    now = datetime.now(UTC)
    started, cpu = time.perf_counter(), time.process_time()
    with engine.connect() as connection:
        for i in range(writes):
            with connection.begin():
                rating_id = connection.execute(insert(table), {
                    "cycle_id": cycle, "office_id": offices[i % len(offices)],
                    "rater_key": f"{tag}-{i}", "collective_id": collective, "score": 1 + i % 10,
                    "purpose": "housing", "respect": "yes", "work_done": None,
                    "submission_id": uuid.uuid4().hex, "source": "app", "quote_consent": False,
                    "created_at": now, "updated_at": now}).inserted_primary_key[0]
            with connection.begin():
                connection.execute(update(table).where(table.c.id == rating_id),
                                   {"score": 10 - i % 10, "respect": "no", "updated_at": now})
    return time.perf_counter() - started, time.process_time() - cpu


def run(kind: str, writes: int) -> dict:
    from rating.cycles.counts import create_trigger_statements, drop_trigger_statements

    name = None
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="count-triggers-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        name = f"rating_triggers_{uuid.uuid4().hex[:10]}"
        admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{PG_SERVER}/{name}"
    try:
        app, ids = prepare(url)
        with app.app_context():
            engine = db.engine
            totals = {"with": [0.0, 0.0], "without": [0.0, 0.0]}
            per_round = writes // ROUNDS
            for round_ in range(ROUNDS):
                for triggers in ("with", "without"):
                    statements = (create_trigger_statements if triggers == "with"
                                  else drop_trigger_statements)(kind)
                    with engine.begin() as connection:
                        for statement in statements:
                            connection.exec_driver_sql(statement)
                    wall, cpu = write(engine, ids, per_round, f"{triggers}{round_}")
                    totals[triggers][0] += wall
                    totals[triggers][1] += cpu
            with engine.begin() as connection:
                for statement in create_trigger_statements(kind):
                    connection.exec_driver_sql(statement)
            from rating.cycles.recount import recount_ratings

            # the half written without triggers is counted now; then nothing may differ
            recount_ratings()
            held = not any(drift.differs for drift in recount_ratings(repair=False))
            db.session.remove()
            engine.dispose()
        done = per_round * ROUNDS
        result = {"database": kind, "writes": done,
                  **{f"{k}_wall_us": round(v[0] / done * 1e6, 1) for k, v in totals.items()},
                  **{f"{k}_cpu_us": round(v[1] / done * 1e6, 1) for k, v in totals.items()},
                  "counts_held": held}
        result["wall_ratio"] = round(result["with_wall_us"] / result["without_wall_us"], 3)
        result["cpu_ratio"] = round(result["with_cpu_us"] / result["without_cpu_us"], 3)
        return result
    finally:
        if name:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=3000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = [run(kind, args.writes) for kind in kinds]
    print("each write: a rating inserted and then edited, two commits "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"{'database':<12}{'writes':>8}{'wall us with':>14}{'without':>9}{'ratio':>7}"
          f"{'cpu us with':>13}{'without':>9}{'ratio':>7}  counts held")
    for r in results:
        print(f"{r['database']:<12}{r['writes']:>8}{r['with_wall_us']:>14.1f}"
              f"{r['without_wall_us']:>9.1f}{r['wall_ratio']:>7.3f}{r['with_cpu_us']:>13.1f}"
              f"{r['without_cpu_us']:>9.1f}{r['cpu_ratio']:>7.3f}  {r['counts_held']}")
    print(json.dumps({"runs": results, "load_average": round(os.getloadavg()[0], 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
