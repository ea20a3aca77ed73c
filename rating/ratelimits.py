"""Rate-limit counters in a SQLite file, shared by every worker process on the machine.

Flask-Limiter keeps its counters in a `limits` storage. ``memory://`` is per process, so
with several gunicorn workers each allowed the whole limit (40 of 70 logins got through in
7 s with two). Importing this module registers ``sqlite:///<path>`` as a storage: the
default, one file beside the database, which all workers on the machine share. Several
machines need a storage they all reach: ``RATELIMIT_STORAGE_URI=redis://...``.

Fixed windows only (Flask-Limiter's default strategy). Each count is one statement,
atomic across processes; the file is created readable by its owner only.
"""

import os
import sqlite3
import threading
import time

from limits.storage import Storage

_SCHEMA = """CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_at REAL NOT NULL)"""
# A window that has run out starts again at this hit; otherwise the hit adds to it.
_INCREMENT = """INSERT INTO counters (key, hits, expires_at) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN expires_at <= :now THEN :amount ELSE hits + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :expires ELSE expires_at END
RETURNING hits"""
_PRUNE_EVERY = 60.0  # seconds between deletions of windows that have run out


class SQLiteStorage(Storage):
    """A `limits` storage in one SQLite file: ``sqlite:////absolute/path.sqlite3``."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.removeprefix("sqlite:///")
        if not self.path or self.path == uri:
            raise ValueError(f"a rate-limit file is named sqlite:///<path>, not {uri!r}")
        self._local = threading.local()
        self._pruned_at = 0.0

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (gunicorn forks; threads may serve too)."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            if not os.path.exists(self.path):
                os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            # Counters need not survive a power cut; they must not wait for the disk.
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(_SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        if now - self._pruned_at > _PRUNE_EVERY:
            self._pruned_at = now
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return connection.execute(_INCREMENT, {"key": key, "amount": amount, "now": now,
                                               "expires": now + expiry}).fetchone()[0]

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT hits FROM counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute(
            "SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
