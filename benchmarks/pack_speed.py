"""Time and peak memory of evidence packs over the demo data, against issue 16's goals.

Run: ``.venv/bin/python benchmarks/pack_speed.py [--cases district-both office-en ...]
[--profile]``. It builds the demo network (``rating.demo.create_demo``) once into a temporary
SQLite file with the app's own schema (``create_app`` + Alembic ``upgrade``). Then each case
runs in a fresh Python process of its own, which opens that database and builds one pack end
to end through ``rating.evidence.services.start_pack(..., wait=True)``, the call the command
line makes (figures, PDFs, HTML, CSVs, letter, signatures, zip), and reports its wall and CPU
seconds and its peak resident memory (``ru_maxrss``: imports, app and build, what a 1 GB
server must hold). A process per case, so one case's peak is not another's, and every case
pays for its own first WeasyPrint document as a worker does; the PDF libraries are imported
before the build, as worker.py does when a worker starts (rating.evidence.preload).

Cases: ``district-both`` ("North 24 Parganas", all cycles, both languages; goal <= 10 s and
<= 300 MB), ``district-bn``, ``district-en``, ``office-en`` / ``office-bn`` (BDO-GAIGHATA;
goal <= 2 s). ``--profile`` runs each case's build under cProfile and prints its 30 costliest
functions (it doubles the times: compare profiles with profiles only). ``--warm`` builds each
case a second time in its process and times that too: what a worker that has built a pack
before pays (imports of WeasyPrint and pyHanko, fonts, templates done). ``--out DIR`` keeps
each case's zip. The pages of each report PDF are counted with ``pdfinfo`` (goal for the
district: <= 25 without the annex). Written so that it also runs on older commits of the app
(it uses only ``start_pack`` and ``PackParams``' first fields): copy it into a checkout's
``benchmarks/`` (or a ``git archive`` of it) and run it there to compare. The last line
printed is one JSON object with every figure. A script, not a test.

Then, with scipy.stats out of every process and the PDF libraries loaded when a worker
starts, at load average 0.5 (machine otherwise idle), wall / CPU seconds, peak MiB:
district-both 6.24 / 6.26 s, 276 MiB; office-en 1.17 / 1.19 s, 234 MiB; office-bn 1.37 / 1.38
s, 235 MiB: every goal met. The same commit before the preload, at load 1.5: district-both
7.32 / 7.20 s, 263 MiB; office-en 2.25 / 2.08 s. Before scipy.stats went (load 1.8):
district-both 7.36 / 7.27 s, 312 MiB; office-en 2.08 / 1.94 s, 275 MiB.
Measured 2026-12-01 on the shared 2-core machine, main (d222129) and issue 16's branch back
to back, load average 5.6-7.2 from other work (so wall seconds are about twice the CPU
seconds; CPU seconds are the figure to compare), wall / CPU seconds, peak MiB:
- district-both: main 20.7 / 10.2 s, 364 MiB (warm 17.3 / 9.4 s); branch 13.0 / 7.0 s,
  343 MiB (warm 7.0 / 5.3 s). Without --warm: main 357 MiB (at load 1.9), branch 316. Main
  took 10.4 / 9.3 s at load 1.9. Letter 19 -> 8 pages (4 a language), reports 24 + 22.
- office-en: main 6.1 / 2.9 s (warm 2.8 / 1.8 s); branch 2.8 / 1.6 s (warm 1.2 / 0.9 s),
  299 MiB.
Again at f647a22 (trim after the figures), load 6.5-8.2: district-both main 10.9 / 10.2 s,
350 MiB (warm CPU 10.0 s); branch 16.7 / 7.4 s, 318 MiB (warm CPU 6.0 s); office-en main
5.9 / 3.2 s, 302 MiB (warm 3.9 / 2.1 s); branch 4.5 / 1.7 s, 279 MiB (warm 1.2 / 0.9 s).
Where a district build's CPU goes now (profiled): WeasyPrint ~70% (layout of the two
reports and the letter; drawing the 86 SVG charts, 2/3 of that their text labels), the
statistics (assemble_pack: publish_network and standing_at in analysis/ and
rating/histograms.py) ~10%, the rest XLSX, DOCX, signatures. Of the peak, ~206 MiB is the
imports (numpy, scipy.stats, SQLAlchemy, ICU, huey...), ~28 MiB the assembled pack, ~70 MiB
WeasyPrint with one report laid out. An office pack still runs the analysis of the whole
network (publish_network, ~0.5 s): its comparisons need the rest of the network.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DISTRICT, OFFICE = "North 24 Parganas", "BDO-GAIGHATA"
CASES = {"district-both": ("district", "both"), "district-bn": ("district", "bn"),
         "district-en": ("district", "en"), "office-en": ("office", "en"),
         "office-bn": ("office", "bn")}
GOALS = {"district": {"seconds": 10.0, "maxrss_mib": 300.0, "pages": 25},
         "office": {"seconds": 2.0}}


def make_app(path: Path):
    from rating import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "benchmark",
        "RATER_KEY_SECRET": "benchmark-rater-key", "PASSWORD_HASH_PROFILE": "test",
        "RATELIMIT_STORAGE_URI": "memory://",
    })


def pdf_pages(data: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    return next(int(line.split()[1]) for line in out.decode().splitlines()
                if line.startswith("Pages:"))


def child(case: str, database: Path, profile: bool, out: Path | None = None,
          warm: bool = False) -> None:
    """One build in this fresh process; prints one JSON line."""
    started_process = time.perf_counter()
    from sqlalchemy import select

    from rating.directory.models import Office
    from rating.directory.services import find_place
    from rating.evidence import services
    from rating.evidence.content import PackParams
    from rating.extensions import db

    with contextlib.suppress(ImportError):  # what worker.py loads at start, where it exists
        import rating.evidence.preload  # noqa: F401
    app = make_app(database)
    scope, language = CASES[case]
    with app.app_context():
        if scope == "district":
            target, label = find_place(DISTRICT, ("district",)), DISTRICT
        else:
            target = db.session.scalar(select(Office).where(Office.code == OFFICE))
            label = OFFICE
        params = PackParams(scope=scope, scope_id=target.id, language=language,
                            recipient_level="district", recipient_name="District Magistrate")
        ready = time.perf_counter() - started_process
        profiler = cProfile.Profile() if profile else None
        started, started_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        pack = services.start_pack(params, label, actor=None, wait=True)
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if pack.status != "done":
            raise SystemExit(f"{case}: the pack was not built: {pack.error}")
        data = services.pack_bytes(pack)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # of one build
        again = None
        if warm:  # the same build again in this process: what a worker pays once warmed up
            started, started_cpu = time.perf_counter(), time.process_time()
            services.start_pack(params, label, actor=None, wait=True)
            again = (round(time.perf_counter() - started, 3),
                     round(time.process_time() - started_cpu, 3))
    if out:
        (out / f"{case}.zip").write_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        pages = {name: pdf_pages(archive.read(name)) for name in sizes
                 if name.endswith(".pdf")}
    result = {"case": case, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
              "startup_seconds": round(ready, 3),
              "warm_seconds": again[0] if again else None,
              "warm_cpu_seconds": again[1] if again else None,
              "maxrss_mib": round(peak, 1),
              "zip_bytes": len(data), "pages": pages, "file_bytes": sizes}
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        result["profile"] = out.getvalue()
    print(json.dumps(result))


def run_case(case: str, database: Path, profile: bool, out: Path | None = None,
             warm: bool = False) -> dict:
    command = [sys.executable, __file__, "--child", case, "--database", str(database)]
    if profile:
        command.append("--profile")
    if warm:
        command.append("--warm")
    if out:
        command += ["--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode:
        raise SystemExit(f"{case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=list(CASES),
                        default=["district-both", "office-en"])
    parser.add_argument("--profile", action="store_true", help="cProfile each build")
    parser.add_argument("--label", help="what is measured (default: the checkout's commit)")
    parser.add_argument("--warm", action="store_true",
                        help="build each case a second time in its process, and time that too")
    parser.add_argument("--out", type=Path, help="keep each case's zip in this folder")
    parser.add_argument("--child", choices=list(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.out:
        options.out = options.out.resolve()
        options.out.mkdir(parents=True, exist_ok=True)
    if options.child:
        child(options.child, options.database, options.profile, options.out, options.warm)
        return

    os.environ["RATING_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="pack-speed-instance-")
    from flask_migrate import upgrade

    from rating.demo import create_demo

    workdir = Path(tempfile.mkdtemp(prefix="pack-speed-"))
    database = workdir / "demo.sqlite3"
    app = make_app(database)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        summary = create_demo(progress=lambda message: None)
        demo_seconds = time.perf_counter() - started
    label = options.label or commit()
    print(f"{summary} ({demo_seconds:.1f} s to create); {label}")

    results = []
    for case in options.cases:
        load = os.getloadavg()[0]
        result = run_case(case, database, options.profile, options.out, options.warm)
        result["load_average"] = round(load, 2)
        goals = GOALS[CASES[case][0]]
        result["goals"] = goals
        result["goal_met"] = (result["seconds"] <= goals["seconds"]
                              and result["maxrss_mib"] <= goals.get("maxrss_mib", 1e9))
        results.append(result)

    print()
    print(f"  {'case':<15}{'seconds':>9}{'CPU s':>8}{'peak MiB':>10}{'pages':>14}"
          f"{'load':>6}  goal")
    for r in results:
        goals = r["goals"]
        goal = f"<= {goals['seconds']:g} s" + (f", <= {goals['maxrss_mib']:g} MiB"
                                                 if "maxrss_mib" in goals else "")
        pages = "+".join(str(n) for name, n in sorted(r["pages"].items())
                         if name.startswith("report"))
        print(f"  {r['case']:<15}{r['seconds']:>9.2f}{r['cpu_seconds']:>8.2f}"
              f"{r['maxrss_mib']:>10.1f}{pages:>14}{r['load_average']:>6.1f}  {goal}: "
              f"{'met' if r['goal_met'] else 'MISSED'}")
        if r.get("warm_seconds") is not None:
            print(f"  {'  warm again':<15}{r['warm_seconds']:>9.2f}{r['warm_cpu_seconds']:>8.2f}"
                  "  (the same build again in the same process)")
        if r.get("profile"):
            print(r.pop("profile"))
    print(f"  {os.cpu_count()} CPUs; seconds are wall clock of the build alone (imports and "
          "app start not counted); peak memory is the whole process's")
    print(json.dumps({"benchmark": "pack_speed", "commit": label, "district": DISTRICT,
                      "office": OFFICE, "demo": summary, "demo_seconds": round(demo_seconds, 2),
                      "cpus": os.cpu_count(), "cases": results}))


if __name__ == "__main__":
    main()
