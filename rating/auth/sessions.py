"""How long a login lasts, and session cookies that are Secure whenever the page came over HTTPS.

A session records when it began (``login_at``) and whether the leader asked to stay logged in
(``remember``); `end_expired_session` ends it once its role's lifetime has passed, counted from
the login and never extended by activity. Flask-Login's own remember cookie is not used: it
carries no login time, so it could not be made to expire on the server.
"""

from datetime import timedelta

from flask import current_app, flash, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from rating.auth import devices, services
from rating.timeutil import utcnow


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the Secure flag also set on any HTTPS request (behind
    a proxy too, when ``PROXY_FIX`` lets the app see the proxy's X-Forwarded-Proto)."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def start_session(user, remember: bool) -> None:
    """Log a user in on a fresh session (nothing from before the login survives in it)."""
    session.clear()
    login_user(user, remember=False)
    remembered = bool(remember) and user.role == "leader"
    session["login_at"] = int(utcnow().timestamp())
    session["remember"] = remembered
    session["language"] = user.language
    # A permanent session's cookie outlives closing the browser; the others end with it.
    session.permanent = remembered


def renew_session(user) -> None:
    """After the account's session version moved on (a PIN change): this session names the new
    version and keeps its login time, so it lives on while every other one ends."""
    login_user(user, remember=False)


def remember_device(response, user) -> None:
    """Give the phone its device token for the account (`rating.auth.devices`)."""
    response.set_cookie(
        devices.COOKIE, devices.with_device(request.cookies.get(devices.COOKIE), user.id),
        max_age=timedelta(days=devices.LIFETIME_DAYS), httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure)
def session_ends_at(user=None) -> int:
    """The Unix time at which the logged-in user's session ends: its login plus its role's
    lifetime (`services.session_lifetime`)."""
    role = (user or current_user).role
    lifetime = services.session_lifetime(role, bool(session.get("remember")))
    return int((session.get("login_at") or 0) + lifetime.total_seconds())


def end_expired_session():
    """Before each request: log out a session that has outlived its lifetime."""
    if not current_user.is_authenticated:
        return None
    if not services.session_expired(current_user.role, session.get("login_at"),
                                    bool(session.get("remember"))):
        return None
    user = current_user._get_current_object()
    services.record_logout(user, reason="expired")
    logout_user()
    session.clear()
    session["language"] = user.language
    if not request.path.startswith("/api/"):
        flash(_("You were logged out after a while, to keep your account safe. Please log in "
                "again."), "info")
    return None
