"""Files any node can serve: evidence packs (and other blobs) by key, in the database (the
default) or in S3-compatible storage (``FILE_STORAGE=s3``), never on one web node's disk.

`save_file`, `load_file` and `delete_file` are all the features see. In the database, a saved
file is part of the caller's transaction: it is there exactly when the row that names it is.
In S3 it is there at once; a caller whose transaction then fails deletes it again.
"""

from flask import current_app

from rating.storage.backends import DatabaseFiles, FileMissing, S3Files

__all__ = ["FileMissing", "delete_file", "load_file", "save_file", "stores_in_database"]

DATABASE = DatabaseFiles()


_backends: dict[tuple, object] = {}


def _backend():
    """The store the settings name (one boto3 client per distinct S3 setting, reused)."""
    config = current_app.config
    choice = config["FILE_STORAGE"]
    if choice == "database":
        return DATABASE
    if choice != "s3":
        raise ValueError(f"FILE_STORAGE must be database or s3, not {choice!r}")
    settings = (config["S3_BUCKET"], config["S3_PREFIX"], config["S3_ENDPOINT_URL"] or None,
                config["S3_REGION"] or None)
    if settings not in _backends:
        _backends[settings] = S3Files(*settings)
    return _backends[settings]


def save_file(key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
    """Store ``data`` under ``key`` (replacing what was there)."""
    _backend().save(key, data, content_type)


def load_file(key: str) -> bytes:
    """The bytes stored under ``key``; `FileMissing` when there are none."""
    return _backend().load(key)


def delete_file(key: str) -> None:
    """Forget ``key``'s bytes (nothing happens when there are none)."""
    _backend().delete(key)


def stores_in_database() -> bool:
    return isinstance(_backend(), DatabaseFiles)
