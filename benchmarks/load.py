"""Load test of the leaders' write path against gunicorn as `make run` starts it, on SQLite and
on PostgreSQL: N virtual leaders log in, submit ratings through POST /api/ratings, replay a
tenth with the same submission id and edit some; then the database is checked.

Run: ``.venv/bin/python benchmarks/load.py [--leaders 200] [--seconds 20]
[--database sqlite|postgresql|both]``. Prints a table and, last, one line of JSON. Every
request goes to 127.0.0.1; every loop is bounded in count and time. The pieces, shared with
faults.py, are in _stack.py (the instance, the server, the check) and _phones.py (the phones
and the ledger of what was acknowledged).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

from _phones import Ledger, build_fleet, drain, hammer_trivial, rate
from _stack import (
    Instance,
    Server,
    check_database,
    free_port,
    log_problems,
    postgres_reachable,
    snapshot,
)

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
        figures["server_log"] = log_problems(server.log_path)
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
