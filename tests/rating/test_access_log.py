"""The access log never puts a client's address next to the office she rated: gunicorn, run
with the project's gunicorn.conf.py, writes every number in a path as "-", and neither the
query string nor the referrer."""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_SECONDS = 60  # a bound on waiting for the server to listen, not a pause


@pytest.fixture
def gunicorn_log(tmp_path):
    """gunicorn on a free port of 127.0.0.1 with the real settings; yields (base URL, a function
    that stops the server and returns its access log)."""
    if not GUNICORN.exists() and not shutil.which("gunicorn"):
        pytest.skip("gunicorn is not installed")
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
                   "RATING_INSTANCE_PATH": str(tmp_path / "instance"), "WEB_WORKERS": "1"}
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "-b", "127.0.0.1:0",
         "--access-logfile", str(access), "--error-logfile", str(errors), "wsgi:app"],
        cwd=ROOT, env=environment)
    deadline, base = time.monotonic() + START_SECONDS, None
    while base is None and time.monotonic() < deadline and server.poll() is None:
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)",
                          errors.read_text() if errors.exists() else "")
        if found and "Booting worker" in errors.read_text():
            base = found.group(1)
        else:
            time.sleep(0.1)

    def stop() -> str:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        return access.read_text()

    try:
        assert base, (errors.read_text() if errors.exists() else "gunicorn did not start")
        yield base, stop
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def fetch(url: str, referrer: str = "") -> None:
    request = urllib.request.Request(url, headers={"Referer": referrer} if referrer else {})
    # A redirect to the login page or a 404: what is logged is the point.
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=30).read()


def test_office_ids_never_reach_the_access_log(gunicorn_log):
    base, stop = gunicorn_log
    fetch(f"{base}/leader/saved/4711")
    fetch(f"{base}/leader/rate/4712?q=police", referrer=f"{base}/leader/offices?block=4713")
    fetch(f"{base}/dashboard/offices/4714/")
    fetch(f"{base}/healthz")
    log = stop()
    lines = [line for line in log.splitlines() if "/leader/" in line or "/dashboard/" in line]
    assert len(lines) >= 3, log
    assert not re.search(r"471[1-4]", log), log
    assert "police" not in log and "block=" not in log
    assert '"GET /leader/saved/-"' in log and '"GET /leader/rate/-"' in log
    assert "127.0.0.1" in log  # the address is still there, for what it is needed
