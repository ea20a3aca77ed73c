"""Faults under load, scripted and repeatable: phones keep rating while a gunicorn worker is
killed with SIGKILL, then the whole server; while PostgreSQL is stopped and started again;
while the SQLite file's disk is full. Afterwards every acknowledged rating must be there
exactly once and the database intact; during the faults, answers are 503, never 500, and the
phones' queues (resent with the same submission id) get everything in once it is over.

Run as root: ``.venv/bin/python benchmarks/faults.py [--phones 50] [--phase-seconds 5]
[--pg-server private|system]``. ``private`` (the default) stops and starts a throw-away
PostgreSQL cluster made with initdb on a free port, so that other users of the machine's
server are not cut off; ``system`` stops the machine's own cluster with pg_ctlcluster (and
always starts it again). Prints a table and, last, one line of JSON. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _phones as fleet_of  # noqa: E402  (the phones and their ledger)
import _stack as stack  # noqa: E402  (the instance, the server, the check)

PG_BIN = Path("/usr/lib/postgresql")
DISK_SPARE_MB = 24  # room on the small disk, past the demo database, before it is filled


# --------------------------------------------------------------------------- PostgreSQL

def _pg_version() -> str:
    versions = sorted((p.name for p in Path("/etc/postgresql").iterdir()), key=int) \
        if Path("/etc/postgresql").is_dir() else []
    if not versions:
        versions = sorted((p.name for p in PG_BIN.iterdir()), key=int)
    return versions[-1]


def _run(arguments: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(arguments, capture_output=True, text=True, timeout=timeout,
                          check=False)


class SystemPostgres:
    """The machine's own cluster, stopped and started with pg_ctlcluster."""

    def __init__(self):
        self.version, self.cluster = _pg_version(), "main"
        self.server = stack.PG_SERVER

    def _ctl(self, action: str) -> subprocess.CompletedProcess:
        return _run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.cluster,
                     action])

    def running(self) -> bool:
        return self._ctl("status").returncode == 0

    def stop(self) -> None:
        done = self._ctl("stop")  # fast mode: sessions are ended, open transactions undone
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctlcluster stop: {done.stderr.strip()}")

    def start(self) -> None:
        if not self.running():
            done = self._ctl("start")
            if done.returncode != 0:
                raise RuntimeError(f"pg_ctlcluster start: {done.stderr.strip()}")
        stack.wait_until(lambda: stack.postgres_reachable(self.server), 60, "postgres up")

    def close(self) -> None:
        self.start()


class PrivatePostgres:
    """A throw-away cluster: initdb in a temp folder owned by postgres, a free port on
    127.0.0.1, trust authentication for that address only; removed at the end."""

    def __init__(self):
        self.bin = PG_BIN / _pg_version() / "bin"
        self.folder = Path(tempfile.mkdtemp(prefix="rating-pg-"))
        self.data = self.folder / "data"
        self.port = stack.free_port()
        self.server = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"
        shutil.chown(self.folder, "postgres", "postgres")
        done = self._as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U",
                                  "postgres", "-A", "trust", "--no-instructions"])
        if done.returncode != 0:
            raise RuntimeError(f"initdb: {done.stderr.strip()[-500:]}")

    def _as_postgres(self, arguments):
        return _run(["runuser", "-u", "postgres", "--", *arguments])

    def _ctl(self, *arguments) -> subprocess.CompletedProcess:
        return self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *arguments])

    def running(self) -> bool:
        return self._ctl("status").returncode == 0

    def start(self) -> None:
        if not self.running():
            options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                       f"-c unix_socket_directories={self.folder} -c max_connections=200")
            done = self._ctl("-l", str(self.folder / "postgres.log"), "-o", options,
                             "-w", "-t", "60", "start")
            if done.returncode != 0:
                raise RuntimeError(f"pg_ctl start: {done.stderr.strip()[-500:]}")
        stack.wait_until(lambda: stack.postgres_reachable(self.server), 60, "postgres up")

    def stop(self) -> None:
        done = self._ctl("-m", "fast", "-w", "-t", "60", "stop")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl stop: {done.stderr.strip()}")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.running():
                self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------------- measuring

