"""SQLite's one writer at a time, queued in the kernel rather than in SQLite's busy handler.

SQLite lets one connection write at a time. Another that wants to write waits in its busy
handler, which sleeps 1, 2, 5, 10 ms ... between tries, so its CPU idles long after the lock was
freed (benchmarks/load.py: a fifth of the CPU idle while phones send ratings). The ratings'
write path takes this lock around its write transaction: an flock on a file beside the database,
which the kernel hands to the next waiter the moment it is released and frees by itself if its
holder dies (kill -9). A thread lock comes first, since an flock does not keep apart the threads
of one process.

Other writers, rarer, still queue in the busy handler. Nobody waits for this lock while holding
SQLite's, so the two cannot deadlock. PostgreSQL queues writers itself: no lock there.
"""

import contextlib
import fcntl
import logging
import os
import threading

log = logging.getLogger(__name__)

_locks: dict[str, tuple[threading.Lock, int | None]] = {}
_locks_guard = threading.Lock()


@contextlib.contextmanager
def one_writer(connection):
    """Hold the writer's lock of this connection's SQLite database (nothing on PostgreSQL)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    in_process, file_lock = _lock_for(connection.engine.url.database)
    with in_process:
        if file_lock is not None:
            fcntl.flock(file_lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if file_lock is not None:
                fcntl.flock(file_lock, fcntl.LOCK_UN)


def _lock_for(database: str | None) -> tuple[threading.Lock, int | None]:
    key = database or ":memory:"
    with _locks_guard:
        if key not in _locks:
            _locks[key] = (threading.Lock(), _open_lock_file(database))
        return _locks[key]


def _open_lock_file(database: str | None) -> int | None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return None  # one process's own database: the thread lock is enough
    try:
        return os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as error:
        # A full disk or a read-only folder: writers queue in SQLite's busy handler, as before.
        log.warning("no writer lock file beside the database (%s); writers will poll",
                    error.strerror)
        return None
