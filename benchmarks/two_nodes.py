"""Two web nodes, one PostgreSQL, one Redis queue, a worker per node, 200 phones rating.

What it shows, in one run:
1. a pack built through node A is downloaded through node B (the zip is in the database,
   not on A's disk; each node has its own instance folder);
2. node A's worker is killed (kill -9) in the middle of a district pack: the job's lease runs
   out, node B's worker (which runs the scheduler) hands it out again and builds it; the pack
   is built exactly once (one "pack.build" in the audit, one stored zip, job attempts 2);
3. node A is killed altogether (kill -9, master and workers) while the phones rate; the
   phones alternate between the nodes and resend what was not acknowledged, so every rating
   acknowledged is stored exactly once (0 lost, 0 doubled).

Run: ``.venv/bin/python benchmarks/two_nodes.py [--leaders 200] [--seconds 60]`` (the
phones rate until both packs are done and node A has been dead for half of ``--seconds``). Needs
PostgreSQL (postgres@127.0.0.1:5432) and Redis (127.0.0.1:6379; db 7, keys named after this
run only, deleted at the end). Ports 8185-8186. Prints a table and, last, one line of JSON.
Every request goes to 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import redis
from _phones import Ledger, Phone, build_fleet, drain, rate
from _stack import (
    BIN,
    ROOT,
    Instance,
    Server,
    check_database,
    log_problems,
    postgres_reachable,
    snapshot,
    wait_until,
)
from sqlalchemy import text

from rating.evidence.keys import demo_key_files

REDIS_URL = os.environ.get("TWO_NODES_REDIS", "redis://127.0.0.1:6379/7")
PORTS = {"A": 8185, "B": 8186}
MOST_SECONDS = 900  # the phones stop by then, whatever happens
LEASE_SECONDS = 10  # a killed worker's job is handed out again this long after its last beat
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STAFF = ("staff", "demo-staff-pass")


class Node:
    """One machine, as far as the service can tell: its own instance folder, gunicorn, and a
    job worker (``huey_consumer worker.huey``), sharing only the database and the queue."""

    def __init__(self, name: str, instance: Instance, folder: Path, env: dict,
                 scheduler: bool):
        self.name, self.scheduler = name, scheduler
        self.folder = folder / f"node-{name}"
        (self.folder / "instance").mkdir(parents=True, exist_ok=True)
        self.env = {**env, "RATING_INSTANCE_PATH": str(self.folder / "instance")}
        self.server = Server(instance, PORTS[name], self.folder / "gunicorn.log",
                             extra_env={**self.env, "WEB_WORKERS": "1"})
        self.worker = None

    def start_web(self) -> None:
        self.server.start()

    def start_worker(self) -> None:
        options = [] if self.scheduler else ["--no-periodic"]
        with open(self.folder / "worker.log", "ab") as log:
            self.worker = subprocess.Popen(
                [str(BIN / "huey_consumer"), "worker.huey", "--workers", "1", *options],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def kill_worker(self) -> None:
        os.kill(self.worker.pid, signal.SIGKILL)
        self.worker.wait(30)

    def stop(self) -> None:
        self.server.stop()
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGINT)  # huey's graceful stop
            try:
                self.worker.wait(30)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait(10)


class AlternatingPhone(Phone):
    """A phone whose every request goes to the next node in turn (the simplest balancer);
    a request to a dead node fails, and the outbox resends it to the next."""

    bases: list[str] = []

    def __init__(self, *args, **kwargs):
        self._turn = itertools.cycle(self.bases)
        super().__init__(*args, **kwargs)

    @property
    def base(self) -> str:
        return next(self._turn)

    @base.setter
    def base(self, value: str) -> None:  # the nodes are fixed; Phone.__init__ sets one
        pass


# --------------------------------------------------------------------------- packs

async def staff_session(base: str) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                 timeout=aiohttp.ClientTimeout(total=60))
    async with http.get(f"{base}/login") as page:
        token = CSRF_FIELD.search(await page.text()).group(1)
    async with http.post(f"{base}/login", data={"username": STAFF[0], "password": STAFF[1],
                                                "csrf_token": token},
                         allow_redirects=False) as answer:
        if answer.status != 302:
            raise RuntimeError(f"staff login answered {answer.status}")
    return http


async def build_through(http: aiohttp.ClientSession, base: str, query: dict) -> int:
    """Preview, then "Build this pack", on one node; the pack's id."""
    async with http.get(f"{base}/evidence/", params=query) as page:
        token = CSRF_FIELD.search(await page.text()).group(1)
    async with http.post(f"{base}/evidence/", data={**query, "build": "1", "csrf_token": token},
                         allow_redirects=False) as answer:
        location = answer.headers.get("Location", "")
        if answer.status != 302:
            raise RuntimeError(f"building answered {answer.status}")
    return int(location.rstrip("/").rsplit("/", 1)[1])