class PhaseTimings(fleet_of.Timings):
    """Outcomes counted per phase of a scenario (before, during the fault, after)."""

    def __init__(self):
        super().__init__()
        self.phase = "before"
        self.by_phase: dict[str, Counter] = {}

    def record(self, outcome, seconds: float) -> None:
        super().record(outcome, seconds)
        self.by_phase.setdefault(self.phase, Counter())[str(outcome)] += 1


async def healthz_status(base: str) -> int | str:
    return await asyncio.to_thread(stack.http_status, f"{base}/healthz", 5)


def database_intact(instance: stack.Instance) -> dict:
    """SQLite: integrity_check and foreign_key_check. PostgreSQL: amcheck on every B-tree
    index (with all heap tuples looked up) and verify_heapam on every table."""
    engine = instance.engine()
    try:
        with engine.connect() as connection:
            if instance.kind == "sqlite":
                integrity = list(connection.scalars(text("PRAGMA integrity_check")))
                foreign = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                return {"check": "integrity_check", "ok": integrity == ["ok"] and not foreign,
                        "problems": integrity[:3] if integrity != ["ok"] else []}
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            indexes = connection.execute(text(
                "SELECT bt_index_check(c.oid, true) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
            )).rowcount
            heap_problems = connection.execute(text(
                "SELECT count(*) FROM pg_class c, LATERAL verify_heapam(c.oid) "
                "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
            )).scalar_one()
            connection.commit()
            return {"check": f"amcheck ({indexes} indexes, heap)", "ok": heap_problems == 0,
                    "problems": heap_problems}
    finally:
        engine.dispose()


def summarize(name: str, instance: stack.Instance, timings: PhaseTimings, before, ledger,
              server: stack.Server, notes: dict) -> dict:
    check = stack.check_database(instance.engine(), before, ledger)
    intact = database_intact(instance)
    outcomes = Counter()
    for counter in timings.by_phase.values():
        outcomes.update(counter)
    row = {
        "scenario": name, "database": instance.kind, "requests": timings.requests,
        "acknowledged": check["acknowledged"],
        "status_500": outcomes.get("500", 0), "status_503": outcomes.get("503", 0),
        "other_5xx": sum(n for key, n in outcomes.items()
                         if key.isdigit() and int(key) >= 500 and key not in ("500", "503")),
        "connection_errors": outcomes.get("connection", 0) + outcomes.get("timeout", 0),
        "lost": check["lost"], "doubled": check["doubled"],
        "half_written": check["half_written"], "extra": check["extra"],
        "wrong_latest": check["wrong_latest"], "left_in_queues": check["sent"]
        - check["acknowledged"], "intact": intact["ok"], "integrity": intact,
        "by_phase": {phase: dict(counter) for phase, counter in timings.by_phase.items()},
        "server_log": stack.log_problems(server.log_path), **notes,
    }
    # What a leader and the data would notice; tracebacks in the log are counted apart.
    row["passed"] = (check["exactly_once"] and intact["ok"] and row["status_500"] == 0
                     and row["other_5xx"] == 0 and row["left_in_queues"] == 0)
    return row


async def _run_with_fault(server: stack.Server, phones: int, phase: float, fault,
                          timings: PhaseTimings, before) -> fleet_of.Ledger:
    """Phones rate for a phase, ``fault`` runs (a coroutine that sets the phases), phones
    rate a phase more, then send what they still hold."""
    ledger = fleet_of.Ledger()
    fleet = await fleet_of.build_fleet(server.base, before.leaders, phones, ledger)
    try:
        stop = asyncio.Event()
        timings.started = time.perf_counter()
        raters = asyncio.create_task(fleet_of.rate(fleet, 20 * phase + 120, timings, stop))
        try:
            await asyncio.sleep(phase)
            await fault(timings)
            timings.phase = "after"
            await asyncio.sleep(phase)
        finally:
            stop.set()
            await raters
        timings.phase = "drain"
        await fleet_of.drain(fleet, timings=timings)
    finally:
        await fleet.close()
    return ledger


# --------------------------------------------------------------------------- scenarios

