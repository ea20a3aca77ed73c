"""A copy of the database without RATER_KEY_SECRET links no rating to an account: nothing in
a rating or a submission lines up with the audit trail's login times, neither a time nor the
order of their ids or rows. And the files that hold it are the service's own (0600)."""

import stat
import uuid

import pytest
from sqlalchemy import Date, DateTime, inspect, select, text
from sqlalchemy.exc import OperationalError

from rating.audit import AuditEvent
from rating.extensions import db
from rating.survey.models import Submission
from tests.conftest import TEST_PIN, Browser

RATINGS = 12


@pytest.fixture
def rated_one_by_one(app, make_user, make_cycle, make_office):
    """Twelve leaders log in one after another, each rating one office: as the audit trail
    sees them, in this order."""
    cycle = make_cycle()
    office = make_office()
    order = []
    for number in range(1, RATINGS + 1):
        leader = make_user("leader", login=f"BJ-{number:03d}")
        phone = Browser(app.test_client())
        assert phone.login(leader.login, TEST_PIN).status_code == 302
        token = phone.client.get("/api/session").json["csrf_token"]
        submission_id = uuid.uuid4().hex
        answer = phone.client.post("/api/ratings", headers={"X-CSRFToken": token}, json={
            "submission_id": submission_id, "cycle_id": cycle.id, "office_id": office.id,
            "score": 1 + number % 10, "purpose": "housing", "respect": "yes",
            "resolved": "no", "comment": None, "quote_consent": False})
        assert answer.status_code == 201, answer.json
        order.append((leader, submission_id, answer.json))
    db.session.expire_all()
    return order


@pytest.mark.parametrize("table", ["ratings", "rating_submissions"])
def test_no_rating_or_submission_keeps_a_time(app, table):
    columns = inspect(db.engine).get_columns(table)
    timed = [c["name"] for c in columns if isinstance(c["type"], DateTime | Date)]
    assert timed == [], f"{table} keeps {timed}: they line up with the audit's login times"


def test_the_answer_kept_for_a_retry_holds_no_time(rated_one_by_one):
    for _leader, submission_id, answer in rated_one_by_one:
        assert "saved_at" not in answer
        kept = db.session.get(Submission, submission_id).response
        assert not {"saved_at", "created_at", "updated_at"} & set(kept), kept


def test_rating_ids_do_not_follow_the_order_of_logins(rated_one_by_one):
    logins = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login")
                                .order_by(AuditEvent.at)).all()
    assert [e.actor_id for e in logins] == [leader.id for leader, _, _ in rated_one_by_one]
    ids = [db.session.get(Submission, submission_id).rating_id
           for _, submission_id, _ in rated_one_by_one]
    # Numbered in the order they came, twelve ids would be sorted; random ones are sorted
    # once in 12! = 479 million runs.
    assert ids != sorted(ids), "rating ids follow the order of the logins"
    assert len(set(ids)) == RATINGS and all(0 < i < 2**53 for i in ids)


def test_no_hidden_row_number_counts_ratings_or_submissions(app, rated_one_by_one):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's rowid; PostgreSQL has no hidden row counter")
    with db.engine.connect() as connection:
        # A rating's rowid is its (random) id, not a counter beside it ...
        assert connection.execute(text("SELECT count(*) FROM ratings WHERE rowid != id")
                                  ).scalar() == 0
        # ... and submissions have no rowid at all.
        with pytest.raises(OperationalError, match="rowid"):
            connection.execute(text("SELECT rowid FROM rating_submissions"))


def test_a_leaders_list_still_shows_her_ratings(rated_one_by_one, app):
    leader, _, answer = rated_one_by_one[3]
    phone = Browser(app.test_client())
    assert phone.login(leader.login, TEST_PIN).status_code == 302
    mine = phone.client.get("/api/ratings/mine").json["ratings"]
    assert [(r["office_id"], r["score"]) for r in mine] == [(answer["office_id"],
                                                               answer["score"])]
    assert all("updated_at" not in r for r in mine)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_file_and_its_companions_are_the_owners_only(app, rated_one_by_one):
    if db.engine.dialect.name != "sqlite" or not db.engine.url.database:
        pytest.skip("a SQLite file")
    from pathlib import Path

    database = Path(db.engine.url.database)
    for path in [database, *database.parent.glob(database.name + "-*")]:
        assert _mode(path) == 0o600, (path, oct(_mode(path)))
