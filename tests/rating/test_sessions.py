"""Sessions end on time: leaders may stay logged in on their own phone for a month, everyone
else for a working day, counted from the login; session cookies are HttpOnly, SameSite=Lax and
Secure over HTTPS."""

from datetime import timedelta

import pytest

from rating.audit import AuditEvent
from rating.extensions import db
from rating.timeutil import utcnow
from tests.conftest import TEST_PASSWORDS, TEST_PIN, csrf_from

HOME = {"leader": "/leader/", "staff": "/directory/offices", "advocacy": "/directory/offices",
        "admin": "/admin/users"}


def _log_in(client, make_user, role, remember=False, base_url="http://localhost"):
    user = make_user(role)
    secret = TEST_PIN if role == "leader" else TEST_PASSWORDS[role]
    token = csrf_from(client.get("/login", base_url=base_url).get_data(as_text=True))
    data = {"username": user.login, "password": secret, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    # Over HTTPS Flask-WTF also checks that the form came from this site's page, as a
    # browser says in its Referer header.
    response = client.post("/login", data=data, base_url=base_url,
                           headers={"Referer": f"{base_url}/login"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return user, response


def _logged_in_ago(client, age: timedelta):
    with client.session_transaction() as session:
        session["login_at"] = int((utcnow() - age).timestamp())


def _is_logged_in(client, role) -> bool:
    response = client.get(HOME[role])
    return response.status_code == 200


@pytest.mark.parametrize("role,remember,still_in,logged_out", [
    ("leader", True, timedelta(days=29), timedelta(days=31)),
    ("leader", False, timedelta(hours=9), timedelta(hours=11)),
    ("staff", False, timedelta(hours=9), timedelta(hours=11)),
    ("staff", True, timedelta(hours=9), timedelta(hours=11)),  # ticking does not extend staff
    ("advocacy", True, timedelta(hours=9), timedelta(hours=11)),
    ("admin", True, timedelta(hours=9), timedelta(hours=11)),
])
def test_sessions_last_as_long_as_the_role_allows(client, make_user, role, remember, still_in,
                                                  logged_out):
    _log_in(client, make_user, role, remember)
    _logged_in_ago(client, still_in)
    assert _is_logged_in(client, role)
    _logged_in_ago(client, logged_out)
    response = client.get(HOME[role])
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _is_logged_in(client, role)  # and it stays ended


def test_an_expired_session_says_why_on_the_login_page(client, make_user):
    _log_in(client, make_user, "staff")
    _logged_in_ago(client, timedelta(hours=11))
    page = client.get("/directory/offices", follow_redirects=True).get_data(as_text=True)
    assert "log in again" in page
    assert 'name="password"' in page


def test_using_the_service_does_not_extend_a_session(client, make_user):
    _log_in(client, make_user, "staff")
    _logged_in_ago(client, timedelta(hours=9, minutes=50))
    for _ in range(3):
        assert _is_logged_in(client, "staff")
    with client.session_transaction() as session:
        login_at = session["login_at"]
    assert utcnow().timestamp() - login_at > timedelta(hours=9, minutes=49).total_seconds()


def test_an_expired_api_session_answers_401(client, make_user):
    _log_in(client, make_user, "leader", remember=True)
    assert client.get("/api/ratings/mine").status_code == 200
    _logged_in_ago(client, timedelta(days=31))
    assert client.get("/api/ratings/mine").status_code == 401


def test_a_session_without_a_login_time_has_ended(client, make_user):
    """A cookie made before sessions expired (or forged without a login time) lets nobody in."""
    _log_in(client, make_user, "staff")
    with client.session_transaction() as session:
        del session["login_at"]
    assert not _is_logged_in(client, "staff")


def test_a_login_time_in_the_future_is_refused(client, make_user):
    _log_in(client, make_user, "staff")
    _logged_in_ago(client, -timedelta(days=365))
    assert not _is_logged_in(client, "staff")


def test_expiry_is_in_the_audit_trail(app, client, make_user):
    user, _ = _log_in(client, make_user, "staff")
    _logged_in_ago(client, timedelta(hours=11))
    client.get("/directory/offices")
    db.session.expire_all()
    ended = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "auth.logout")).all()
    assert [(e.target_id, e.details["reason"]) for e in ended] == [(user.id, "expired")]


def _set_cookie(response, name="session"):
    cookies = [value for value in response.headers.getlist("Set-Cookie")
               if value.startswith(f"{name}=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    _, response = _log_in(client, make_user, "leader")
    cookie = _set_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on a laptop: a Secure cookie would never return


def test_leader_who_stays_logged_in_gets_a_month_long_cookie(client, make_user):
    _, response = _log_in(client, make_user, "leader", remember=True)
    cookie = _set_cookie(response)
    assert "Expires=" in cookie
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("role,remember", [("leader", False), ("staff", True)])
def test_other_sessions_end_when_the_browser_closes(client, make_user, role, remember):
    _, response = _log_in(client, make_user, role, remember)
    assert "Expires=" not in _set_cookie(response)
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_session_cookie_is_secure_over_https(client, make_user):
    _, response = _log_in(client, make_user, "leader", base_url="https://rating.example")
    assert "Secure" in _set_cookie(response)


def test_session_cookie_is_secure_when_configured(app, client, make_user):
    app.config["SESSION_COOKIE_SECURE"] = True
    _, response = _log_in(client, make_user, "staff")
    assert "Secure" in _set_cookie(response)


@pytest.mark.parametrize("proxy_fix,secure", [(1, True), (0, False)])
def test_behind_a_proxy_https_is_read_from_x_forwarded_proto(database_url, proxy_fix, secure):
    """With PROXY_FIX=1 the proxy's word that the phone used HTTPS counts; without it, a
    client cannot claim HTTPS by sending the header itself."""
    from rating import create_app
    from rating.admin.services import create_user
    from tests.conftest import FreshContextClient, _empty_tables, base_config

    app = create_app({**base_config(database_url), "PROXY_FIX": proxy_fix})
    app.test_client_class = FreshContextClient
    with app.app_context():
        try:
            create_user(login="staff", display_name="Staff", role="staff",
                        secret=TEST_PASSWORDS["staff"])
            client = app.test_client()
            forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
                         "Referer": "https://localhost/login"}
            token = csrf_from(client.get("/login", headers=forwarded).get_data(as_text=True))
            response = client.post("/login", headers=forwarded, data={
                "username": "staff", "password": TEST_PASSWORDS["staff"], "csrf_token": token})
            assert response.status_code == 302
            assert ("Secure" in _set_cookie(response)) is secure
        finally:
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


def _copy_cookies(source, target):
    """What an attacker holding a copy of the phone's cookies has."""
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


@pytest.mark.parametrize("remember", [False, True])
def test_a_copied_cookie_is_refused_after_logout(app, client, make_user, remember):
    _log_in(client, make_user, "leader", remember=remember)
    copy = app.test_client()
    _copy_cookies(client, copy)
    assert _is_logged_in(copy, "leader")  # the copy works while she is logged in
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not _is_logged_in(copy, "leader")
    assert copy.get("/api/ratings/mine").status_code == 401


def test_a_copied_cookie_is_refused_after_a_pin_reset(app, client, make_user):
    from rating.admin.services import reset_secret

    leader, _ = _log_in(client, make_user, "leader", remember=True)
    copy = app.test_client()
    _copy_cookies(client, copy)
    reset_secret(leader)
    assert not _is_logged_in(copy, "leader")
    assert not _is_logged_in(client, "leader")


def test_logging_in_again_after_logout_works(client, make_user):
    user, _ = _log_in(client, make_user, "leader")
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": user.login, "password": TEST_PIN,
                                           "csrf_token": token})
    assert response.status_code == 302 and _is_logged_in(client, "leader")
