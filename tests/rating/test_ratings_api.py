"""POST /api/ratings: every rating stored exactly once, bad input refused with nothing stored."""

import threading
import uuid

import pytest
from sqlalchemy import func, select

from rating.extensions import db
from rating.survey.models import Rating, Submission
from tests.conftest import TEST_PIN, Browser, csrf_from


@pytest.fixture
def rating_setup(app, client, login_as, make_cycle, make_office):
    leader = login_as("leader", login="BJ-001")
    cycle, office = make_cycle(), make_office()
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    return {"leader": leader, "cycle": cycle, "office": office, "token": token}


def payload(setup, **changes):
    body = {"submission_id": uuid.uuid4().hex, "cycle_id": setup["cycle"].id,
            "office_id": setup["office"].id, "score": 7, "purpose": "housing",
            "respect": "yes", "resolved": "partly", "comment": None, "quote_consent": False}
    body.update(changes)
    return body


def post(client, setup, body, token=None):
    return client.post("/api/ratings", json=body,
                       headers={"X-CSRFToken": token or setup["token"]})


def count(model=Rating):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_stored_then_a_retry_stores_nothing_and_answers_the_same(client, rating_setup):
    body = payload(rating_setup)
    first = post(client, rating_setup, body)
    assert first.status_code == 201
    assert first.json["status"] == "stored" and first.json["score"] == 7
    again = post(client, rating_setup, body)
    assert again.status_code == 200
    assert again.json == first.json
    assert count() == 1 and count(Submission) == 1


def test_an_edit_replaces_the_rating_and_the_latest_edit_wins(client, rating_setup):
    first = payload(rating_setup, score=3)
    second = payload(rating_setup, score=9)
    assert post(client, rating_setup, first).status_code == 201
    edited = post(client, rating_setup, second)
    assert edited.status_code == 201 and edited.json["changed"] is True
    late_retry = post(client, rating_setup, first)  # the first send, arriving again late
    assert late_retry.status_code == 200 and late_retry.json["score"] == 3
    db.session.expire_all()
    ratings = db.session.scalars(select(Rating)).all()
    assert [r.score for r in ratings] == [9]


def test_a_submission_id_of_another_leader_is_refused(app, client, rating_setup, make_user):
    body = payload(rating_setup)
    assert post(client, rating_setup, body).status_code == 201
    other = Browser(app.test_client())
    make_user("leader", login="BJ-002")
    other.login("BJ-002", TEST_PIN)
    token = csrf_from(other.get("/leader/").get_data(as_text=True))
    stolen = other.client.post("/api/ratings", json=dict(body, score=1),
                               headers={"X-CSRFToken": token})
    assert stolen.status_code == 409
    assert stolen.json["error"] == "submission_taken"
    db.session.expire_all()
    assert [r.score for r in db.session.scalars(select(Rating))] == [7]


@pytest.mark.parametrize("changes,field", [
    ({"score": 0}, "score"), ({"score": 11}, "score"), ({"score": 7.5}, "score"),
    ({"score": "seven"}, "score"), ({"score": None}, "score"), ({"score": True}, "score"),
    ({"score": [7]}, "score"), ({"purpose": "bribe"}, "purpose"), ({"purpose": None}, "purpose"),
    ({"respect": "maybe"}, "respect"), ({"comment": "x" * 10_000}, "comment"),
    ({"submission_id": "short"}, "submission_id"), ({"submission_id": None}, "submission_id"),
    ({"office_id": "one"}, "office_id"), ({"cycle_id": None}, "cycle_id"),
    ({"office_id": 99999}, "office_id"),
])
def test_invalid_answers_are_refused_per_field_in_bengali(client, rating_setup, changes, field):
    response = post(client, rating_setup, payload(rating_setup, **changes))
    assert response.status_code == 422
    assert field in response.json["fields"]
    assert any("\u0980" <= ch <= "\u09ff" for ch in response.json["fields"][field])
    assert count() == 0


@pytest.mark.parametrize("body", [[1, 2], "score=7", 7, None])
def test_a_body_that_is_not_an_object_is_refused(client, rating_setup, body):
    response = client.post("/api/ratings", json=body,
                           headers={"X-CSRFToken": rating_setup["token"]})
    assert response.status_code == 422
    assert count() == 0


def test_inactive_office_is_not_in_the_cycle(client, rating_setup, make_office):
    closed_office = make_office(code="BDO-BAGDAH", place="bagdah", active=False)
    response = post(client, rating_setup, payload(rating_setup, office_id=closed_office.id))
    assert response.status_code == 422 and "office_id" in response.json["fields"]
    assert count() == 0


def test_closed_cycle_is_409(client, rating_setup):
    rating_setup["cycle"].status = "closed"
    db.session.commit()
    response = post(client, rating_setup, payload(rating_setup))
    assert response.status_code == 409 and response.json["error"] == "cycle_closed"
    assert count() == 0


def test_draft_cycle_is_refused(client, rating_setup, make_cycle):
    draft = make_cycle(name="2027 Q1", status="draft")
    response = post(client, rating_setup, payload(rating_setup, cycle_id=draft.id))
    assert response.status_code == 422
    assert count() == 0


@pytest.mark.parametrize("token", ["", "not-a-token"])
def test_missing_or_stale_csrf_token_is_refused(client, rating_setup, token):
    response = client.post("/api/ratings", json=payload(rating_setup),
                           headers={"X-CSRFToken": token} if token else {})
    assert response.status_code == 400
    assert count() == 0


def test_staff_cannot_submit_ratings(app, rating_setup, login_as):
    staff = Browser(app.test_client())
    from rating.admin.services import create_user

    create_user(login="staff9", display_name="s", role="staff", secret="staff-password-9")
    staff.login("staff9", "staff-password-9")
    token = csrf_from(staff.get("/directory/offices").get_data(as_text=True))
    response = staff.client.post("/api/ratings", json=payload(rating_setup),
                                 headers={"X-CSRFToken": token})
    assert response.status_code == 403 and count() == 0


