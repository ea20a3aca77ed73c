"""Files that hold ratings or accounts (the SQLite database, backups, packs, exports) are
readable by the service's own user only: created 0600 in folders made 0700, whatever the
process's umask, and tightened when an older, wider file is found."""

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """``path`` as a folder only its owner can list and enter (made if missing)."""
    path = Path(path)
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    _tighten(path, FOLDER_MODE)
    return path


def open_private(path: Path, *, exclusive: bool = False):
    """A binary file open for writing (emptied first, or refused if it exists with
    ``exclusive``), with mode 0600 from the moment it exists."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through os.open
    return os.fdopen(fd, "wb")


def write_private(path: Path, data: bytes) -> None:
    with open_private(path) as handle:
        handle.write(data)


def private_sqlite_file(database: str | None) -> None:
    """Make the SQLite database file 0600 before SQLite opens it (its WAL and shared-memory
    files take the database file's mode); nothing for ``:memory:`` or a ``file:`` URI."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite says the database cannot be opened (a 503), as it did before
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    except PermissionError:
        return  # a read-only database: SQLite opens it (or says why it cannot) as before
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    for companion in ("-wal", "-shm", "-journal", "-writer.lock"):
        _tighten(Path(f"{database}{companion}"), FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    try:
        if path.stat().st_mode & 0o777 & ~mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        pass