def scenario_kills(template: stack.Instance, phones: int, phase: float, pg_server=None) -> dict:
    """kill -9 one worker (the master starts another), then master and workers at once;
    start the server again on the same port; phones resend what was not acknowledged."""
    instance = stack.Instance(template.kind, pg_server=pg_server or stack.PG_SERVER)
    instance.create(template)
    server = stack.Server(instance, stack.free_port(), instance.folder / "gunicorn.log")
    notes = {}
    try:
        before = stack.snapshot(instance.engine())
        server.start()
        timings = PhaseTimings()

        async def fault(timings):
            timings.phase = "worker killed"
            victim = server.workers()[0]
            killed = time.monotonic()
            os.kill(victim, 9)
            notes["killed_worker"] = victim
            await asyncio.to_thread(stack.wait_until, lambda: victim not in server.workers()
                                    and len(server.workers()) >= server.expected_workers(),
                                    30, "worker replaced")
            notes["worker_replaced_s"] = round(time.monotonic() - killed, 2)
            await asyncio.sleep(phase)
            timings.phase = "server killed"
            await asyncio.to_thread(server.kill_all)
            await asyncio.sleep(min(phase, 3))
            timings.phase = "restarting"
            restarted = time.monotonic()
            await asyncio.to_thread(server.start)
            notes["server_restart_s"] = round(time.monotonic() - restarted, 2)

        ledger = asyncio.run(_run_with_fault(server, phones, phase, fault, timings, before))
        server.stop()
        return summarize("kill -9 worker, then server", instance, timings, before, ledger,
                         server, notes)
    finally:
        server.stop()
        instance.drop()


def scenario_postgres_stopped(template: stack.Instance, phones: int, phase: float,
                              postgres) -> dict:
    """Stop PostgreSQL (fast: sessions ended, open transactions undone) while phones rate,
    keep it down for a phase, start it again; phones resend their queues."""
    instance = stack.Instance("postgresql", pg_server=postgres.server)
    instance.create(template)
    server = stack.Server(instance, stack.free_port(), instance.folder / "gunicorn.log")
    notes = {"healthz_while_down": None}
    try:
        before = stack.snapshot(instance.engine())
        server.start()
        timings = PhaseTimings()

        async def fault(timings):
            timings.phase = "postgres down"
            try:
                await asyncio.to_thread(postgres.stop)
                await asyncio.sleep(phase)
                notes["healthz_while_down"] = await healthz_status(server.base)
            finally:
                await asyncio.to_thread(postgres.start)
            timings.phase = "postgres back"
            await asyncio.to_thread(stack.wait_until, lambda: stack.http_status(
                f"{server.base}/healthz") == 200, 60, "healthz ok again")
            notes["healthz_after"] = 200

        ledger = asyncio.run(_run_with_fault(server, phones, phase, fault, timings, before))
        server.stop()
        return summarize("PostgreSQL stopped, started", instance, timings, before, ledger,
                         server, notes)
    finally:
        server.stop()
        postgres.start()
        instance.drop()


def scenario_disk_full(template: stack.Instance, phones: int, phase: float) -> dict:
    """The SQLite file on a small ext4 disk of its own; fill it while phones rate; every
    answer must be a 503 or a real acknowledgement; free the space; queues drain."""
    size = sum(f.stat().st_size for f in template.instance_dir.iterdir()) // 2**20
    work = Path(tempfile.mkdtemp(prefix="rating-disk-"))
    image, mount = work / "disk.img", work / "disk"
    mount.mkdir()
    mounted = False
    server = None
    instance = None
    notes = {"disk_mb": size + DISK_SPARE_MB}
    try:
        _mount_small_disk(image, mount, size + DISK_SPARE_MB)
        mounted = True
        instance = stack.Instance("sqlite", instance_dir=mount / "instance")
        instance.create(template)
        before = stack.snapshot(instance.engine())
        server = stack.Server(instance, stack.free_port(), instance.folder / "gunicorn.log")
        server.start()
        timings = PhaseTimings()
        filler = mount / "filler"

        async def fault(timings):
            timings.phase = "disk full"
            notes["filled_bytes"] = await asyncio.to_thread(_fill, filler)
            await asyncio.sleep(phase)
            notes["healthz_while_full"] = await healthz_status(server.base)
            notes["free_bytes_while_full"] = shutil.disk_usage(mount).free
            filler.unlink()
            timings.phase = "space freed"

        ledger = asyncio.run(_run_with_fault(server, phones, phase, fault, timings, before))
        server.stop()
        return summarize("SQLite disk full", instance, timings, before, ledger, server, notes)
    finally:
        if server is not None:
            server.stop()
        if instance is not None:
            instance.drop()
        if mounted:
            _run(["umount", str(mount)])
        shutil.rmtree(work, ignore_errors=True)


