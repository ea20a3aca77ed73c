"""How many ratings one leader account may send, by the page and the API together."""

import uuid

import pytest
from sqlalchemy import func, select

from rating.extensions import db
from rating.survey.models import Rating
from tests.conftest import csrf_from


@pytest.fixture
def leader_with_offices(app, client, login_as, make_cycle, make_office):
    login_as("leader", login="BJ-001")
    cycle = make_cycle()
    offices = [make_office(code=f"OFF-{n}") for n in range(4)]
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    return cycle, offices, token


def _send(client, cycle, office, token):
    return client.post("/api/ratings", headers={"X-CSRFToken": token}, json={
        "submission_id": uuid.uuid4().hex, "cycle_id": cycle.id, "office_id": office.id,
        "score": 5, "purpose": "housing"})


def test_one_account_can_send_only_so_many_ratings_a_minute(app, client, leader_with_offices):
    """One leader account wrote about 270 ratings a second."""
    app.config["RATING_WRITE_LIMIT"] = "3 per minute"
    cycle, offices, token = leader_with_offices
    statuses = [_send(client, cycle, office, token).status_code for office in offices]
    assert statuses == [201, 201, 201, 429]
    refused = _send(client, cycle, offices[3], token)
    assert refused.is_json and "অনেকগুলো রেটিং" in refused.json["detail"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Rating.id))) == 3


def test_the_page_and_the_api_share_the_ratings_limit(app, client, leader_with_offices):
    app.config["RATING_WRITE_LIMIT"] = "2 per minute"
    cycle, offices, token = leader_with_offices
    assert _send(client, cycle, offices[0], token).status_code == 201
    page = client.get(f"/leader/rate/{offices[1].id}").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "score": "6", "purpose": "housing",
            "submission_id": uuid.uuid4().hex}
    assert client.post(f"/leader/rate/{offices[1].id}", data=form).status_code == 303
    form["submission_id"] = uuid.uuid4().hex
    refused = client.post(f"/leader/rate/{offices[2].id}", data=form)
    assert refused.status_code == 429
    assert "অনেকগুলো রেটিং" in refused.get_data(as_text=True)
    assert client.get(f"/leader/rate/{offices[2].id}").status_code == 200  # reading is not limited


def test_the_limit_is_per_account_not_per_phone(app, client, leader_with_offices, make_user):
    app.config["RATING_WRITE_LIMIT"] = "1 per minute"
    cycle, offices, token = leader_with_offices
    assert _send(client, cycle, offices[0], token).status_code == 201
    assert _send(client, cycle, offices[1], token).status_code == 429
    # A second leader on the same address is not held back by the first one's limit.
    other = app.test_client()
    from tests.conftest import TEST_PIN, Browser

    leader = make_user("leader", login="BJ-002")
    assert Browser(other).login(leader.login, TEST_PIN).status_code == 302
    other_token = csrf_from(other.get("/leader/").get_data(as_text=True))
    assert _send(other, cycle, offices[1], other_token).status_code == 201
