"""Leaders choose their own PIN; whoever issued a PIN cannot log in with it unnoticed."""

import pytest
from sqlalchemy import select

from rating.audit import AuditEvent
from rating.auth.models import User
from rating.extensions import db
from tests.conftest import TEST_PASSWORDS, TEST_PIN, Browser


def _change(browser, current, new, again=None):
    return browser.post("/pin", {"current": current, "new": new,
                                 "again": new if again is None else again})


def _logins(user_id):
    db.session.expire_all()
    return [event.details for event in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "auth.login", AuditEvent.target_id == user_id)
        .order_by(AuditEvent.id))]


def test_a_leader_changes_her_pin_and_logs_in_with_the_new_one(app, browser, login_as):
    leader = login_as("leader")
    page = browser.get("/pin").get_data(as_text=True)
    assert 'inputmode="numeric"' in page and "নতুন পিন" in page  # Bengali first, a digit pad
    response = _change(browser, TEST_PIN, "৮০৪২")  # Bengali digits are digits
    assert response.status_code == 302
    assert browser.get("/leader/").status_code == 200  # this session lives on
    phone = Browser(app.test_client())
    assert phone.login(leader.login, TEST_PIN).status_code == 401
    assert phone.login(leader.login, "8042").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, leader.id).secret_state == "own"


def test_changing_the_pin_ends_her_other_sessions(app, browser, login_as):
    leader = login_as("leader")
    other_phone = Browser(app.test_client())
    assert other_phone.login(leader.login, TEST_PIN).status_code == 302
    assert _change(browser, TEST_PIN, "8042").status_code == 302
    assert other_phone.get("/leader/").status_code == 302  # back to the login page


@pytest.mark.parametrize("current,new,again,words", [
    ("9999", "8042", "8042", "এখনকার পিন ঠিক নয়"),
    (TEST_PIN, "12", "12", "৪ থেকে ৬"),
    (TEST_PIN, "8042", "8043", "মিলছে না"),
    (TEST_PIN, TEST_PIN, TEST_PIN, "নতুন পিন বেছে নিন"),
])
def test_a_refused_change_says_why_in_bengali_and_changes_nothing(browser, login_as, current,
                                                                  new, again, words):
    leader = login_as("leader")
    before = db.session.get(User, leader.id).password_hash
    response = _change(browser, current, new, again)
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, leader.id).password_hash == before


def test_wrong_current_pins_lock_the_change_like_a_login(app, browser, login_as):
    """A session left open on a shared phone cannot be used to try PINs."""
    login_as("leader")
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        _change(browser, "9999", "8042")
    response = _change(browser, TEST_PIN, "8042")
    assert response.status_code == 422
    assert "অনেকবার ভুল হয়েছে" in response.get_data(as_text=True)


def test_staff_change_their_password(browser, login_as):
    login_as("staff")
    assert _change(browser, TEST_PASSWORDS["staff"], "short").status_code == 422
    assert _change(browser, TEST_PASSWORDS["staff"], "a-longer-password").status_code == 302


def test_the_first_login_with_an_issued_pin_is_marked_in_the_audit(app, make_user):
    from rating.admin.services import reset_secret

    leader = make_user("leader", login="BJ-001")

    def log_in(pin):
        return Browser(app.test_client()).login("BJ-001", pin).status_code

    assert log_in(TEST_PIN) == 302
    assert log_in(TEST_PIN) == 302
    new_pin = reset_secret(leader)
    assert log_in(new_pin) == 302
    assert [login["first_after_issue"] for login in _logins(leader.id)] == [True, False, True]


def test_the_issuer_logging_in_first_is_seen_when_the_leader_logs_in(app, make_user):
    """The admin who issued the PIN logs in with it before the leader does: the leader's own
    first login is then not marked first, and the admin's is."""
    leader = make_user("leader", login="BJ-001")
    issuer_phone, leader_phone = Browser(app.test_client()), Browser(app.test_client())
    issuer_phone.login("BJ-001", TEST_PIN)
    leader_phone.login("BJ-001", TEST_PIN)
    assert [login["first_after_issue"] for login in _logins(leader.id)] == [True, False]


def test_a_leader_with_an_issued_pin_is_asked_to_choose_her_own(browser, login_as):
    login_as("leader")
    home = browser.get("/leader/").get_data(as_text=True)
    assert "নিজের পিন বেছে নিন" in home
    _change(browser, TEST_PIN, "8042")
    home = browser.get("/leader/").get_data(as_text=True)
    assert "নিজের পিন বেছে নিন" not in home  # the card asking her is gone
