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


def test_0007_gives_ratings_random_ids_and_drops_their_times(fresh_app):
    """Ratings made before migration 0007 get random ids (their submissions and the audit
    trail follow), and lose their times, also inside the answers kept for retries; going
    down numbers them again and keeps every rating and submission."""
    upgrade(revision="0006_accounts")
    with db.engine.begin() as connection:
        run = connection.execute
        run(text("INSERT INTO places (id, code, kind, name_en, name_bn) "
                 "VALUES (1, 'N24P', 'district', 'N 24 Parganas', 'উত্তর ২৪ পরগনা')"))
        run(text("INSERT INTO department_types (id, code, name_en, name_bn, level) "
                 "VALUES (1, 'DM', 'District Magistrate', 'জেলাশাসক', 'district')"))
        run(text("INSERT INTO offices (id, code, department_type_id, place_id, level, name_en, "
                 "name_bn, active, created_at) VALUES (1, 'DM-N24P', 1, 1, 'district', 'DM', "
                 "'DM', :yes, '2026-01-01')"), {"yes": True})
        run(text("INSERT INTO cycles (id, name, starts_on, ends_on, status, created_at) "
                 "VALUES (1, 'a', '2026-01-01', '2026-03-31', 'open', '2026-01-01')"))
        for number in range(1, 6):
            run(text("INSERT INTO ratings (cycle_id, office_id, rater_key, score, purpose, "
                     "quote_consent, quote_status, submission_id, source, created_at, "
                     "updated_at) VALUES (1, 1, :key, :score, 'housing', :no, 'pending', :sub, "
                     "'app', :at, :at)"),
                {"key": f"key-{number}", "score": number, "no": False, "sub": f"s{number}",
                 "at": f"2026-01-0{number} 10:00:0{number}.123456+00:00"})
            run(text("INSERT INTO rating_submissions (submission_id, rater_key, rating_id, "
                     "response, created_at) VALUES (:sub, :key, :id, :response, :at)"),
                {"sub": f"s{number}", "key": f"key-{number}", "id": number,
                 "at": "2026-01-01 10:00:00+00:00",
                 "response": f'{{"score": {number}, "saved_at": "2026-01-0{number}T10:00"}}'})
        run(text("INSERT INTO audit_events (at, action, target_type, target_id, details) "
                 "VALUES ('2026-01-09', 'quote.approve', 'rating', 3, '{}')"))
    upgrade()
    assert differences() == []
    with db.engine.connect() as connection:
        ratings = connection.execute(text("SELECT id, score FROM ratings")).all()
        kept = connection.execute(text(
            "SELECT s.submission_id, s.response, r.score FROM rating_submissions s "
            "JOIN ratings r ON r.id = s.rating_id")).all()
        approved = connection.execute(text(
            "SELECT r.score FROM audit_events a JOIN ratings r ON r.id = a.target_id "
            "WHERE a.action = 'quote.approve'")).scalar_one()
    assert sorted(score for _, score in ratings) == [1, 2, 3, 4, 5]
    assert all(2**32 <= rating_id < 2**53 for rating_id, _ in ratings)
    assert sorted((sub, score) for sub, _, score in kept) == [(f"s{n}", n) for n in range(1, 6)]
    assert all("saved_at" not in str(response) for _, response, _ in kept)
    assert approved == 3
    downgrade(revision="0006_accounts")
    with db.engine.connect() as connection:
        ids = sorted(connection.execute(text("SELECT id FROM ratings")).scalars())
        joined = connection.execute(text(
            "SELECT count(*) FROM rating_submissions s JOIN ratings r ON r.id = s.rating_id "
            "WHERE r.submission_id = s.submission_id")).scalar_one()
    assert ids == [1, 2, 3, 4, 5] and joined == 5
    upgrade()
    assert differences() == []
