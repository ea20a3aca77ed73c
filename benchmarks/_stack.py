"""The pieces of a load or fault run that are not phones: a throw-away instance of the service
(SQLite folder or PostgreSQL database, demo network loaded), gunicorn serving it as `make run`
does, what its log says went wrong, and the check that the database holds every acknowledged
rating exactly once. Used by load.py and faults.py (not a benchmark itself).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from _phones import Ledger, Sent

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


# --------------------------------------------------------------------------- the database

class Instance:
    """A throw-away instance: a temp folder for SQLite (and the app's generated secrets), or
    a fresh PostgreSQL database that is dropped at the end; the demo network loaded."""

    def __init__(self, kind: str, instance_dir: Path | None = None,
                 pg_server: str = PG_SERVER):
        self.kind, self.pg_server = kind, pg_server
        self.folder = Path(tempfile.mkdtemp(prefix=f"rating-{kind}-"))
        self.instance_dir = instance_dir or self.folder / "instance"
        self.pg_name = None
        if kind == "sqlite":
            self.url = f"sqlite:///{self.instance_dir / 'rating.sqlite3'}"
        else:
            self.pg_name = f"rating_load_{uuid.uuid4().hex[:10]}"
            self.url = f"{pg_server}/{self.pg_name}"

    @property
    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "RATING_INSTANCE_PATH": str(self.instance_dir),
            "DATABASE_URL": self.url,
            # Every virtual leader logs in from 127.0.0.1: the per-address limit would
            # refuse most of them, which is not what this measures.
            "LOGIN_RATE_LIMIT": "1000000 per minute",
            # The demo PINs are hashed cheaply so that 200 logins take seconds, not minutes;
            # logins happen before the timed part and are not measured.
            "PASSWORD_HASH_PROFILE": "test",
            # A virtual phone rates far faster than a leader's thumb: the per-account write
            # limit is raised, not turned off, so every rating still pays for counting it in
            # the limit storage `make run` uses (the SQLite file beside the database).
            "RATING_WRITE_LIMIT": "1000000 per minute",
        })
        return env

    def create(self, template: Instance | None = None) -> None:
        """The schema and the demo network; copied from ``template`` (never served) when
        given, which takes a second instead of half a minute."""
        if template is not None and self.kind == "sqlite":
            shutil.copytree(template.instance_dir, self.instance_dir, dirs_exist_ok=True)
            return
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        if self.pg_name:
            source = f' TEMPLATE "{template.pg_name}"' if template is not None else ""
            with _admin_engine(self.pg_server).connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.pg_name}"{source}'))
            if template is not None:  # the secrets that sign sessions and rater keys
                shutil.copytree(template.instance_dir, self.instance_dir, dirs_exist_ok=True)
                return
        self.flask("init-db")
        self.flask("demo-data")

    def flask(self, *arguments: str) -> str:
        done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *arguments], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(arguments)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def engine(self):
        return create_engine(self.url, poolclass=NullPool)

    def drop(self) -> None:
        if self.pg_name:
            with _admin_engine(self.pg_server).connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
        shutil.rmtree(self.folder, ignore_errors=True)


def _admin_engine(server: str = PG_SERVER):
    return create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT",
                         poolclass=NullPool)


def postgres_reachable(server: str = PG_SERVER) -> bool:
    try:
        with _admin_engine(server).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return False


# --------------------------------------------------------------------------- the server

def free_port() -> int:
    """A free port: the first free one of BENCHMARK_PORTS (e.g. ``8190-8194``) when set, so
    that runs sharing a machine keep to their own ports; else any the kernel gives."""
    first, _, last = os.environ.get("BENCHMARK_PORTS", "").partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in BENCHMARK_PORTS={os.environ['BENCHMARK_PORTS']}")


def wait_until(check, seconds: float, what: str, step: float = 0.1) -> None:
    """Poll ``check`` until it is true; at most ``seconds`` (bounded in count as well)."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / step) + 1):
        if check():
            return
        if time.monotonic() > deadline:
            break
        time.sleep(step)
    raise TimeoutError(f"{what}: not within {seconds:.0f} s")


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Server:
    """gunicorn with the project's gunicorn.conf.py, as `make run` starts it, in its own
    process group so that it (and only it) can be stopped or killed."""

    def __init__(self, instance: Instance, port: int, log_path: Path, extra_env=None):
        self.instance, self.port, self.log_path = instance, port, log_path
        self.extra_env = extra_env or {}
        self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_seconds: float = 60) -> None:
        env = {**self.instance.env, **self.extra_env}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py",
                 "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        wait_until(lambda: self.process.poll() is not None
                   or http_status(f"{self.base}/healthz") == 200, ready_seconds, "server ready")
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see "
                               f"{self.log_path}")
        wait_until(lambda: len(self.workers()) >= self.expected_workers(), ready_seconds,
                   "all workers booted")

    def expected_workers(self) -> int:
        # gunicorn.conf.py's default: one process per core
        return int(self.extra_env.get("WEB_WORKERS") or os.environ.get("WEB_WORKERS")
                   or os.cpu_count() or 1)

    def workers(self) -> list[int]:
        """The master's child processes (its workers), from /proc."""
        if self.process is None:
            return []
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rpartition(")")[2].split()[1])
            if parent == self.process.pid:
                children.append(int(entry.name))
        return sorted(children)

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (clock ticks / HZ)."""
        total = 0
        for pid in [self.process.pid, *self.workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self, seconds: float = 40) -> None:
        """SIGTERM (gunicorn's graceful stop), then SIGKILL to the group if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            self.kill_all()

    def kill_all(self) -> None:
        """kill -9 the master and every worker at once: a power cut, as far as they know."""
        if self.process is None:
            return
        pids = [self.process.pid, *self.workers()]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(30)
        # Workers orphaned by the master's death are ours too; they die with SIGKILL above.
        wait_until(lambda: not any(Path(f"/proc/{pid}").exists() and _alive(pid)
                                   for pid in pids), 10, "killed processes gone")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def log_problems(path: Path) -> dict:
    """What the server's log says went wrong: tracebacks, 500s, database outages, worker
    restarts, counted, plus the first distinct error line (no personal data is logged)."""
    text_ = path.read_text(errors="replace") if path.exists() else ""
    lines = text_.splitlines()
    errors = [line for line in lines if "ERROR" in line or "CRITICAL" in line]
    if os.environ.get("RATING_BENCH_KEEP_LOGS"):
        shutil.copy(path, Path(os.environ["RATING_BENCH_KEEP_LOGS"]) / f"{path.parent.name}.log")
    tracebacks = text_.split("Traceback (most recent call last):")[1:]
    return {"tracebacks": len(tracebacks),
            # The end of the first traceback says where it failed; the app logs no data.
            "first_traceback": "\n".join(tracebacks[0].strip().splitlines()[-12:])
            if tracebacks else None,
            "status_500": sum(1 for line in lines if '" 500 ' in line),
            "database_unavailable": sum("database unavailable" in line for line in lines),
            "worker_timeouts": sum("WORKER TIMEOUT" in line for line in lines),
            "first_errors": sorted({line.split("] ", 1)[-1][:160] for line in errors})[:5]}


# --------------------------------------------------------------------------- the check

@dataclass
class Snapshot:
    """What the database held before the phones began."""

    submissions: set[str]
    ratings: dict[int, tuple]  # id -> (cycle, office, rater_key, submission_id, score)
    leaders: list[str]


def snapshot(engine) -> Snapshot:
    with engine.connect() as connection:
        submissions = set(connection.scalars(text(
            "SELECT submission_id FROM rating_submissions")))
        ratings = {row[0]: tuple(row[1:]) for row in connection.execute(text(
            "SELECT id, cycle_id, office_id, rater_key, submission_id, score FROM ratings"))}
        leaders = list(connection.scalars(text(
            "SELECT login FROM users WHERE role = 'leader' AND active ORDER BY login")))
    return Snapshot(submissions, ratings, leaders)


def check_database(engine, before: Snapshot, ledger: Ledger) -> dict:
    """Every acknowledged submission present exactly once; each leader's rating of an office
    is their latest stored edit with its score; nothing else added or changed."""
    now = snapshot(engine)
    with engine.connect() as connection:
        stored = {row[0]: (row[1], row[2]) for row in connection.execute(text(
            "SELECT submission_id, rater_key, rating_id FROM rating_submissions"))}
        doubled_ids = connection.execute(text(
            "SELECT count(*) FROM (SELECT submission_id FROM rating_submissions "
            "GROUP BY submission_id HAVING count(*) > 1) AS d")).scalar_one()
        doubled_ratings = connection.execute(text(
            "SELECT count(*) FROM (SELECT 1 FROM ratings GROUP BY cycle_id, office_id, "
            "rater_key HAVING count(*) > 1) AS d")).scalar_one()
        orphans = connection.execute(text(
            "SELECT count(*) FROM rating_submissions s LEFT JOIN ratings r "
            "ON r.id = s.rating_id WHERE r.id IS NULL")).scalar_one()
    acknowledged = ledger.acknowledged()
    lost = [key for key in acknowledged if key not in stored]
    new = set(stored) - before.submissions
    extra = [key for key in new if key not in ledger.sent]
    stored_unacknowledged = [key for key in new
                             if key in ledger.sent and key not in acknowledged]
    # Which rater key is which account, from the submissions the server stored.
    keys = defaultdict(set)
    for key, sent in ledger.sent.items():
        if key in stored:
            keys[sent.account].add(stored[key][0])
    mixed_keys = [account for account, found in keys.items() if len(found) != 1]
    key_of = {account: next(iter(found)) for account, found in keys.items() if len(found) == 1}
    # The rating each (account, office) must show: its latest submission that was stored.
    latest: dict[tuple, Sent] = {}
    for key, sent in ledger.sent.items():
        pair = (sent.account, sent.office_id)
        if key in stored and (pair not in latest or latest[pair].serial < sent.serial):
            latest[pair] = sent
    # Keyed by cycle too: the same leader rated the same office in the demo's closed cycles.
    by_pair = {row[:3]: (rating_id, row) for rating_id, row in now.ratings.items()}
    wrong_latest = []
    touched = set()
    for (account, office_id), sent in latest.items():
        key = key_of.get(account)
        target = (sent.payload["cycle_id"], office_id, key)
        rating_id, row = by_pair.get(target, (None, None)) if key else (None, None)
        if row is None or row[3] != sent.submission_id or row[4] != sent.payload["score"]:
            wrong_latest.append(sent.submission_id)
        touched.add(rating_id)
    # A rating changed or added by the run must carry a submission the server stored with it.
    half_written = [rating_id for rating_id, row in now.ratings.items()
                    if before.ratings.get(rating_id) != row and row[3] not in stored]
    changed_elsewhere = [rating_id for rating_id, row in before.ratings.items()
                         if rating_id not in touched and now.ratings.get(rating_id) != row]
    added_elsewhere = [rating_id for rating_id in now.ratings
                       if rating_id not in before.ratings and rating_id not in touched]
    result = {
        "sent": len(ledger.sent), "acknowledged": len(acknowledged),
        "present": len(acknowledged) - len(lost), "lost": len(lost),
        "doubled": doubled_ids + doubled_ratings + ledger.replays["different"],
        "extra": len(extra) + len(added_elsewhere), "wrong_latest": len(wrong_latest),
        "changed_elsewhere": len(changed_elsewhere), "orphan_submissions": orphans,
        "half_written": len(half_written),
        "mixed_rater_keys": len(mixed_keys),
        "stored_unacknowledged": len(stored_unacknowledged),
        "replays_same_answer": ledger.replays["same"],
        "unexpected_refusals": dict(ledger.unexpected),
    }
    result["exactly_once"] = all(result[name] == 0 for name in (
        "lost", "doubled", "extra", "wrong_latest", "changed_elsewhere",
        "orphan_submissions", "half_written", "mixed_rater_keys"))
    return result
