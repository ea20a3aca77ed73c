"""Rate-limit counters that every worker process shares (rating/ratelimits.py)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from rating.ratelimits import SQLiteStorage

ROOT = Path(__file__).resolve().parents[2]

COUNTING_WORKER = """
import sys
from rating.ratelimits import SQLiteStorage
storage = SQLiteStorage(sys.argv[1])
for _ in range(int(sys.argv[2])):
    storage.incr("login/203.0.113.9", 60)
"""


@pytest.mark.real_clock  # the workers count on the machine's clock, this test on --today's
def test_worker_processes_share_one_count(tmp_path):
    """With memory:// each gunicorn worker allowed the whole limit: 40 of 70 logins passed."""
    uri = f"sqlite:///{tmp_path / 'ratelimits.sqlite3'}"
    workers = [subprocess.Popen([sys.executable, "-c", COUNTING_WORKER, uri, "150"], cwd=ROOT)
               for _ in range(3)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0, 0]
    storage = SQLiteStorage(uri)
    assert storage.get("login/203.0.113.9") == 450
    assert storage.incr("login/203.0.113.9", 60) == 451
    assert stat.S_IMODE(os.stat(tmp_path / "ratelimits.sqlite3").st_mode) == 0o600


def test_a_window_that_has_run_out_starts_again(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    assert storage.incr("key", 0) == 1  # expired at once
    assert storage.get("key") == 0
    assert storage.incr("key", 60) == 1
    assert storage.incr("key", 60, amount=2) == 3
    assert storage.get_expiry("key") > storage.get_expiry("other")
    storage.clear("key")
    assert storage.get("key") == 0
    storage.incr("key", 60)
    storage.reset()
    assert storage.get("key") == 0 and storage.check()


def test_the_app_counts_logins_in_the_shared_file_by_default(tmp_path, monkeypatch):
    from rating.config import load_config

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    config = load_config(str(tmp_path))
    assert config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{tmp_path / 'ratelimits.sqlite3'}"