def _mount_small_disk(image: Path, mount: Path, megabytes: int) -> None:
    with open(image, "wb") as handle:
        handle.truncate(megabytes * 2**20)
    for command in (["mkfs.ext4", "-q", "-F", "-m", "0", str(image)],
                    ["mount", "-o", "loop", str(image), str(mount)]):
        done = _run(command)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]}: {done.stderr.strip()}")


def _fill(path: Path) -> int:
    """Write until the disk refuses (ENOSPC), in shrinking chunks; bounded by the disk."""
    written = 0
    with open(path, "wb", buffering=0) as handle:
        for chunk in (2**20, 2**16, 2**12, 2**9):
            block = b"\0" * chunk
            for _ in range(10_000):
                try:
                    written += handle.write(block)
                except OSError:
                    break
        with contextlib.suppress(OSError):
            os.fsync(handle.fileno())
    return written


# --------------------------------------------------------------------------- the run

TABLE = ("{scenario:<30} {database:<10} {requests:>8} {acknowledged:>6} {status_500:>4} "
         "{status_503:>5} {connection_errors:>5} {lost:>4} {doubled:>7} {half_written:>5} "
         "{left_in_queues:>6} {intact:>6} {passed:>6}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--phase-seconds", type=float, default=5)
    parser.add_argument("--pg-server", choices=["private", "system"], default="private")
    parser.add_argument("--only", choices=["kills", "postgres", "disk"], action="append")
    args = parser.parse_args(argv)
    if not 1 <= args.phones <= 500 or not 1 <= args.phase_seconds <= 60:
        parser.error("use 1..500 phones and 1..60 seconds a phase")
    if os.geteuid() != 0:
        parser.error("run as root: the disk-full scenario mounts a small disk")
    wanted = set(args.only or ["kills", "postgres", "disk"])
    rows, skipped = [], []
    postgres = None
    templates = []
    try:
        postgres = PrivatePostgres() if args.pg_server == "private" else SystemPostgres()
        postgres.start()
        sqlite = stack.Instance("sqlite")
        templates.append(sqlite)
        sqlite.create()
        pg = stack.Instance("postgresql", pg_server=postgres.server)
        templates.append(pg)
        pg.create()
        for name, run in (
            ("kills", lambda: scenario_kills(sqlite, args.phones, args.phase_seconds)),
            ("kills", lambda: scenario_kills(pg, args.phones, args.phase_seconds,
                                             postgres.server)),
            ("postgres", lambda: scenario_postgres_stopped(pg, args.phones,
                                                           args.phase_seconds, postgres)),
            ("disk", lambda: scenario_disk_full(sqlite, args.phones, args.phase_seconds)),
        ):
            if name in wanted:
                rows.append(run())
                print(f"  done: {rows[-1]['scenario']} on {rows[-1]['database']}",
                      flush=True)
    finally:
        for template in templates:
            with contextlib.suppress(Exception):
                template.drop()
        if postgres is not None:
            postgres.close()  # the system cluster is always started again
    print(TABLE.format(scenario="scenario", database="database", requests="requests",
                       acknowledged="acked", status_500="500", status_503="503",
                       connection_errors="conn", lost="lost", doubled="doubled",
                       half_written="half", left_in_queues="queued", intact="intact",
                       passed="passed"))
    for row in rows:
        print(TABLE.format(**{key: row[key] for key in (
            "scenario", "database", "requests", "acknowledged", "status_500", "status_503",
            "connection_errors", "lost", "doubled", "half_written", "left_in_queues")},
            intact=str(row["intact"]), passed=str(row["passed"])))
        print(f"    {row['integrity']['check']}; by phase {row['by_phase']}")
        extra = {key: row[key] for key in row if key.startswith((
            "healthz", "free_", "filled", "killed", "disk_", "worker_", "server_restart"))}
        log = row["server_log"]
        print(f"    {extra} log: {log['tracebacks']} tracebacks, {log['status_500']} 500s, "
              f"{log['database_unavailable']} database-unavailable; {log['first_errors']}")
    print(json.dumps({"benchmark": "faults", "scenarios": rows, "skipped": skipped,
                      "all_passed": all(row["passed"] for row in rows)}, default=str))
    return 0 if rows and all(row["passed"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
