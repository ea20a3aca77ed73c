"""The key of a leader's outbox on her phone lives in a cookie exactly as long as her session:
set at her login, hers alone, deleted at logout, at the quick exit and for anyone else."""

from sqlalchemy import select

from rating.audit import AuditEvent
from rating.extensions import db
from rating.survey.outbox import COOKIE, outbox_key
from rating.survey.services import leader_tag
from tests.conftest import TEST_PASSWORDS, TEST_PIN, Browser, csrf_from


def set_cookies(response) -> dict[str, str]:
    """Each cookie this response sets (or deletes), with its attributes."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_her_login_hands_her_phone_her_own_key(app, client, make_user):
    rupa, shefali = make_user("leader", login="BJ-001"), make_user("leader", login="BJ-002")
    response = Browser(client).login("BJ-001", TEST_PIN)
    header = set_cookies(response)[COOKIE]
    assert "HttpOnly" not in header and "SameSite=Strict" in header and "Path=/" in header
    assert "Expires" not in header  # without "keep me logged in": gone with the browser
    tag, key, end = client.get_cookie(COOKIE).value.split(".")
    with app.test_request_context():
        assert tag == leader_tag(rupa) and key == outbox_key(rupa)
        assert key != outbox_key(shefali) and len(bytes.fromhex(key)) == 32
    hours = app.config["SESSION_LIFETIME"].total_seconds() / 3600
    login = db.session.scalar(select(AuditEvent.at).where(AuditEvent.action == "auth.login"))
    assert abs(int(end) - login.timestamp() - hours * 3600) < 5


def test_keep_me_logged_in_makes_the_key_last_as_long_as_the_session(app, client, make_user):
    make_user("leader", login="BJ-001")
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                           "username": "BJ-001", "password": TEST_PIN,
                                           "remember": "y"})
    assert response.status_code == 302
    assert "Expires" in set_cookies(response)[COOKIE]


def test_logout_deletes_the_key(client, make_user):
    make_user("leader", login="BJ-001")
    phone = Browser(client)
    phone.login("BJ-001", TEST_PIN)
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert "Max-Age=0" in set_cookies(response)[COOKIE]
    assert client.get_cookie(COOKIE) is None


def test_quick_exit_ends_the_session_and_leaves_for_a_neutral_page(app, client, make_user):
    make_user("leader", login="BJ-001")
    Browser(client).login("BJ-001", TEST_PIN)
    response = client.post("/exit")  # no token: the button must work from the offline shell
    assert response.status_code == 303
    assert response.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert client.get_cookie(COOKIE) is None
    assert client.get("/leader/").status_code == 302  # to the login page
    reasons = db.session.scalars(select(AuditEvent.details).where(
        AuditEvent.action == "auth.logout")).all()
    assert reasons == [{"reason": "quick_exit"}]


def test_quick_exit_when_nobody_is_logged_in_still_leaves(app, client):
    response = client.post("/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == app.config["QUICK_EXIT_URL"]


def test_staff_get_no_outbox_key(client, make_user):
    make_user("staff")
    response = Browser(client).login("staff", TEST_PASSWORDS["staff"])
    assert COOKIE not in set_cookies(response)


def test_files_the_same_for_everyone_never_carry_the_key(client, make_user):
    make_user("leader", login="BJ-001")
    Browser(client).login("BJ-001", TEST_PIN)
    client.delete_cookie(COOKIE)
    for url in ("/static/css/app.css", "/leader/sw.js"):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert COOKIE not in set_cookies(response), url
