"""Settings, the database connection and the headers every response carries."""

import pytest
from sqlalchemy import text

from rating import create_app
from rating.config import ConfigError, load_config
from rating.extensions import db


def test_development_generates_secrets_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("RATING_ENV", raising=False)
    first = load_config(str(tmp_path))
    second = load_config(str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 32
    assert first["RATER_KEY_SECRET"] != first["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_production_refuses_to_start_without_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("RATING_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path))


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("RATING_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("RATER_KEY_SECRET", "y" * 40)
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_default_database_is_sqlite_in_wal_mode_with_foreign_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("RATING_INSTANCE_PATH", str(tmp_path))
    app = create_app({"PASSWORD_HASH_PROFILE": "test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'rating.sqlite3'}"
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_security_headers(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_with_personal_data_are_never_cached(client, login_as):
    login_as("leader")
    assert client.get("/leader/").headers["Cache-Control"] == "no-store"


def test_errors_answer_in_the_users_language(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "bn"})
    assert page.status_code == 404 and 'lang="bn"' in page.get_data(as_text=True)
    page = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert "We could not find that page." in page.get_data(as_text=True)
