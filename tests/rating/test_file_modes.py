"""The files that hold ratings and accounts are readable by the service's user only (0600, in
folders 0700): the SQLite database that init-db creates, its WAL, a backup, and the copy of a
pack that build-pack writes (packs themselves live in the database); whatever the umask of whoever runs the command."""

import os
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest

from rating import create_app
from rating.extensions import db
from tests.conftest import base_config


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """A umask that would leave files readable by everyone (0644), as on most machines."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_init_db_creates_the_database_for_its_owner_only(tmp_path, open_umask):
    database = tmp_path / "instance" / "rating.sqlite3"
    database.parent.mkdir()
    app = create_app(base_config(f"sqlite:///{database}"))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    files = [database, *database.parent.glob("rating.sqlite3-*")]
    assert {path.name: oct(mode(path)) for path in files} == {
        path.name: oct(0o600) for path in files}


def test_an_existing_database_readable_by_all_is_tightened(tmp_path, open_umask):
    database = tmp_path / "rating.sqlite3"
    database.touch(mode=0o644)
    app = create_app(base_config(f"sqlite:///{database}"))
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        db.session.remove()
        db.engine.dispose()
    assert mode(database) == 0o600


def test_a_backup_is_the_owners_only(app, runner, tmp_path, open_umask):
    if db.engine.dialect.name != "sqlite" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is missing (apt-get install postgresql-client)")
    target = tmp_path / "backup.copy"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert mode(target) == 0o600


def test_packs_and_their_copies_are_the_owners_only(app, runner, tmp_path, open_umask,
                                                    make_office, make_cycle, make_user,
                                                    make_rating):
    office = make_office("BDO-GAIGHATA")
    cycle = make_cycle(name="2026 Q1", status="closed", starts_on=date(2026, 1, 1),
                       ends_on=date(2026, 3, 31))
    for number in range(1, 6):
        make_rating(cycle, office, make_user("leader", login=f"BJ-{number:03d}"), score=number)
    out = tmp_path / "pack.zip"
    result = runner.invoke(args=["build-pack", "--office", "BDO-GAIGHATA", "--cycles", "all",
                                 "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    # The zip itself lives in the database (rating.storage), never on this node's disk;
    # the copy the command writes is the owner's only.
    assert not list(Path(app.instance_path).glob("**/*.zip"))
    assert oct(mode(out)) == oct(0o600)
