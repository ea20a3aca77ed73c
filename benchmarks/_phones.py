"""Virtual leaders' phones for load.py and faults.py (not a benchmark itself): each logs in,
keeps an outbox that resends a rating with the same submission id until it is acknowledged,
replays some and edits some; and a ledger of every acknowledgement.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

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
                      seed: int = 2468, phone_class: type[Phone] = Phone) -> Fleet:
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
        phones.append(phone_class(session, base, accounts[index % len(accounts)], mine,
                                  ledger, random.Random(seed + index)))
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
