"""POST /api/ratings when another request writes between its lookup and its write.

The write path reads once (the submission id, the cycle, the office, this leader's rating) and
then writes; whatever another request commits in between must turn into a replay or an edit,
never a second rating or a lost one. Each test makes the race happen every time: right after
the request's lookup, a second, real request (another phone of the same leader) or a real
delete on another connection runs to completion.
"""

import uuid

import pytest
from sqlalchemy import event, func, select, text

from rating.extensions import db
from rating.survey.models import Rating, Submission
from tests.conftest import TEST_PIN, Browser, csrf_from


@pytest.fixture(autouse=True)
def counts_still_hold(app):
    """After each race, the counts the charts read still equal the ratings (`flask recount`
    compares them and exits non-zero on a difference)."""
    yield
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=["recount", "--check"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def phones(app, make_user, make_cycle, make_office):
    """Two phones logged in as the same leader, each with its CSRF token."""
    make_user("leader", login="BJ-001")
    cycle, office = make_cycle(), make_office()
    pair = []
    for _ in range(2):
        browser = Browser(app.test_client())
        assert browser.login("BJ-001", TEST_PIN).status_code == 302
        pair.append((browser.client,
                     csrf_from(browser.get("/leader/").get_data(as_text=True))))
    return {"pair": pair, "cycle": cycle, "office": office}


def body(phones, **changes):
    answers = {"submission_id": uuid.uuid4().hex, "cycle_id": phones["cycle"].id,
               "office_id": phones["office"].id, "score": 7, "purpose": "housing",
               "respect": "yes", "resolved": "partly", "comment": None,
               "quote_consent": False}
    answers.update(changes)
    return answers


def send(phone, answers):
    client, token = phone
    return client.post("/api/ratings", json=answers, headers={"X-CSRFToken": token})


class Interleave:
    """Runs ``meanwhile`` once, right after the write path's lookup (the one statement that
    reads both the submissions and the postings) came back from the database."""

    def __init__(self, engine, meanwhile):
        self.engine, self.meanwhile = engine, meanwhile
        self.started, self.done = False, []

    def __enter__(self):
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.started or not ("FROM rating_submissions" in statement
                                and "FROM postings" in statement):
            return
        self.started = True  # the other request's own statements pass straight through
        self.done.append(self.meanwhile())


def counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count(Rating.id))),
            db.session.scalar(select(func.count(Submission.submission_id))))


def test_a_double_tap_landing_between_lookup_and_write_is_answered_as_a_replay(app, phones):
    first, second = phones["pair"]
    answers = body(phones)
    with Interleave(db.engine, lambda: send(second, answers)) as race:
        answer = send(first, answers)
    other = race.done[0]
    assert other.status_code == 201  # the other phone's request stored it
    assert answer.status_code == 200 and answer.json == other.json  # this one: a replay
    assert counts() == (1, 1)


def test_an_edit_landing_between_lookup_and_insert_makes_this_one_an_edit(app, phones):
    first, second = phones["pair"]
    mine, theirs = body(phones, score=3), body(phones, score=9)
    with Interleave(db.engine, lambda: send(second, theirs)) as race:
        answer = send(first, mine)
    assert race.done[0].status_code == 201 and race.done[0].json["changed"] is False
    assert answer.status_code == 201 and answer.json["changed"] is True
    assert counts() == (1, 2)
    rating = db.session.scalar(select(Rating))
    assert (rating.score, rating.submission_id) == (3, mine["submission_id"])  # latest wins
    # Each submission id still answers as it did the first time.
    assert send(second, theirs).json == race.done[0].json
    assert send(first, mine).json == answer.json


def test_a_rating_deleted_between_lookup_and_update_is_stored_again(app, phones):
    first, _second = phones["pair"]
    assert send(first, body(phones, score=4)).status_code == 201

    def delete_it():
        with db.engine.begin() as other:  # another connection, committed at once
            other.execute(text("DELETE FROM rating_submissions"))
            return other.execute(text("DELETE FROM ratings")).rowcount

    edit = body(phones, score=6)
    with Interleave(db.engine, delete_it) as race:
        answer = send(first, edit)
    assert race.done == [1]
    assert answer.status_code == 201 and answer.json["changed"] is False
    assert counts() == (1, 1)
    assert db.session.scalar(select(Rating.score)) == 6


def test_a_write_the_database_refuses_with_nobody_else_writing_is_a_bug_not_busy(
        app, make_user, make_cycle, make_office):
    """The retry is for races. An answer that only the database's own checks refuse (the form
    stops it first) must surface as the error it is, not as "busy, try again"."""
    from sqlalchemy.exc import IntegrityError

    from rating.survey import services

    leader = make_user("leader", login="BJ-001")
    cycle, office = make_cycle(), make_office()
    answers = {"submission_id": uuid.uuid4().hex, "score": 7, "purpose": "housing",
               "respect": "maybe", "work_done": None, "comment": None, "quote_consent": False}
    with pytest.raises(IntegrityError):
        services.submit_rating(leader, cycle_id=cycle.id, office_id=office.id, answers=answers)
    db.session.rollback()
    assert counts() == (0, 0)
