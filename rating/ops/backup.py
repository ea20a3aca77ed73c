"""Backups taken while the service runs, and restoring one: SQLite through its online backup
API, PostgreSQL through ``pg_dump`` and ``pg_restore``.

A backup holds accounts and ratings: it is written with mode 0600, under a temporary name
first, so that a half-written file never looks like a backup.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
PG_TIMEOUT_SECONDS = 3600
PG_LOCK_TIMEOUT_MS = 30_000


class BackupError(Exception):
    """A backup or restore that was not done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    ratings: int | None  # counted in the copy where that is cheap (SQLite)

    def describe(self, verb: str) -> str:
        counted = f", {self.ratings} ratings" if self.ratings is not None else ""
        return f"{verb} {self.path} ({self.size_bytes} bytes{counted})."


def backup_database(database_url: str, path: Path) -> BackupReport:
    """Copy the database to ``path`` (which must not exist yet) while writes go on.

    SQLite: one step of the online backup API, a read transaction that sees every commit made
    before it began and none after; in WAL mode writers carry on meanwhile. PostgreSQL:
    ``pg_dump --format=custom``, which reads from one snapshot likewise.
    """
    url = make_url(database_url)
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists; give the backup a new name.")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder.")
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_file(url), partial)
            # One self-contained file to copy off the machine, not a WAL trio.
            with closing(sqlite3.connect(partial)) as copy:
                copy.execute("PRAGMA journal_mode=DELETE")
        elif url.get_backend_name() == "postgresql":
            _run_pg("pg_dump", url, ["--format=custom", "--no-owner", f"--file={partial}"])
        else:
            raise BackupError(f"no backup for {url.get_backend_name()} databases.")
        os.chmod(partial, 0o600)
        _fsync(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    ratings = _sqlite_ratings(path) if url.get_backend_name() == "sqlite" else None
    return BackupReport(path, path.stat().st_size, ratings)


def back_up_into(database_url: str, folder: Path, day: date) -> BackupReport | None:
    """The nightly backup: ``rating-YYYY-MM-DD.sqlite3`` (or ``.dump`` from PostgreSQL) in
    ``folder``. None when that day's backup is there already (the job ran twice)."""
    suffix = ".sqlite3" if make_url(database_url).get_backend_name() == "sqlite" else ".dump"
    path = Path(folder) / f"rating-{day:%Y-%m-%d}{suffix}"
    if path.exists():
        return None
    return backup_database(database_url, path)


def restore_database(database_url: str, path: Path, *, overwrite: bool) -> BackupReport:
    """Replace the database's contents with the backup at ``path``.

    Refuses (``BackupError``) when the backup is not of this kind of database, fails its own
    integrity check, or when the database already holds tables and ``overwrite`` is false.
    Stop the service first: its open sessions would otherwise see the data change under them.
    """
    url = make_url(database_url)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    backend = url.get_backend_name()
    header = path.read_bytes()[:16] if path.stat().st_size else b""
    expected = {"sqlite": SQLITE_HEADER, "postgresql": PGDUMP_HEADER}.get(backend)
    if expected is None:
        raise BackupError(f"no restore for {backend} databases.")
    if not header.startswith(expected):
        raise BackupError(f"{path} is not a {backend} backup made by this command.")
    if _has_tables(url) and not overwrite:
        raise BackupError("the database already holds data; restoring would overwrite it. "
                          "Run again with --yes to replace it.")
    if backend == "sqlite":
        target = _sqlite_file(url)
        _sqlite_check(path)
        _sqlite_backup(path, target)
        _sqlite_check(target)
        return BackupReport(path, path.stat().st_size, _sqlite_ratings(target))
    # One transaction: a restore that fails part-way leaves the database as it was. A
    # lock_timeout: while the service still holds tables open, fail and say so, not hang.
    _run_pg("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                "--single-transaction", "--exit-on-error", str(path)],
            options=f"-c lock_timeout={PG_LOCK_TIMEOUT_MS}")
    return BackupReport(path, path.stat().st_size, None)


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up.")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` in one step (pages=-1): a stepwise copy would start
    over after every commit by another connection and might never finish under load."""
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as src, \
            closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst, pages=-1)


def _sqlite_check(path: Path) -> None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a readable SQLite database: {error}") from None
    if result != ["ok"]:
        raise BackupError(f"{path} fails SQLite's integrity check: {result[:3]}")


def _sqlite_ratings(path: Path) -> int | None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
        try:
            return conn.execute("SELECT count(*) FROM ratings").fetchone()[0]
        except sqlite3.OperationalError:  # a database without the schema yet
            return None


def _has_tables(url: URL) -> bool:
    if url.get_backend_name() == "sqlite" and not _sqlite_file(url).exists():
        return False
    engine = create_engine(url)
    try:
        return bool(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _run_pg(program: str, url: URL, arguments: list[str], options: str = "") -> None:
    """Run pg_dump or pg_restore against the database, the password in the environment
    (never on the command line, where ``ps`` would show it)."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install "
                          "postgresql-client).")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    if options:
        environment["PGOPTIONS"] = f"{environment.get('PGOPTIONS', '')} {options}".strip()
    target = url.set(drivername="postgresql", password=None)
    connection = target.render_as_string(hide_password=False)
    completed = subprocess.run([executable, f"--dbname={connection}", *arguments],
                               env=environment, capture_output=True, text=True,
                               timeout=PG_TIMEOUT_SECONDS, check=False)
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines() or ["no message"]
        detail = next((line for line in lines if "error" in line.lower()), lines[-1])
        if "lock timeout" in completed.stderr:
            detail += " (stop the service, then restore)"
        raise BackupError(f"{program} failed: {detail}")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
