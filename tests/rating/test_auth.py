"""Logging in and out, as leaders (member code + PIN) and staff (username + password)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from rating.auth.models import LoginThrottle, User
from rating.extensions import db
from rating.timeutil import utcnow
from tests.conftest import TEST_PIN, csrf_from


def test_login_form_fields_are_named_for_password_managers(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in page and 'autocomplete="username"' in page
    assert 'name="password"' in page and 'autocomplete="current-password"' in page


@pytest.mark.parametrize("typed_login,typed_pin", [
    ("BJ-001", "1357"), ("bj-001", "1357"), (" BJ-001 ", "১৩৫৭"), ("BJ-০০১", "১৩৫৭")])
def test_leader_logs_in_with_member_code_and_pin(browser, make_user, typed_login, typed_pin):
    make_user("leader", login="BJ-001")
    response = browser.login(typed_login, typed_pin)
    assert response.status_code == 302
    assert browser.get("/").headers["Location"].endswith("/leader/")


@pytest.mark.parametrize("login,secret", [("BJ-001", "9999"), ("BJ-999", TEST_PIN), ("", ""),
                                          ("staff", "wrong-password-x")])
def test_wrong_or_unknown_login_gets_one_clear_message(browser, make_user, login, secret):
    make_user("leader", login="BJ-001")
    make_user("staff")
    response = browser.login(login, secret)
    assert response.status_code in (400, 401)
    page = response.get_data(as_text=True)
    assert "/logout" not in page  # still logged out
    assert "সদস্য কোড" in page  # the message is in Bengali, the default language


def test_unknown_user_and_wrong_pin_read_the_same(browser, make_user):
    make_user("leader", login="BJ-001")
    wrong_pin = browser.login("BJ-001", "9999").get_data(as_text=True)
    unknown = browser.login("BJ-404", "9999").get_data(as_text=True)

    def message(page):
        return page.split('class="flash flash-error"', 1)[1].split("</p>", 1)[0]

    assert message(wrong_pin) == message(unknown)


def test_repeated_failures_lock_the_account(app, browser, make_user):
    make_user("leader", login="BJ-001")
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        browser.login("BJ-001", "0000")
    locked = browser.login("BJ-001", TEST_PIN)  # even the right PIN is refused while locked
    assert locked.status_code == 401
    assert "/logout" not in locked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(LoginThrottle.locked_until)) > utcnow()


def test_lock_expires(app, browser, make_user):
    make_user("leader", login="BJ-001")
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        browser.login("BJ-001", "0000")
    db.session.execute(update(LoginThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert browser.login("BJ-001", TEST_PIN).status_code == 302


def test_deactivated_account_cannot_log_in(browser, make_user):
    leader = make_user("leader", login="BJ-001")
    leader.active = False
    db.session.commit()
    assert browser.login("BJ-001", TEST_PIN).status_code == 401


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("leader", login="BJ-001")
    response = client.post("/login", data={"username": "BJ-001", "password": TEST_PIN})
    assert response.status_code == 400
    assert "/logout" not in client.get("/login").get_data(as_text=True)


def test_logout_is_a_post(client, login_as):
    login_as("leader")
    assert client.get("/logout").status_code == 405
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/leader/").status_code == 302  # back to the login page


@pytest.mark.parametrize("target,expected", [
    ("/directory/offices", "/directory/offices"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
])
def test_next_redirect_stays_on_the_site(browser, make_user, target, expected):
    make_user("staff")
    response = browser.post(f"/login?next={target}", {
        "username": "staff", "password": "staff-password-1", "next": target})
    assert response.headers["Location"] == expected


def test_session_ends_when_the_pin_is_reset(client, login_as):
    from rating.admin.services import reset_secret

    leader = login_as("leader")
    assert client.get("/leader/").status_code == 200
    reset_secret(leader)
    assert client.get("/leader/").status_code == 302


def test_language_choice_is_remembered_for_the_user(browser, login_as, client):
    leader = login_as("leader")
    assert 'lang="bn"' in client.get("/leader/").get_data(as_text=True)
    browser.post("/language", {"language": "en"}, page="/leader/")
    assert 'lang="en"' in client.get("/leader/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, leader.id).language == "en"


def test_staff_default_to_english(login_as, client):
    login_as("staff")
    assert 'lang="en"' in client.get("/directory/offices").get_data(as_text=True)


def test_login_attempts_are_rate_limited(app, browser, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    make_user("staff")
    statuses = [browser.login("nobody", "x" * 12).status_code for _ in range(4)]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429


def test_passwords_are_stored_as_argon2_hashes(make_user):
    staff = make_user("staff")
    assert staff.password_hash.startswith("$argon2id$")
    assert "staff-password-1" not in staff.password_hash


def test_rater_key_is_stable_when_secret_key_rotates(app, make_user):
    from rating.auth.services import rater_key_for

    leader = make_user("leader")
    before = rater_key_for(leader.id)
    app.config["SECRET_KEY"] = "rotated"
    assert rater_key_for(leader.id) == before
    app.config["RATER_KEY_SECRET"] = "another-deployment"
    assert rater_key_for(leader.id) != before  # the key depends on its own secret only
