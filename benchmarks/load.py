"""Load test of the leaders' write path against gunicorn as `make run` starts it, on SQLite and
on PostgreSQL: N virtual leaders log in, submit ratings through POST /api/ratings, replay a
tenth with the same submission id and edit some; then the database is checked.

Run: ``.venv/bin/python benchmarks/load.py [--leaders 200] [--seconds 20]
[--database sqlite|postgresql|both]``. Prints a table and, last, one line of JSON. Every
request goes to 127.0.0.1; every loop is bounded in count and time. faults.py reuses the
pieces (the instance, the server, the phones and the ledger of what was acknowledged).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DEMO_PIN = "2468"
PURPOSES = ("housing", "compensation", "legal_case", "livelihood", "child_protection",
            "health", "documents", "other")
ANSWERS = ("yes", "partly", "no", None)
COMMENTS = (None, None, "ভালো ব্যবহার করেছেন", "কাজ হয়নি, আবার যেতে হবে",
            "They listened and sent the file on.")
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REQUEST_TIMEOUT = 15.0  # seconds a phone waits for an answer before it keeps the rating queued
MOST_REQUESTS_PER_LEADER = 20_000  # a bound on every loop, whatever the clock says
DRAIN_SECONDS = 30.0  # after the timed run, queues still holding ratings get this long


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
            "RATELIMIT_STORAGE_URI": "memory://",
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


# --------------------------------------------------------------------------- the phones

@dataclass
class Timings:
    """What one route did: every latency, and every outcome by status or failure."""

    latencies: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    started: float = 0.0
    finished: float = 0.0

    def record(self, outcome, seconds: float) -> None:
        self.outcomes[outcome] += 1
        self.latencies.append(seconds)

    @property
    def requests(self) -> int:
        return sum(self.outcomes.values())

    def summary(self) -> dict:
        elapsed = max(self.finished - self.started, 1e-9)
        ordered = sorted(self.latencies)

        def percentile(share):
            if not ordered:
                return None
            return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

        status_5xx = sum(n for key, n in self.outcomes.items()
                         if isinstance(key, int) and key >= 500)
        return {
            "requests": self.requests, "seconds": round(elapsed, 2),
            "per_second": round(self.requests / elapsed, 1),
            "p50_ms": percentile(0.50), "p95_ms": percentile(0.95),
            "p99_ms": percentile(0.99),
            "mean_ms": round(1000 * statistics.fmean(ordered), 1) if ordered else None,
            "status_5xx": status_5xx,
            "status_503": self.outcomes.get(503, 0),
            "status_500": self.outcomes.get(500, 0),
            "timeouts": self.outcomes.get("timeout", 0),
            "connection_errors": self.outcomes.get("connection", 0),
            "outcomes": {str(key): n for key, n in sorted(self.outcomes.items(), key=str)},
        }


@dataclass
class Sent:
    submission_id: str
    account: str
    office_id: int
    payload: dict
    serial: int  # creation order of this phone's ratings for this office
    first_answer: dict | None = None
    first_status: int | None = None


class Ledger:
    """Everything the phones sent and every answer that acknowledged it: what the database
    must hold afterwards."""

    def __init__(self):
        self.sent: dict[str, Sent] = {}
        self.replays = Counter()  # "same" answer as the first time, or "different"
        self.unexpected: Counter = Counter()  # statuses that are neither stored nor retryable
        self._serial = 0

    def new(self, account: str, office_id: int, payload: dict) -> Sent:
        self._serial += 1
        sent = Sent(payload["submission_id"], account, office_id, payload, self._serial)
        self.sent[sent.submission_id] = sent
        return sent

    def acknowledged(self) -> dict[str, Sent]:
        return {key: sent for key, sent in self.sent.items() if sent.first_answer is not None}


class Phone:
    """One virtual leader's phone: its own cookies, its CSRF token, and an outbox that keeps
    each rating until the server has acknowledged it, resending with the same submission id
    (first in, first out, as the page's offline queue does)."""

    def __init__(self, http: aiohttp.ClientSession, base: str, account: str,
                 offices: list[int], ledger: Ledger, rng: random.Random):
        self.http, self.base, self.account = http, base, account
        self.offices, self.ledger, self.rng = offices, ledger, rng
        self.csrf = None
        self.outbox: list[Sent] = []
        self.rated: dict[int, Sent] = {}  # office -> latest acknowledged rating

    async def login(self) -> None:
        async with self.http.get(f"{self.base}/login") as page:
            token = CSRF_FIELD.search(await page.text()).group(1)
        form = {"username": self.account, "password": DEMO_PIN, "csrf_token": token}
        async with self.http.post(f"{self.base}/login", data=form,
                                  allow_redirects=False) as answer:
            await answer.read()
            if answer.status != 302:
                raise RuntimeError(f"login of {self.account} answered {answer.status}")
        await self.refresh_token()

    async def refresh_token(self) -> None:
        async with self.http.get(f"{self.base}/api/session") as answer:
            self.csrf = (await answer.json())["csrf_token"]

    def compose(self, cycle_id: int) -> Sent:
        """A new rating (an office not rated yet) or, once all are, an edit of one."""
        fresh = [office for office in self.offices if office not in self.rated
                 and all(sent.office_id != office for sent in self.outbox)]
        edit = not fresh or self.rng.random() < 0.2
        office_id = self.rng.choice(list(self.rated) if edit and self.rated else
                                    fresh or self.offices)
        comment = self.rng.choice(COMMENTS)
        payload = {"submission_id": uuid.uuid4().hex, "cycle_id": cycle_id,
                   "office_id": office_id, "score": self.rng.randint(1, 10),
                   "purpose": self.rng.choice(PURPOSES), "respect": self.rng.choice(ANSWERS),
                   "resolved": self.rng.choice(ANSWERS), "comment": comment,
                   "quote_consent": bool(comment) and self.rng.random() < 0.5}
        return self.ledger.new(self.account, office_id, payload)

    async def post(self, sent: Sent, timings: Timings) -> int | str:
        """Send one rating; record the outcome; return the status (or "timeout"...)."""
        started = time.perf_counter()
        try:
            async with self.http.post(f"{self.base}/api/ratings", json=sent.payload,
                                      headers={"X-CSRFToken": self.csrf or ""}) as answer:
                body = await answer.json(content_type=None)
                status = answer.status
        except TimeoutError:
            status, body = "timeout", None
        except (aiohttp.ClientError, json.JSONDecodeError, ConnectionError):
            status, body = "connection", None
        timings.record(status, time.perf_counter() - started)
        if status in (200, 201):
            if sent.first_answer is None:
                sent.first_answer, sent.first_status = body, status
            elif body != sent.first_answer:
                self.ledger.replays["different"] += 1
            else:
                self.ledger.replays["same"] += 1
        elif isinstance(status, int) and status < 500 and status not in (400, 401):
            self.ledger.unexpected[status] += 1
        return status

    async def step(self, cycle_id: int, timings: Timings, replay_share: float = 0.1) -> None:
        """One request: the outbox's oldest rating if any, else a replay or a new rating."""
        if not self.outbox:
            acknowledged = list(self.rated.values())
            if acknowledged and self.rng.random() < replay_share:
                await self.post(self.rng.choice(acknowledged), timings)  # a double tap
                return
            self.outbox.append(self.compose(cycle_id))
        sent = self.outbox[0]
        status = await self.post(sent, timings)
        if status in (200, 201):
            self.outbox.pop(0)
            self.rated[sent.office_id] = sent
        elif status in (400, 401):
            # The session or its token went (a restarted server keeps them; this is a fault
            # being simulated): log in again and keep the rating, as the phone does.
            await self._relogin()
        elif status in (409, 422):
            self.outbox.pop(0)  # refused for good; counted as unexpected above

    async def _relogin(self) -> None:
        with contextlib.suppress(aiohttp.ClientError, TimeoutError, RuntimeError,
                                 AttributeError):
            await self.login()


def new_http_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies from 127.0.0.1
        connector=aiohttp.TCPConnector(limit=1),  # one phone, one request at a time
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT))


