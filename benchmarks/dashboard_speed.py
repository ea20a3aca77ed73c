"""Speed and weight of the staff charts over databases of 100,000 to 10,000,000 ratings.

Run: ``.venv/bin/python benchmarks/dashboard_speed.py [--ratings 100000 1000000 10000000]
[--leaders 2500]``. For each size it builds a SQLite file with the app's own schema
(``create_app`` + Alembic ``upgrade``): 200 offices in 20 blocks, 10 department types,
``--leaders`` leaders in two collectives, 25 closed cycles holding ``--ratings`` ratings and
one open cycle holding 1% more (so the overview's participation table has work to do). The
ratings go in by executemany in transactions of 500,000, with the counts' triggers dropped;
then the counts are built from the ratings as `flask recount` would, and the triggers made
again. Then, in the same run, it times

(a) the bare ``SELECT office_id, cycle_id, score, count(*) FROM ratings GROUP BY ...`` scan,
    which the charts ran before the counts were kept;
(a') the same histograms read from the counts (``rating_counts``), as the charts do now;
(b) the server side of the network overview: ``GET /dashboard/`` through Flask's test client,
    logged in as staff (best of 3, after one warm-up request);
(c) an office page, ``GET /dashboard/offices/<id>`` (best of 3);
(d) participation over cycles, ``GET /cycles/participation``, and who still has to rate in the
    open cycle, ``GET /cycles/<id>/leaders`` (every leader's key matched; best of 3);

and prints the ratios (b)/(a) (goal <= 1 at 1,000,000: no dearer than the scan it replaces)
and (c)/(a) (goal <= 0.2), and across sizes the largest overview over the smallest (goal
<= 1.5: the charts cost what offices and cycles cost, not what the ratings cost). Last, the bytes a
browser receives for the overview: the page compressed and not, each asset it loads (plotly
included) on a first visit, and on a repeat visit what the Cache-Control headers make it
fetch again (a max-age still fresh: nothing; otherwise a conditional request answered 304,
no body). Bodies only, headers not counted. No server is started and nothing listens: the
test client calls the app in-process. The last line printed is one JSON object with every
figure. A script, not a test.

Measured 2026-12-01 on the shared 2-core machine (--leaders 2500; wall / CPU seconds):
100,000: overview 0.141 / 0.136; 1,000,000: scan 0.178 / 0.159, overview 0.168 / 0.136
(0.94 / 0.85 of the scan; load average 6); 10,000,000: scan 1.548 / 1.173, overview
0.152 / 0.148 (load 5). The overview at 10,000,000 over 100,000: 1.08 wall, 1.09 CPU.
(d), 1,000,000 and 1,000 leaders, load average 9.7: participation 0.224 / 0.039 (0.34 of the
scan's wall time), who still has to rate 0.249 wall. 2026-12-01 again, load 3.0-3.4, CPU:
participation 0.028-0.030, who still has to rate 0.034-0.036 before its pages of 25 and
0.025 after; both are in the JSON line (participation_*, leaders_page_*).
After the leader-adjusted comparison (issue 14) the overview cost 0.42 s CPU at 1,010,000
(5.3x the scan, load 3.8). With the comparison and the closed cycles' counts kept while their
revisions stand, and findings worded once (2026-12-01, --leaders 2500, load 4.7-7.6, wall / CPU
best of 3): 101,000: overview 0.088 / 0.073; 1,010,000: scan 0.081 / 0.081, overview
0.071 / 0.071 (0.87 of the scan); 10,100,000: scan 0.829 / 0.604, overview 0.233 / 0.091. Over
the sizes, the largest overview over the smallest: CPU 1.28 (wall 3.29, on a machine at load 5-7).
Again after issues 16-19's merges (main 3450a99+), the machine otherwise idle (load 0.4-1.0),
wall seconds (CPU within 1%): 101,000: scan 0.029, overview 0.065, office 0.011; 1,010,000:
scan 0.089, overview 0.075 (0.84 of the scan), office 0.013 (0.15); 10,100,000: scan 0.574,
overview 0.082 (0.14), office 0.027 (0.05). Largest overview over smallest: 1.27. Every goal met.
(c), 1,000,000, --leaders 1000, CPU seconds, back to back at load average 2.5-3: the office
page 0.046 when it read every office's histograms for the network's trend variances, 0.041
with the variances summed in one query (`shown_variances`, 11 ms of it); scan 0.104 (0.39 of
it: the goal of 0.2 is still missed). Then, profiled with cProfile on a kept database
(--database), the office page lost what does not depend on its office: the network's
variances kept while the closed cycles' counts stand (10 ms; a 0.4 ms read checks the key),
the 19 peers' histograms read only when the office has letters to check (1.6 ms), the
cycles summarized in one call (1.9 ms), the tables' digits with one locale look-up
(about 1 ms), the filters' lists as plain rows and options (0.9 ms); 17 queries became 14.
Back to back, main then this (CPU; scan 0.078-0.086): at load average 5.5 the office page
0.034-0.036 (0.42-0.44 of the scan) before, 0.015-0.016 (0.19-0.20) after; at load 3.0-3.4
0.031-0.032 (0.36-0.39) before, 0.016-0.018 (0.20-0.22) after; at load 7.2-8.0 (with the
connection reads) 0.037-0.038 (0.43) before, 0.017-0.021 (0.20-0.25) after; alone at load
5.8, 0.012-0.015 (0.15-0.18). So on CPU time the goal of 0.2 is met, or missed by up to
0.05 on a loaded machine; the wall ratio swings with the load (scan 0.08-0.23 s wall).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import signal
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["RATING_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="dashboard-speed-instance-")

from rating import create_app  # noqa: E402
from rating.extensions import db  # noqa: E402

OFFICES, BLOCKS, DEPARTMENTS, CYCLES = 200, 20, 10, 25
SCAN = ("SELECT office_id, cycle_id, score, count(*) FROM ratings "
        "GROUP BY office_id, cycle_id, score")
COUNTED = ("SELECT office_id, cycle_id, " + ", ".join(f"sum(score_{s})" for s in range(1, 11))
           + " FROM rating_counts GROUP BY cycle_id, office_id")
GOALS = {"overview_over_scan": 1.0, "office_over_scan": 0.2, "largest_over_smallest": 1.5}
TIME_LIMIT_S = 600  # and a minute more per 100,000 ratings
BATCH = 500_000
STAFF, PASSWORD = "staff", "benchmark-staff-password"


def make_app(path: Path):
    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "benchmark",
        "RATER_KEY_SECRET": "benchmark-rater-key", "PASSWORD_HASH_PROFILE": "test",
        "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "1000 per minute",
        "WTF_CSRF_ENABLED": False,
    })


def build_database(app, path: Path, ratings: int, seed: int, leaders: int) -> dict:
    """The directory and accounts through the models; the ratings straight into SQLite
    (executemany, 500,000 a transaction), sorted as the histogram index is, and then the
    counts from them."""
    from flask_migrate import upgrade

    from rating.admin.services import create_user
    from rating.auth.models import Collective, User
    from rating.auth.services import hash_secret, rater_key_for
    from rating.cycles.counts import create_trigger_statements, drop_trigger_statements
    from rating.cycles.models import Cycle
    from rating.cycles.recount import recount_statements
    from rating.cycles.revisions import (
        create_revision_trigger_statements,
        drop_revision_trigger_statements,
    )
    from rating.directory.models import DepartmentType, Office, Place

    rng = np.random.default_rng(seed)
    with app.app_context():
        upgrade()
        district = Place(code="D", kind="district", name_en="District", name_bn="জেলা")
        db.session.add(district)
        db.session.flush()
        blocks = [Place(code=f"B{b:02d}", kind="block", name_en=f"Block {b:02d}",
                        name_bn=f"ব্লক {b:02d}", district_id=district.id) for b in range(BLOCKS)]
        departments = [DepartmentType(code=f"DEP{d}", name_en=f"Department {d}",
                                      name_bn=f"বিভাগ {d}", level="block")
                       for d in range(DEPARTMENTS)]
        db.session.add_all(blocks + departments)
        db.session.flush()
        offices = [Office(code=f"OFF-{o:03d}", department_type_id=departments[o % DEPARTMENTS].id,
                          place_id=blocks[o % BLOCKS].id, level="block",
                          name_en=f"Office {o:03d}", name_bn=f"দপ্তর {o:03d}")
                   for o in range(OFFICES)]
        collectives = [Collective(code="BJ", name_en="Bijoyini", name_bn="বিজয়িনী"),
                       Collective(code="UT", name_en="Utthan", name_bn="উত্থান")]
        start = date(2020, 1, 1)
        cycles = [Cycle(name=f"Cycle {c + 1:02d}", status="closed",
                        starts_on=start + timedelta(days=91 * c),
                        ends_on=start + timedelta(days=91 * c + 90)) for c in range(CYCLES)]
        cycles.append(Cycle(name="Open cycle", status="open",
                            starts_on=start + timedelta(days=91 * CYCLES),
                            ends_on=start + timedelta(days=91 * CYCLES + 90)))
        db.session.add_all(offices + collectives + cycles)
        db.session.commit()
        pin_hash = hash_secret("2468")
        db.session.execute(User.__table__.insert(), [
            {"login": f"{'BJ' if i % 2 else 'UT'}-{i:04d}", "display_name": f"Leader {i}",
             "role": "leader", "collective_id": collectives[i % 2].id,
             "home_place_id": blocks[i % BLOCKS].id, "language": "bn", "active": True,
             "password_hash": pin_hash, "secret_state": "issued", "session_version": 1}
            for i in range(leaders)])
        create_user(login=STAFF, display_name="Staff", role="staff", secret=PASSWORD,
                    language="en")
        db.session.commit()
        leader_rows = db.session.execute(
            db.select(User.id, User.collective_id).where(User.role == "leader")
            .order_by(User.id)).all()
        keys = [rater_key_for(user_id) for user_id, _ in leader_rows]
        leader_collective = [collective for _, collective in leader_rows]
        office_ids = [office.id for office in offices]
        cycle_ids = [cycle.id for cycle in cycles]
        db.engine.dispose()

    office_level = rng.normal(0, 0.7, OFFICES)
    office_trend = rng.normal(0, 0.04, OFFICES)
    cells = [(o, c) for o in range(OFFICES) for c in range(CYCLES)]
    per_cell = rng.multinomial(ratings, np.full(len(cells), 1 / len(cells)))
    open_per_office = rng.multinomial(ratings // 100, np.full(OFFICES, 1 / OFFICES))
    cells += [(o, CYCLES) for o in range(OFFICES)]
    per_cell = np.concatenate([per_cell, open_per_office])
    if per_cell.max() > leaders:
        raise ValueError(f"more than {leaders} ratings in one cell; lower --ratings or "
                         "raise --leaders")

    def rows():
        serial = 0
        for (o, c), n in zip(cells, per_cell.tolist(), strict=True):
            raters = rng.choice(leaders, size=n, replace=False)
            latent = 5.5 + office_level[o] + office_trend[o] * c + rng.normal(0, 2.2, n)
            scores = np.clip(np.rint(latent), 1, 10).astype(int).tolist()
            answers = rng.integers(0, 4, (n, 2)).tolist()
            for rater, score, (respect, done) in zip(raters.tolist(), scores, answers,
                                                     strict=True):
                serial += 1
                yield (cycle_ids[c], office_ids[o], keys[rater], leader_collective[rater],
                       score, "housing", (None, "yes", "partly", "no")[respect],
                       (None, "yes", "partly", "no")[done], 0, f"bench-{serial}", "import")

    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-2000000")  # 2 GB: the indexes' pages stay in memory
    insert = ("INSERT INTO ratings (cycle_id, office_id, rater_key, collective_id, score,"
              " purpose, respect, work_done, quote_consent, submission_id, source)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    with connection:
        for statement in [*drop_trigger_statements("sqlite"),
                          *drop_revision_trigger_statements("sqlite")]:
            connection.execute(statement)
    stream = rows()
    while True:
        with connection:
            batch = connection.executemany(insert, itertools.islice(stream, BATCH))
        if batch.rowcount < BATCH:
            break
    counting = time.perf_counter()
    with connection:
        for statement in [*recount_statements(), *create_trigger_statements("sqlite"),
                          *create_revision_trigger_statements("sqlite")]:
            connection.execute(statement)
    counts_s = time.perf_counter() - counting
    connection.execute("PRAGMA analysis_limit=1000")
    connection.execute("ANALYZE")
    total = connection.execute("SELECT count(*) FROM ratings").fetchone()[0]
    cells = connection.execute("SELECT count(*) FROM rating_counts").fetchone()[0]
    connection.close()
    return {"ratings_total": total, "ratings_closed": int(per_cell[:OFFICES * CYCLES].sum()),
            "office_id": office_ids[OFFICES // 2], "open_cycle_id": cycle_ids[-1],
            "count_rows": cells,
            "counts_build_seconds": round(counts_s, 1)}


def best_of(function, repeats=3) -> tuple[float, float]:
    """The least wall time and the least CPU time of this process (SQLite and the app both
    run in it) over ``repeats`` calls: on a shared machine the CPU time is the steadier."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        function()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best, best_cpu


