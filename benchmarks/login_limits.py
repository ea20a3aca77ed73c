"""Logins against issue 15's accounts findings: does the login limit hold across gunicorn
workers, and does a locked or unknown account answer as slowly as a real wrong PIN?

Run: ``.venv/bin/python benchmarks/login_limits.py [--port 8160] [--tries 70]``.

(a) Two gunicorn workers (``WEB_WORKERS=2``) on a fresh SQLite database, ``LOGIN_RATE_LIMIT``
    20 per minute: ``--tries`` wrong logins from one address, once with ``memory://`` counters
    (each worker its own) and once with the default shared file (``rating/ratelimits.py``).
    Counted: answers 401 (the login was tried) and 429 (refused by the limit).
(b) In-process, with the real Argon2 profile (RFC 9106, 64 MiB, 3 passes): the server time of
    each kind of refused login, median of ``--repeat``: a wrong PIN, the same account once
    locked, an unknown login, an unknown login once "locked", and the right PIN.

The last line printed is one JSON object with every figure. A script, not a test.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _serve(folder: Path, port: int, storage: str | None) -> subprocess.Popen:
    env = {**os.environ, "RATING_INSTANCE_PATH": str(folder), "WEB_WORKERS": "2",
           "PASSWORD_HASH_PROFILE": "test", "LOGIN_RATE_LIMIT": "20 per minute"}
    env.pop("RATELIMIT_STORAGE_URI", None)
    if storage:
        env["RATELIMIT_STORAGE_URI"] = storage
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "init-db"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "-b",
         f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _wrong_login(port: int) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    token = TOKEN.search(opener.open(f"{base}/login").read().decode()).group(1)
    body = urllib.parse.urlencode({"username": "BJ-404", "password": "0000",
                                   "csrf_token": token}).encode()
    try:
        return opener.open(f"{base}/login", body).status
    except urllib.error.HTTPError as answer:
        return answer.code


def across_workers(port: int, tries: int) -> dict:
    results = {}
    for name, storage in (("memory", "memory://"), ("shared_file", None)):
        with tempfile.TemporaryDirectory() as folder:
            server = _serve(Path(folder), port, storage)
            try:
                statuses = [_wrong_login(port) for _ in range(tries)]
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
        results[name] = {"tried": statuses.count(401), "limited": statuses.count(429)}
    return results


def answer_times(repeat: int) -> dict:
    from flask_migrate import upgrade

    from rating import create_app
    from rating.admin.services import create_user
    from rating.auth.models import Collective
    from rating.extensions import db

    folder = tempfile.mkdtemp(prefix="login-limits-")
    os.environ["RATING_INSTANCE_PATH"] = folder
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/db.sqlite3",
                      "SECRET_KEY": "bench", "RATER_KEY_SECRET": "bench",
                      "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_PROFILE": "default",
                      "LOGIN_RATE_LIMIT": "100000 per minute", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        group = Collective(code="BJ", name_en="Bijoyini", name_bn="বিজয়িনী")
        db.session.add(group)
        db.session.commit()
        for login in ("BJ-001", "BJ-002", "BJ-003"):
            create_user(login=login, display_name=login, role="leader", secret="1357",
                        collective=group)
        db.session.remove()
    client = app.test_client()

    def median_ms(login, pin):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.post("/login", data={"username": login, "password": pin})
            times.append((time.perf_counter() - start) * 1000)
            client._cookies.clear()  # every try from a phone that never logged in
        return round(statistics.median(times), 1)

    figures = {"wrong_pin": median_ms("BJ-002", "0000"),
               "unknown": median_ms("BJ-777", "0000")}
    for _ in range(5):
        client.post("/login", data={"username": "BJ-001", "password": "0000"})
        client.post("/login", data={"username": "BJ-404", "password": "0000"})
    figures["locked"] = median_ms("BJ-001", "1357")
    figures["unknown_locked"] = median_ms("BJ-404", "1357")
    figures["right_pin"] = median_ms("BJ-003", "1357")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--tries", type=int, default=70)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    workers = across_workers(args.port, args.tries)
    print(f"(a) {args.tries} wrong logins from one address, 2 workers, limit 20 per minute")
    for name, counts in workers.items():
        print(f"    {name:12} tried {counts['tried']:3}  refused by the limit {counts['limited']:3}")
    times = answer_times(args.repeat)
    print("(b) server time of a login answer, ms (median), real Argon2 profile")
    for name, ms in times.items():
        print(f"    {name:15} {ms:7.1f}")
    print(json.dumps({"benchmark": "login_limits", "tries": args.tries, "workers": workers,
                      "answer_ms": times}))


if __name__ == "__main__":
    main()
