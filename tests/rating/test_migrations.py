"""The Alembic migrations build exactly the schema the models describe, and go down and up."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from rating import create_app
from rating.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
def fresh_app(request, tmp_path):
    """An app on a database with no tables at all."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'fresh.sqlite3'}", None
    else:
        server = make_url(os.environ["TEST_DATABASE_URL"])
        name = f"rating_migrate_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "test", "RATER_KEY_SECRET": "test",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


def differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_gives_the_models_schema(fresh_app):
    assert tables() == set()
    upgrade()
    assert tables() == set(db.metadata.tables)
    assert differences() == []
    # The comparison does see a difference when there is one.
    with db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE offices ADD COLUMN phone VARCHAR(20)"))
    assert [change[0] for change in differences()] == ["remove_column"]


def test_downgrade_to_base_then_upgrade(fresh_app):
    upgrade()
    downgrade(revision="base")
    assert tables() == set()
    upgrade()
    assert differences() == []


def test_the_one_open_cycle_index_survives_the_migration(fresh_app):
    upgrade()
    indexes = {index["name"]: index for index in inspect(db.engine).get_indexes("cycles")}
    assert indexes["uq_cycles_one_open"]["unique"]
    with db.engine.begin() as connection:
        insert = text("INSERT INTO cycles (name, starts_on, ends_on, status, created_at) "
                      "VALUES (:name, '2026-01-01', '2026-03-31', :status, '2026-01-01')")
        connection.execute(insert, {"name": "a", "status": "open"})
        connection.execute(insert, {"name": "b", "status": "closed"})
        connection.execute(insert, {"name": "c", "status": "closed"})
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(insert, {"name": "d", "status": "open"})