def pack_state(engine, pack_id: int) -> dict:
    with engine.connect() as connection:
        pack = connection.execute(text(
            "SELECT p.status, p.file_key, p.manifest_sha256, j.status, j.attempts, j.worker, "
            "j.progress FROM packs p JOIN jobs j ON j.id = p.job_id WHERE p.id = :id"),
            {"id": pack_id}).one()
        builds = connection.execute(text(
            "SELECT count(*) FROM audit_events WHERE action = 'pack.build' "
            "AND target_id = :id"), {"id": pack_id}).scalar_one()
        stored = connection.execute(text(
            "SELECT count(*) FROM stored_files WHERE key LIKE :prefix"),
            {"prefix": f"packs/{pack_id}/%"}).scalar_one()
    return {"pack_status": pack[0], "file_key": pack[1], "manifest": pack[2],
            "job_status": pack[3], "attempts": pack[4], "worker": pack[5],
            "progress": pack[6], "builds": builds, "stored_zips": stored}


def wait_for_state(engine, pack_id: int, check, seconds: float, what: str) -> dict:
    state = {}

    def reached():
        nonlocal state
        state = pack_state(engine, pack_id)
        return check(state)

    wait_until(reached, seconds, what, step=0.2)
    return state


# --------------------------------------------------------------------------- the run

def missing_services() -> list[str]:
    """What this machine lacks for the run (it is skipped then, as load.py skips PostgreSQL)."""
    missing = [] if postgres_reachable() else ["PostgreSQL on 127.0.0.1:5432 (user postgres)"]
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        missing.append(f"Redis at {REDIS_URL}")
    return missing


def run(leaders: int, seconds: float) -> dict:
    queue = redis.Redis.from_url(REDIS_URL)
    queue_name = f"two-nodes-{uuid.uuid4().hex[:8]}"
    instance = Instance("postgresql")
    nodes: dict[str, Node] = {}
    try:
        started = time.perf_counter()
        instance.create()
        env = {**instance.env, "JOB_QUEUE_URL": REDIS_URL, "JOB_QUEUE_NAME": queue_name,
               "JOB_LEASE_SECONDS": str(LEASE_SECONDS), "FILE_STORAGE": "database",
               # The two nodes sign sessions and rater keys alike, as a deployment's would.
               "SECRET_KEY": secrets.token_hex(32),
               "RATER_KEY_SECRET": (instance.instance_dir / "rater_key_secret").read_text(),
               # ... and sign packs with one organisation's key and certificate
               **demo_key_files(instance.folder, "Two-node benchmark")}
        nodes = {name: Node(name, instance, instance.folder, env, scheduler=name == "B")
                 for name in PORTS}
        for node in nodes.values():
            node.start_web()
        nodes["A"].start_worker()
        engine = instance.engine()
        before = snapshot(engine)
        with engine.connect() as connection:
            district = connection.execute(text(
                "SELECT id FROM places WHERE kind = 'district' "
                "AND name_en = 'North 24 Parganas'")).scalar_one()
            block = connection.execute(text(
                "SELECT id FROM places WHERE kind = 'block' ORDER BY id")).first()[0]
        setup_seconds = time.perf_counter() - started
        figures = asyncio.run(_scenario(nodes, engine, before, leaders, seconds,
                                        district, block))
        for node in nodes.values():
            node.stop()
        figures["check"] = check_database(engine, before, figures.pop("ledger"))
        engine.dispose()
        figures["server_logs"] = {name: log_problems(node.server.log_path)
                                  for name, node in nodes.items()}
        figures["setup_seconds"] = round(setup_seconds, 1)
        figures["leaders"] = leaders
        figures["load_average"] = round(os.getloadavg()[0], 1)
        return figures
    finally:
        for node in nodes.values():
            with contextlib.suppress(Exception):
                node.stop()
        keys = list(queue.scan_iter(match=f"*{queue_name}*", count=1000))
        if keys:
            queue.delete(*keys)
        instance.drop()