@dataclass
class Fleet:
    """The phones of a run: which account each uses and which offices it rates. Accounts
    are reused past the demo's leaders; phones sharing an account rate disjoint offices, so
    "the latest edit wins" stays well defined."""

    phones: list[Phone]
    cycle_id: int
    sessions: list[aiohttp.ClientSession]

    async def close(self) -> None:
        await asyncio.gather(*(session.close() for session in self.sessions))


async def build_fleet(base: str, accounts: list[str], count: int, ledger: Ledger,
                      seed: int = 2468) -> Fleet:
    sessions = [new_http_session() for _ in range(count)]
    probe = sessions[0]
    first = Phone(probe, base, accounts[0], [], ledger, random.Random(seed))
    await first.login()
    async with probe.get(f"{base}/api/cycles/open") as answer:
        cycle_id = (await answer.json())["cycle"]["id"]
    async with probe.get(f"{base}/api/offices") as answer:
        offices = [office["id"] for office in (await answer.json())["offices"]]
    sharing = -(-count // len(accounts))  # phones per account, rounded up
    phones = []
    for index, session in enumerate(sessions):
        share = index // len(accounts)
        mine = [office for n, office in enumerate(offices) if n % sharing == share]
        phones.append(Phone(session, base, accounts[index % len(accounts)], mine, ledger,
                            random.Random(seed + index)))
    # Log in a few at a time: logins are not what this measures.
    gate = asyncio.Semaphore(16)

    async def log_in(phone):
        async with gate:
            await phone.login()

    await asyncio.gather(*(log_in(phone) for phone in phones))
    return Fleet(phones, cycle_id, sessions)


async def hammer_trivial(fleet: Fleet, base: str, seconds: float) -> Timings:
    """Every phone asks GET /healthz again and again: the cheapest route that still goes
    through the app and the database."""
    timings = Timings(started=time.perf_counter())
    deadline = time.monotonic() + seconds

    async def loop(phone):
        for _ in range(MOST_REQUESTS_PER_LEADER):
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                async with phone.http.get(f"{base}/healthz") as answer:
                    await answer.read()
                    status = answer.status
            except TimeoutError:
                status = "timeout"
            except (aiohttp.ClientError, ConnectionError):
                status = "connection"
            timings.record(status, time.perf_counter() - started)

    await asyncio.gather(*(loop(phone) for phone in fleet.phones))
    timings.finished = time.perf_counter()
    return timings


async def rate(fleet: Fleet, seconds: float, timings: Timings | None = None,
               stop: asyncio.Event | None = None) -> Timings:
    """Every phone submits, replays and edits ratings until the time is up (or ``stop``)."""
    timings = timings or Timings()
    timings.started = timings.started or time.perf_counter()
    deadline = time.monotonic() + seconds

    async def loop(phone):
        for _ in range(MOST_REQUESTS_PER_LEADER):
            if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                return
            status = await phone.step(fleet.cycle_id, timings)
            if phone.outbox and status not in (200, 201):
                await asyncio.sleep(0.2 + phone.rng.random() * 0.3)  # a phone's back-off

    await asyncio.gather(*(loop(phone) for phone in fleet.phones))
    timings.finished = time.perf_counter()
    return timings


async def drain(fleet: Fleet, seconds: float = DRAIN_SECONDS,
                timings: Timings | None = None) -> Timings:
    """Send what the phones still hold, and nothing new; bounded in time and count."""
    timings = timings or Timings(started=time.perf_counter())
    deadline = time.monotonic() + seconds

    async def loop(phone):
        for _ in range(1000):
            if not phone.outbox or time.monotonic() >= deadline:
                return
            status = await phone.step(fleet.cycle_id, timings, replay_share=0)
            if status not in (200, 201):
                await asyncio.sleep(0.5)

    await asyncio.gather(*(loop(phone) for phone in fleet.phones))
    timings.finished = time.perf_counter()
    return timings


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


# --------------------------------------------------------------------------- the run

def run_one(kind: str, leaders: int, seconds: float, trivial_seconds: float) -> dict:
    instance = Instance(kind)
    server = None
    try:
        setup_started = time.perf_counter()
        instance.create()
        engine = instance.engine()
        before = snapshot(engine)
        server = Server(instance, free_port(), instance.folder / "gunicorn.log")
        server.start()
        setup_seconds = time.perf_counter() - setup_started
        figures = asyncio.run(_measure(server, before.leaders, leaders, seconds,
                                       trivial_seconds))
        server.stop()
        figures["check"] = check_database(engine, before, figures.pop("ledger"))
        engine.dispose()
        figures["server_log"] = _log_problems(server.log_path)
        figures["setup_seconds"] = round(setup_seconds, 1)
        figures["database"] = kind
        figures["workers"] = server.expected_workers()
        figures["threads"] = int(os.environ.get("WEB_THREADS")  # gunicorn.conf.py's default
                                 or (2 if kind == "postgresql" else 1))
        figures["accounts"] = min(leaders, len(before.leaders))
        figures["load_average"] = round(os.getloadavg()[0], 1)  # other work on the machine
        return figures
    finally:
        if server is not None:
            server.stop()
        instance.drop()


async def _measure(server: Server, accounts: list[str], leaders: int, seconds: float,
                   trivial_seconds: float) -> dict:
    ledger = Ledger()
    login_started = time.perf_counter()
    fleet = await build_fleet(server.base, accounts, leaders, ledger)
    login_seconds = time.perf_counter() - login_started
    try:
        cpu = (time.process_time(), server.cpu_seconds())
        trivial = await hammer_trivial(fleet, server.base, trivial_seconds)
        trivial_cpu = (time.process_time() - cpu[0], server.cpu_seconds() - cpu[1])
        cpu = (time.process_time(), server.cpu_seconds())
        ratings = await rate(fleet, seconds)
        ratings_cpu = (time.process_time() - cpu[0], server.cpu_seconds() - cpu[1])
        leftover = await drain(fleet)
    finally:
        await fleet.close()
    trivial_summary, ratings_summary = trivial.summary(), ratings.summary()
    # Server CPU per request is the figure a busy machine disturbs least.
    for summary, (client, server_cpu) in ((trivial_summary, trivial_cpu),
                                          (ratings_summary, ratings_cpu)):
        summary["cpu_s"] = {"client": round(client, 1), "server": round(server_cpu, 1)}
        summary["server_cpu_ms_per_request"] = round(
            1000 * server_cpu / max(summary["requests"], 1), 2)
    return {"leaders": leaders, "login_seconds": round(login_seconds, 1),
            "trivial": trivial_summary, "ratings": ratings_summary,
            "drain": leftover.summary() if leftover.requests else None,
            "ratio": round(ratings_summary["per_second"] / trivial_summary["per_second"], 3),
            "ledger": ledger}


def _log_problems(path: Path) -> dict:
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


TABLE = ("{database:<10} {route:<18} {requests:>8} {per_second:>8} {p50_ms:>7} {p95_ms:>7} "
         "{p99_ms:>7} {status_5xx:>5} {timeouts:>5} {cpu:>11}")


def print_run(figures: dict) -> None:
    print(TABLE.format(database="database", route="route", requests="requests",
                       per_second="req/s", p50_ms="p50 ms", p95_ms="p95 ms", p99_ms="p99 ms",
                       status_5xx="5xx", timeouts="t/o", cpu="cpu cli/srv"))
    for route, part in (("GET /healthz", "trivial"), ("POST /api/ratings", "ratings")):
        row = figures[part]
        print(TABLE.format(database=figures["database"], route=route,
                           cpu=f"{row['cpu_s']['client']}/{row['cpu_s']['server']}",
                           **{key: row[key] for key in (
                               "requests", "per_second", "p50_ms", "p95_ms", "p99_ms",
                               "status_5xx", "timeouts")}))
    check = figures["check"]
    print(f"  {figures['leaders']} phones on {figures['accounts']} accounts, "
          f"{figures['workers']} workers x {figures['threads']} threads; logins took {figures['login_seconds']} s; "
          f"ratio ratings/trivial {figures['ratio']}; server CPU per request "
          f"{figures['trivial']['server_cpu_ms_per_request']} ms (healthz), "
          f"{figures['ratings']['server_cpu_ms_per_request']} ms (rating); machine load "
          f"average {figures['load_average']} on {os.cpu_count()} cores")
    print(f"  outcomes of POST /api/ratings: {figures['ratings']['outcomes']}")
    print(f"  acknowledged {check['acknowledged']} of {check['sent']} sent; present "
          f"{check['present']}, lost {check['lost']}, doubled {check['doubled']}, extra "
          f"{check['extra']}, wrong latest {check['wrong_latest']}, changed elsewhere "
          f"{check['changed_elsewhere']}; replays answered as the first time "
          f"{check['replays_same_answer']}")
    log = figures["server_log"]
    print(f"  server log: {log['tracebacks']} tracebacks, {log['status_500']} 500s, "
          f"{log['database_unavailable']} database-unavailable, "
          f"{log['worker_timeouts']} worker timeouts {log['first_errors'] or ''}")


def goals_met(figures: dict) -> dict:
    ratings = figures["ratings"]
    return {"no_errors": ratings["status_5xx"] + ratings["timeouts"]
            + ratings["connection_errors"] == 0 and not figures["check"]["unexpected_refusals"],
            "exactly_once": figures["check"]["exactly_once"],
            "half_of_trivial": figures["ratio"] >= 0.5}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--trivial-seconds", type=float, default=None,
                        help="how long to measure GET /healthz (default: half of --seconds)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv)
    if not 1 <= args.leaders <= 2000 or not 1 <= args.seconds <= 600:
        parser.error("use 1..2000 leaders and 1..600 seconds")
    trivial_seconds = args.trivial_seconds or max(5.0, args.seconds / 2)
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    runs, skipped = [], []
    for kind in kinds:
        if kind == "postgresql" and not postgres_reachable():
            skipped.append("postgresql: no server on 127.0.0.1:5432 for user postgres")
            print(f"skipped {skipped[-1]}")
            continue
        figures = run_one(kind, args.leaders, args.seconds, trivial_seconds)
        figures["goals"] = goals_met(figures)
        print_run(figures)
        runs.append(figures)
    ok = all(run["goals"]["no_errors"] and run["goals"]["exactly_once"] for run in runs)
    print(json.dumps({"benchmark": "load", "runs": runs, "skipped": skipped,
                      "all_goals": all(all(run["goals"].values()) for run in runs)}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
