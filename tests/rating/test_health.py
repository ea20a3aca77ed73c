"""``/healthz``: 200 when the database answers, a clear 503 when it cannot be reached."""

import logging
import socket

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from rating import create_app
from rating.extensions import db
from tests.conftest import base_config


def test_healthz_is_ok_and_public_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def _closed_port() -> int:
    """A port on this machine that nothing listens on (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


UNREACHABLE = {
    "postgresql on a closed port":
        lambda tmp_path: f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/rating",
    "sqlite in a missing folder":
        lambda tmp_path: f"sqlite:///{tmp_path / 'no-such-folder' / 'rating.sqlite3'}",
}


@pytest.mark.parametrize("where", list(UNREACHABLE))
def test_healthz_answers_503_when_the_database_is_unreachable(where, tmp_path, caplog):
    app = create_app(base_config(UNREACHABLE[where](tmp_path)))
    caplog.set_level(logging.WARNING, logger=app.logger.name)

    with app.app_context():
        try:
            response = app.test_client().get("/healthz")
        finally:
            db.engine.dispose()

    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert "healthz: database unreachable: OperationalError" in caplog.text


def test_a_login_while_the_database_is_unreachable_is_a_503_not_a_500(tmp_path, caplog):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/rating"
    app = create_app({**base_config(url), "WTF_CSRF_ENABLED": False})
    caplog.set_level(logging.ERROR, logger=app.logger.name)

    with app.app_context():
        try:
            response = app.test_client().post(
                "/login", data={"username": "BJ-001", "password": "2468"},
                headers={"Accept-Language": "en"})
        finally:
            db.engine.dispose()

    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert "database unavailable on POST /login: OperationalError" in caplog.text


def test_a_failed_statement_never_carries_its_values_into_a_log(app):
    """An error's text reaches the log; the values bound to the statement must not."""
    with pytest.raises(DBAPIError) as failure:
        db.session.execute(text("SELECT :comment FROM no_such_table"),
                           {"comment": "the officer shouted at me"})
    db.session.rollback()

    assert "no_such_table" in str(failure.value)
    assert "shouted" not in str(failure.value)


def test_a_logged_in_leader_gets_a_503_while_the_database_is_down(app, client, login_as):
    """The same session cookie, the same secret, but the database has gone: loading the
    account fails before the view runs, and even the error page must not need the database."""
    login_as("leader", language="en")
    token = client.get("/api/session").get_json()["csrf_token"]
    cookie = client.get_cookie("session")
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/rating"
    down = create_app(base_config(url))
    phone = down.test_client()
    phone.set_cookie("session", cookie.value)

    with down.app_context():
        try:
            response = phone.post("/api/ratings", json={"submission_id": "a" * 32},
                                  headers={"X-CSRFToken": token})
        finally:
            db.engine.dispose()

    assert response.status_code == 503
    assert response.get_json()["detail"] == "Nothing was saved. Please try again in a few minutes."


def test_a_database_failure_after_the_view_is_a_503_not_a_500(tmp_path, caplog):
    """The connection can die between a commit and an after-request hook that reloads the
    account; Flask reports that as a 500, which must still answer as the outage it is."""
    # As in production: an error outside the view is handled, not raised into the test.
    app = create_app({**base_config(f"sqlite:///{tmp_path / 'rating.sqlite3'}"),
                      "PROPAGATE_EXCEPTIONS": False})
    caplog.set_level(logging.ERROR, logger=app.logger.name)

    @app.after_request
    def connection_lost(response):
        raise OperationalError("SELECT users.active", {}, ConnectionError("server closed"))

    response = app.test_client().get("/healthz", headers={"Accept-Language": "en"})

    assert response.status_code == 503
    assert "database unavailable on GET /healthz: ConnectionError" in caplog.text