async def _scenario(nodes, engine, before, leaders, seconds, district, block) -> dict:
    a, b = nodes["A"], nodes["B"]
    AlternatingPhone.bases = [a.server.base, b.server.base]
    ledger = Ledger()
    fleet = await build_fleet(a.server.base, before.leaders, leaders, ledger,
                              phone_class=AlternatingPhone)
    staff = await staff_session(a.server.base)
    result = {}
    try:
        # The phones rate from now until the packs are done and node A has been dead for
        # ``seconds`` / 2 (bounded by MOST_SECONDS whatever happens).
        stop = asyncio.Event()
        rating = asyncio.create_task(rate(fleet, MOST_SECONDS, stop=stop))
        # 1. A block pack through node A, downloaded through node B.
        query = {"language": "en", "recipient_level": "block",
                 "recipient_name": "Block Development Officer"}
        first = await build_through(staff, a.server.base, {**query, "scope": "block",
                                                           "block": block})
        state = await asyncio.to_thread(wait_for_state, engine, first,
                                        lambda s: s["pack_status"] in ("done", "failed"),
                                        300, "the block pack")
        async with staff.get(f"{b.server.base}/evidence/packs/{first}/download") as answer:
            zipped = await answer.read()
            download_status = answer.status
        path = a.folder / "downloaded-through-B.zip"
        path.write_bytes(zipped)
        verified = await asyncio.to_thread(_verify, b, path)
        result["pack_through_A_download_through_B"] = {
            **state, "download_status": download_status, "bytes": len(zipped),
            "verify_pack": verified,
            "on_node_A_disk": any(p.is_file() and p.suffix == ".zip"
                                  for p in (a.folder / "instance").rglob("*"))}
        # 2. A district pack; node A's worker is killed once it is building.
        second = await build_through(staff, a.server.base, {
            **query, "scope": "district", "district": district,
            "recipient_level": "district", "recipient_name": "District Magistrate"})
        pid = str(a.worker.pid)
        state = await asyncio.to_thread(
            wait_for_state, engine, second,
            lambda s: s["job_status"] == "running" and s["progress"] >= 2
            and s["worker"].split(":")[1] == pid, 300, "node A's worker building")
        killed_at = time.perf_counter()
        a.kill_worker()
        killed_state = dict(state)
        b.start_worker()  # node B's worker, with the scheduler (its sweep runs every minute)
        # 3. Node A altogether, while the phones rate.
        await asyncio.sleep(min(10.0, seconds / 4))
        a.server.kill_all()
        node_a_killed = time.perf_counter()
        node_a_killed_after = round(node_a_killed - killed_at, 1)
        state = await asyncio.to_thread(
            wait_for_state, engine, second,
            lambda s: s["pack_status"] in ("done", "failed"), 300, "the district pack")
        await asyncio.sleep(max(0.0, seconds / 2 - (time.perf_counter() - node_a_killed)))
        stop.set()
        result["worker_killed_mid_build"] = {
            "at_progress": killed_state["progress"], "killed_worker": killed_state["worker"],
            **state, "seconds_from_kill_to_done": round(time.perf_counter() - killed_at, 1),
            "built_by": state["worker"]}
        result["node_A_killed_seconds_after_its_worker"] = node_a_killed_after
        timings = await rating
        leftover = await drain(fleet)
    finally:
        await staff.close()
        await fleet.close()
    result["ratings"] = timings.summary()
    result["drain"] = leftover.summary() if leftover.requests else None
    result["ledger"] = ledger
    return result