def test_comment_is_stored_as_written_and_escaped_where_shown(client, rating_setup):
    comment = 'They said <script>alert("x")</script> & left'
    assert post(client, rating_setup, payload(rating_setup, comment=comment,
                                                quote_consent=True)).status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(Rating.comment)) == comment
    page = client.get(f"/leader/rate/{rating_setup['office'].id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_the_rater_is_stored_only_as_a_pseudonymous_key(client, rating_setup):
    body = payload(rating_setup)
    response = post(client, rating_setup, body)
    assert "rater" not in str(response.json)
    db.session.expire_all()
    rating = db.session.scalar(select(Rating))
    leader = rating_setup["leader"]
    assert leader.login not in rating.rater_key and len(rating.rater_key) == 64


def test_simultaneous_double_tap_stores_one_rating(app, rating_setup, make_user):
    """Two requests with the same submission id at the same moment: one rating, two equal
    answers (one 201, one 200)."""
    body = payload(rating_setup)
    clients = []
    for _ in range(2):
        browser = Browser(app.test_client())
        browser.login("BJ-001", TEST_PIN)
        clients.append((browser.client, csrf_from(browser.get("/leader/").get_data(
            as_text=True))))
    barrier, answers = threading.Barrier(2), []

    def send(client, token):
        barrier.wait()
        answers.append(client.post("/api/ratings", json=body, headers={"X-CSRFToken": token}))

    threads = [threading.Thread(target=send, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json == answers[1].json
    assert count() == 1 and count(Submission) == 1


def test_open_cycle_and_offices_endpoints(client, rating_setup, make_office):
    make_office(code="BDO-BAGDAH", place="bagdah", active=False)
    cycle = client.get("/api/cycles/open").json["cycle"]
    assert cycle["id"] == rating_setup["cycle"].id
    offices = client.get("/api/offices").json
    assert [o["code"] for o in offices["offices"]] == ["BDO-GAIGHATA"]
    assert offices["cycle_id"] == rating_setup["cycle"].id


def test_no_open_cycle(client, rating_setup):
    rating_setup["cycle"].status = "closed"
    db.session.commit()
    assert client.get("/api/cycles/open").json == {"cycle": None}
    assert client.get("/api/offices").json["offices"] == []


def test_rate_context_gives_the_shell_what_is_personal(client, rating_setup, make_user):
    """GET /api/rate/<office>: the rating page's shell fills itself from this; never stored."""
    setup = rating_setup
    empty = client.get(f"/api/rate/{setup['office'].id}")
    assert empty.status_code == 200 and empty.headers["Cache-Control"] == "no-store"
    assert empty.json["rating"] is None and empty.json["cycle_id"] == setup["cycle"].id
    assert empty.json["who"] == setup["leader"].display_name and empty.json["csrf_token"]
    assert post(client, setup, payload(setup, score=4, comment="slow", quote_consent=True,
                                       respect="no")).status_code == 201
    again = client.get(f"/api/rate/{setup['office'].id}").json
    assert again["rating"] == {"score": 4, "purpose": "housing", "respect": "no",
                               "resolved": "partly", "comment": "slow", "quote_consent": True}
    # The token it gives is this session's: a rating sent with it is accepted.
    assert post(client, setup, payload(setup, score=5),
                token=again["csrf_token"]).status_code == 201


def test_rate_context_refuses_what_the_server_page_would_explain(app, client, rating_setup,
                                                                 make_office):
    setup = rating_setup
    assert client.get("/api/rate/999999").status_code == 404
    closed = make_office(code="BDO-OLD", active=False)
    assert client.get(f"/api/rate/{closed.id}").status_code == 404
    setup["cycle"].status = "closed"
    db.session.commit()
    assert client.get(f"/api/rate/{setup['office'].id}").json == {"error": "no_cycle"}
    anonymous = app.test_client()
    assert anonymous.get(f"/api/rate/{setup['office'].id}").status_code == 401


def test_another_leaders_answers_never_come_back(app, client, rating_setup, make_user):
    setup = rating_setup
    assert post(client, setup, payload(setup, comment="Rupa's words")).status_code == 201
    other = Browser(app.test_client())
    make_user("leader", login="BJ-002")
    assert other.login("BJ-002", TEST_PIN).status_code == 302
    theirs = other.get(f"/api/rate/{setup['office'].id}")
    assert theirs.json["rating"] is None and "Rupa's words" not in theirs.get_data(as_text=True)


@pytest.mark.parametrize("blank", ["", "  ", "\t"])
def test_a_blank_optional_answer_is_not_answered(client, rating_setup, blank):
    """A blank yes/partly/no answer (a script, not the page, could send one) is stored as not
    answered; it once reached the database's check and came back as "busy"."""
    response = post(client, rating_setup, payload(rating_setup, respect=blank, resolved=blank))
    assert response.status_code == 201, response.json
    db.session.expire_all()
    rating = db.session.scalar(select(Rating))
    assert (rating.respect, rating.work_done) == (None, None)


def test_a_queued_rating_keeps_its_wire_name_for_work_done(client, rating_setup):
    """Inside the service the answer to "was the work done?" is ``work_done``; phones' outboxes
    (and cached pages) send it as ``resolved``, and such a rating must still arrive whole."""
    body = payload(rating_setup, resolved="no")
    assert "work_done" not in body
    assert post(client, rating_setup, body).status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(Rating.work_done)) == "no"
    mine = client.get("/api/ratings/mine").json["ratings"]
    assert [rating["resolved"] for rating in mine] == ["no"]
