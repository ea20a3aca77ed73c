"""The key that seals a leader's queued ratings on her phone (static/js/outbox.js), kept in a
cookie that lives exactly as long as her session there.

The phone's outbox (IndexedDB) holds each queued rating encrypted with AES-GCM under a key
that is this leader's own: an HMAC of her account under ``RATER_KEY_SECRET``, so the same key
comes back at her next login and what waited is sent then. The server hands it out only to
her logged-in session, in the ``outbox_key`` cookie: readable by the page's script (it must
encrypt offline), SameSite=Strict, and with her session's end written into it and set as its
expiry (or, without "keep me logged in", gone when the browser closes). The response after a
logout, a quick exit or an expired session, to anyone not logged in as a leader, deletes it.
Without the cookie the next person on the phone finds only ciphertext.
"""

from flask import current_app, g, request, session

from rating.auth.services import rater_key_for_code
from rating.auth.sessions import session_ends_at
from rating.survey.services import leader_tag

COOKIE = "outbox_key"


def outbox_key(user) -> str:
    """This leader's 256-bit outbox key, as 64 hex digits."""
    return rater_key_for_code(f"outbox-key:{user.id}")


def outbox_cookie_value(user) -> str:
    """``tag.key.end``: whose ratings it opens, the key, and the Unix time her session ends."""
    return f"{leader_tag(user)}.{outbox_key(user)}.{session_ends_at(user)}"


def keep_outbox_key(response):
    """After a request: a leader's session has the cookie; anyone else's has it deleted. Looks
    only at a user this request has loaded already (Flask-Login keeps it in ``g``), so that it
    never queries the database (a public page answers 503, not 500, when it is down)."""
    user = g.get("_login_user")
    secure = current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure
    if user is not None and user.is_authenticated and user.role == "leader":
        value = outbox_cookie_value(user)
        if request.cookies.get(COOKIE) != value:
            remembered = bool(session.get("remember"))
            response.set_cookie(COOKIE, value, expires=session_ends_at(user) if remembered else None,
                                path="/", secure=secure, httponly=False, samesite="Strict")
    elif COOKIE in request.cookies and (user is not None or "_user_id" not in session):
        response.delete_cookie(COOKIE, path="/", secure=secure, httponly=False,
                               samesite="Strict")
    return response