def _verify(node: Node, path: Path) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "verify-pack", str(path)],
                          cwd=ROOT, env=node.env, capture_output=True, text=True, timeout=120)
    return (done.stdout or done.stderr).strip().rsplit(": ", 1)[-1]


def print_run(figures: dict) -> None:
    first = figures["pack_through_A_download_through_B"]
    second = figures["worker_killed_mid_build"]
    check, ratings = figures["check"], figures["ratings"]
    print(f"{'step':<46} {'result'}")
    print(f"{'block pack built through A, downloaded via B':<46} {first['pack_status']}, "
          f"HTTP {first['download_status']}, {first['bytes']} bytes, {first['verify_pack']}; "
          f"zip on A's disk: {first['on_node_A_disk']}")
    print(f"{'district pack, A worker kill -9 at':<46} {second['at_progress']}% "
          f"-> {second['pack_status']} after {second['seconds_from_kill_to_done']} s; "
          f"built {second['builds']}x, {second['stored_zips']} zip stored, job attempts "
          f"{second['attempts']}, finished by {second['built_by']}")
    print(f"{'node A kill -9 while phones rate':<46} "
          f"{figures['node_A_killed_seconds_after_its_worker']} s after its worker")
    print(f"{'ratings (alternating A/B)':<46} {ratings['requests']} requests, "
          f"{ratings['per_second']}/s, p95 {ratings['p95_ms']} ms, "
          f"{ratings['connection_errors']} connection errors (node A down)")
    print(f"{'exactly once':<46} acknowledged {check['acknowledged']} of {check['sent']}, "
          f"lost {check['lost']}, doubled {check['doubled']}, extra {check['extra']}, "
          f"wrong latest {check['wrong_latest']}")
    for name, log in figures["server_logs"].items():
        print(f"  node {name} log: {log['tracebacks']} tracebacks, {log['status_500']} 500s")


def goals_met(figures: dict) -> dict:
    first = figures["pack_through_A_download_through_B"]
    second = figures["worker_killed_mid_build"]
    return {
        "download_through_other_node": first["download_status"] == 200
        and first["verify_pack"].startswith("intact") and not first["on_node_A_disk"],
        "pack_built_once_after_kill": second["pack_status"] == "done" and second["builds"] == 1
        and second["stored_zips"] == 1 and second["attempts"] >= 2,
        "exactly_once": figures["check"]["exactly_once"],
        "none_lost": figures["check"]["lost"] == 0,
        "none_doubled": figures["check"]["doubled"] == 0,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)
    if not 1 <= args.leaders <= 2000 or not 20 <= args.seconds <= 600:
        parser.error("use 1..2000 leaders and 20..600 seconds")
    missing = missing_services()
    if missing:
        print(f"skipped: no {', no '.join(missing)}")
        print(json.dumps({"benchmark": "two_nodes", "skipped": missing}))
        return 0
    figures = run(args.leaders, args.seconds)
    figures["goals"] = goals_met(figures)
    print_run(figures)
    print(json.dumps({"benchmark": "two_nodes", **figures,
                      "all_goals": all(figures["goals"].values())}, default=str))
    return 0 if all(figures["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
