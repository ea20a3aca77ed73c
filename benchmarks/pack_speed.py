"""Time and memory of a district evidence pack over the demo data, against issue 6's goal.

Run: ``.venv/bin/python benchmarks/pack_speed.py [--lang both] [--profile]``. It builds the
demo network (``rating.demo.create_demo``) into a temporary SQLite file with the app's own
schema (``create_app`` + Alembic ``upgrade``), then builds the "North 24 Parganas" pack over
all cycles end to end through ``rating.evidence.services.start_pack(..., wait=True)``, the
same call the command line makes: figures, PDF, HTML, CSV, letter, signed manifest, zip.

Two builds: the first timed (stages timed by wrapping the functions ``build_pack`` calls),
the second under ``tracemalloc`` for the peak of Python allocations (tracing slows Python
code, so its time is not the one reported). ``ru_maxrss`` is the whole process's peak
(the demo data included). ``--profile`` adds a third build under cProfile and prints the 25
costliest functions. Goal: under 30 s. The last line printed is one JSON object with every
figure. A script, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["RATING_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="pack-speed-instance-")

from rating import create_app  # noqa: E402

GOAL_S = 30.0
DISTRICT = "North 24 Parganas"
STAGES = [("assemble", "content", "assemble_pack"), ("pdf", "render", "render_pdf"),
          ("html", "render", "render_html"), ("csv", "render", "render_csv"),
          ("letter", "render", "render_letter"), ("sign", "signing", "sign_manifest")]


def make_app(path: Path):
    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "benchmark",
        "RATER_KEY_SECRET": "benchmark-rater-key", "PASSWORD_HASH_PROFILE": "test",
        "RATELIMIT_STORAGE_URI": "memory://",
    })


def timed_stages():
    """Wrap the functions `build_pack` calls so that each records its seconds."""
    from rating.evidence import services

    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    originals = []
    for stage, module_name, function_name in STAGES:
        module = services if module_name == "content" else getattr(services, module_name)
        original = getattr(module, function_name)

        def wrapper(*args, _original=original, _stage=stage, **kwargs):
            started, started_cpu = time.perf_counter(), time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                seconds[_stage] = seconds.get(_stage, 0.0) + time.perf_counter() - started
                cpu[_stage] = cpu.get(_stage, 0.0) + time.process_time() - started_cpu

        setattr(module, function_name, wrapper)
        originals.append((module, function_name, original))

    def restore():
        for module, function_name, original in originals:
            setattr(module, function_name, original)

    return seconds, cpu, restore


def build(language: str):
    from rating.directory.services import find_place
    from rating.evidence import services
    from rating.evidence.content import PackParams

    district = find_place(DISTRICT, ("district",))
    params = PackParams(scope="district", scope_id=district.id, language=language,
                        recipient_level="district", recipient_name="District Magistrate")
    started, started_cpu = time.perf_counter(), time.process_time()
    pack = services.start_pack(params, DISTRICT, actor=None, wait=True)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    if pack.status != "done":
        raise SystemExit(f"the pack was not built: {pack.error}")
    return pack, elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["bn", "en", "both"], default="both")
    parser.add_argument("--profile", action="store_true", help="add a cProfile'd build")
    options = parser.parse_args()

    from flask_migrate import upgrade

    from rating.demo import create_demo
    from rating.evidence import services

    workdir = Path(tempfile.mkdtemp(prefix="pack-speed-"))
    app = make_app(workdir / "demo.sqlite3")
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        summary = create_demo(progress=lambda message: None)
        demo_seconds = time.perf_counter() - started
        print(f"{summary} ({demo_seconds:.1f} s to create)")

        load = os.getloadavg()[0]
        seconds, cpu, restore = timed_stages()
        pack, total, total_cpu = build(options.lang)
        restore()
        data = services.pack_bytes(pack)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            manifest = json.loads(archive.read("manifest.json"))
        seconds["zip, database and rest"] = total - sum(seconds.values())
        cpu["zip, database and rest"] = total_cpu - sum(cpu.values())

        tracemalloc.start()
        _, traced_total, _ = build(options.lang)
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

        profile_text = ""
        if options.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            build(options.lang)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            profile_text = out.getvalue()

    print()
    print(f"District pack, {DISTRICT}, all cycles, language {options.lang!r}")
    print(f"  offices shown {manifest['offices_shown']}, withheld "
          f"{manifest['offices_withheld']}, cycles {len(manifest['cycles'])}")
    # CPU seconds too: on a shared machine the wall clock also counts other people's work.
    print(f"  {'stage':<24}{'seconds':>10}{'share':>9}{'CPU s':>9}")
    for stage, value in seconds.items():
        print(f"  {stage:<24}{value:>10.2f}{value / total:>9.0%}{cpu[stage]:>9.2f}")
    print(f"  {'total (end to end)':<24}{total:>10.2f}{'':>9}{total_cpu:>9.2f}   "
          f"goal < {GOAL_S:.0f} s: {'met' if total < GOAL_S else 'MISSED'}")
    print(f"  load average when the build started: {load:.1f} on {os.cpu_count()} CPUs")
    print(f"  peak Python allocations (tracemalloc) {python_peak / 2**20:8.1f} MiB "
          f"(that build took {traced_total:.1f} s under tracing)")
    print(f"  peak process memory (ru_maxrss)       {maxrss_kib / 1024:8.1f} MiB")
    print(f"  zip {len(data) / 2**20:.2f} MiB; files: " + ", ".join(
        f"{name} {size / 2**10:.0f} KiB" for name, size in sizes.items()))
    if profile_text:
        print(profile_text)
    print(json.dumps({
        "benchmark": "pack_speed", "district": DISTRICT, "language": options.lang,
        "offices_shown": manifest["offices_shown"],
        "offices_withheld": manifest["offices_withheld"], "cycles": len(manifest["cycles"]),
        "demo_seconds": round(demo_seconds, 2), "total_seconds": round(total, 3),
        "stage_seconds": {stage: round(value, 3) for stage, value in seconds.items()},
        "total_cpu_seconds": round(total_cpu, 3),
        "stage_cpu_seconds": {stage: round(value, 3) for stage, value in cpu.items()},
        "load_average": round(load, 2), "cpus": os.cpu_count(),
        "goal_seconds": GOAL_S, "goal_met": total < GOAL_S,
        "traced_build_seconds": round(traced_total, 2),
        "python_peak_mib": round(python_peak / 2**20, 1),
        "process_maxrss_mib": round(maxrss_kib / 1024, 1),
        "zip_bytes": len(data), "file_bytes": sizes,
    }))


if __name__ == "__main__":
    main()