def time_scan(path: Path, query: str = SCAN) -> tuple[tuple[float, float], int]:
    connection = sqlite3.connect(path)
    rows = connection.execute(query).fetchall()  # warm the page cache, as the app's runs are
    seconds = best_of(lambda: connection.execute(query).fetchall())
    connection.close()
    return seconds, len(rows)


def logged_in_client(app):
    client = app.test_client()
    response = client.post("/login", data={"username": STAFF, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"staff login failed: {response.status_code}")
    return client


def time_page(client, url: str) -> tuple[float, float]:
    def get():
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        response.get_data()

    get()  # warm-up: templates compiled, caches filled
    return best_of(get)


ASSET = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"')


def page_weight(client) -> dict:
    """Bytes of the overview on a first and a repeat visit, as Cache-Control dictates."""
    plain = client.get("/dashboard/", headers={"Accept-Encoding": "identity"})
    packed = client.get("/dashboard/", headers={"Accept-Encoding": "gzip, deflate, br"})
    html = plain.get_data(as_text=True)
    weight = {"html_bytes": len(plain.get_data()), "html_compressed_bytes":
              len(packed.get_data()), "html_encoding": packed.headers.get("Content-Encoding"),
              "html_cache_control": packed.headers.get("Cache-Control"), "assets": []}
    first = repeat = weight["html_compressed_bytes"]
    repeat_requests = 1
    for url in dict.fromkeys(ASSET.findall(html)):
        response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        body = len(response.get_data())
        cache = response.headers.get("Cache-Control", "")
        max_age = re.search(r"max-age=(\d+)", cache)
        fresh = bool(max_age) and int(max_age.group(1)) > 0 and "no-cache" not in cache \
            and "no-store" not in cache
        again = 0
        if not fresh or "no-store" in cache:
            conditional = {}
            if response.headers.get("ETag"):
                conditional["If-None-Match"] = response.headers["ETag"]
            if response.headers.get("Last-Modified"):
                conditional["If-Modified-Since"] = response.headers["Last-Modified"]
            second = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br",
                                              **conditional})
            again = len(second.get_data())
            repeat_requests += 1
        weight["assets"].append({
            "url": url, "status": response.status_code, "bytes": body,
            "encoding": response.headers.get("Content-Encoding"), "cache_control": cache,
            "repeat_visit": "cached (max-age)" if fresh else f"revalidated, {again} bytes",
            "repeat_bytes": again})
        first += body
        repeat += again
    weight.update({"first_load_bytes": first, "first_load_requests": 1 + len(weight["assets"]),
                   "repeat_load_bytes": repeat, "repeat_load_requests": repeat_requests})
    return weight


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, nargs="+", default=[1_000_000],
                        help="one database of each size, timed in turn")
    parser.add_argument("--leaders", type=int, default=1000,
                        help="at least the ratings of one office in one cycle")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database", type=Path, metavar="PATH",
                        help="keep the database at PATH and reuse it on the next run (one "
                        "--ratings size; a file built with other arguments is refused)")
    args = parser.parse_args(argv)
    if args.database and len(args.ratings) != 1:
        parser.error("--database keeps one database: give one --ratings size")
    # bounded: a hung run dies instead of running on
    signal.alarm(TIME_LIMIT_S + sum(args.ratings) * 60 // 100_000)
    started = time.perf_counter()
    runs = []
    for i, ratings in enumerate(args.ratings):
        runs.append(run_one(ratings, args.leaders, args.seed, weigh=i == 0,
                            keep=args.database))
        print(json.dumps({k: v for k, v in runs[-1].items() if k != "weight"}), flush=True)
    overviews = [run["overview_seconds"] for run in runs]
    overviews_cpu = [run["overview_cpu_seconds"] for run in runs]
    result = {
        "runs": runs, "offices": OFFICES, "closed_cycles": CYCLES, "leaders": args.leaders,
        "goals": GOALS, "largest_over_smallest": round(max(overviews) / min(overviews), 3),
        "largest_over_smallest_cpu": round(max(overviews_cpu) / min(overviews_cpu), 3),
        "spread_goal_met": max(overviews) / min(overviews)
        <= GOALS["largest_over_smallest"],
        "scan_goal_met": all(run["overview_goal_met"] for run in runs
                             if run["overview_goal_met"] is not None),
        **{key: value for key, value in runs[0].pop("weight").items()},
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print_table(result)
    print(json.dumps(result))
    return 0


def kept_database(app, path: Path, ratings: int, seed: int, leaders: int) -> dict:
    """The database at ``path`` if an earlier run built it with the same arguments (its
    description is kept beside it), else a new one built there."""
    described = path.with_suffix(".json")
    wanted = {"ratings": ratings, "seed": seed, "leaders": leaders}
    if path.exists() and described.exists():
        kept = json.loads(described.read_text())
        if kept.pop("arguments") != wanted:
            raise SystemExit(f"{path} was built with other arguments; remove it or pick "
                             "another --database")
        return kept
    for stale in (path, described, *path.parent.glob(path.name + "-*")):
        stale.unlink(missing_ok=True)
    built = build_database(app, path, ratings, seed, leaders)
    described.write_text(json.dumps({**built, "arguments": wanted}))
    return built


def run_one(ratings: int, leaders: int, seed: int, weigh: bool,
            keep: Path | None = None) -> dict:
    started = time.perf_counter()
    # In memory (tmpfs) where there is one: 10,000,000 ratings are 6 GB, and the runs time
    # reads of a warm page cache anyway.
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="dashboard-speed-", dir=memory) as folder:
        path = keep.resolve() if keep else Path(folder) / "ratings.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        app = make_app(path)
        if keep:
            built = kept_database(app, path, ratings, seed, leaders)
        else:
            built = build_database(app, path, ratings, seed, leaders)
        build_s = time.perf_counter() - started
        (scan_s, scan_cpu), scan_rows = time_scan(path)
        (counted_s, _), counted_rows = time_scan(path, COUNTED)
        client = logged_in_client(app)
        overview_s, overview_cpu = time_page(client, "/dashboard/")
        office_s, office_cpu = time_page(client, f"/dashboard/offices/{built['office_id']}")
        turnout_s, turnout_cpu = time_page(client, "/cycles/participation")
        leaders_s, leaders_cpu = time_page(client, f"/cycles/{built['open_cycle_id']}/leaders")
        weight = page_weight(client) if weigh else {}
        size = path.stat().st_size + sum(p.stat().st_size
                                         for p in path.parent.glob(path.name + "-wal"))
        with app.app_context():
            db.engine.dispose()
    # The goal is at 1,000,000 ratings and up; below, the scan is cheaper than the
    # page's fixed work (offices x cycles), which is the point of the counts.
    judged = built["ratings_total"] >= 1_000_000
    return {
        "ratings_total": built["ratings_total"], "ratings_in_closed_cycles":
        built["ratings_closed"], "count_rows": built["count_rows"],
        "database_bytes": size, "build_seconds": round(build_s, 1),
        "counts_build_seconds": built["counts_build_seconds"],
        "scan_seconds": round(scan_s, 4), "scan_rows": scan_rows,
        "counted_seconds": round(counted_s, 4), "counted_rows": counted_rows,
        "overview_seconds": round(overview_s, 4), "office_seconds": round(office_s, 4),
        "scan_cpu_seconds": round(scan_cpu, 4), "overview_cpu_seconds": round(overview_cpu, 4),
        "office_cpu_seconds": round(office_cpu, 4),
        "participation_seconds": round(turnout_s, 4), "participation_cpu_seconds":
        round(turnout_cpu, 4), "participation_over_scan": round(turnout_s / scan_s, 3),
        "leaders_page_seconds": round(leaders_s, 4), "leaders_page_cpu_seconds":
        round(leaders_cpu, 4),
        "overview_over_scan_cpu": round(overview_cpu / scan_cpu, 3),
        "load_average": round(os.getloadavg()[0], 1),
        "overview_over_scan": round(overview_s / scan_s, 3),
        "office_over_scan": round(office_s / scan_s, 3),
        "overview_goal_met": overview_s / scan_s <= GOALS["overview_over_scan"] if judged
        else None,
        "office_goal_met": office_s / scan_s <= GOALS["office_over_scan"] if judged else None,
        "weight": weight,
    }


def _verdict(met) -> str:
    return "-" if met is None else "met" if met else "MISSED"


def print_table(r: dict) -> None:
    print(f"{OFFICES} offices, {CYCLES} closed cycles and an open one, {r['leaders']} leaders")
    print(f"{'ratings':>11}{'MB':>7}{'build s':>9}{'count rows':>11}{'(a) scan':>10}"
          f"{'(a) counts':>11}{'(b) overview':>13}{'b/a':>7}{'<= 1':>7}{'(c) office':>11}"
          f"{'c/a':>7}{'<= 0.2':>7}")
    for run in r["runs"]:
        print(f"{run['ratings_total']:>11,}{run['database_bytes'] / 1e6:>7.0f}"
              f"{run['build_seconds']:>9.1f}{run['count_rows']:>11,}"
              f"{run['scan_seconds']:>10.4f}{run['counted_seconds']:>11.4f}"
              f"{run['overview_seconds']:>13.4f}{run['overview_over_scan']:>7.2f}"
              f"{_verdict(run['overview_goal_met']):>7}{run['office_seconds']:>11.4f}"
              f"{run['office_over_scan']:>7.2f}{_verdict(run['office_goal_met']):>7}")
    print("CPU seconds (this process: SQLite and the app), least of 3; load average")
    for run in r["runs"]:
        print(f"{run['ratings_total']:>11,}  scan {run['scan_cpu_seconds']:.4f}  overview "
              f"{run['overview_cpu_seconds']:.4f}  b/a {run['overview_over_scan_cpu']:.2f}  "
              f"office {run['office_cpu_seconds']:.4f}  load {run['load_average']}")
        print(f"{'':>11}  (d) participation {run['participation_seconds']:.4f} s "
              f"(d/a {run['participation_over_scan']:.2f}; CPU "
              f"{run['participation_cpu_seconds']:.4f}), who still has to rate "
              f"{run['leaders_page_seconds']:.4f} s (CPU {run['leaders_page_cpu_seconds']:.4f})")
    print(f"overview, largest over smallest database: {r['largest_over_smallest']:.2f} "
          f"(CPU {r['largest_over_smallest_cpu']:.2f}) "
          f"(goal <= {GOALS['largest_over_smallest']}) {_verdict(r['spread_goal_met'])}")
    print("(a) scan: the bare GROUP BY over ratings the charts ran before; (a) counts: the "
          "same histograms from rating_counts")
    print()
    print(f"{'overview page and assets':<46}{'bytes':>10}  {'encoding':<9}{'repeat visit'}")
    print(f"{'/dashboard/ (uncompressed)':<46}{r['html_bytes']:>10,}")
    print(f"{'/dashboard/ (as sent)':<46}{r['html_compressed_bytes']:>10,}  "
          f"{r['html_encoding'] or '-':<9}fetched again ({r['html_cache_control']})")
    for asset in r["assets"]:
        print(f"{asset['url']:<46}{asset['bytes']:>10,}  {asset['encoding'] or '-':<9}"
              f"{asset['repeat_visit']} ({asset['cache_control'] or 'no Cache-Control'})")
    print(f"{'first visit':<46}{r['first_load_bytes']:>10,}  "
          f"{r['first_load_requests']} requests")
    print(f"{'repeat visit':<46}{r['repeat_load_bytes']:>10,}  "
          f"{r['repeat_load_requests']} requests")
    print(f"total {r['total_seconds']} s")


if __name__ == "__main__":
    sys.exit(main())
