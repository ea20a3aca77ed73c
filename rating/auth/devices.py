"""Device cookies (OWASP's "device cookie" lock-out pattern): a phone that has logged in to an
account carries a token for it, so that wrong tries from anywhere else never lock the owner
out on her own phone.

The cookie holds up to `MAX_ACCOUNTS` tokens (a phone a collective shares), each
``<nonce>-<tag>`` where the tag is an HMAC of the account's id and the nonce under the app's
secret. It names no account: a token proves which account it belongs to only to the server,
which recomputes the tag. Nothing is stored on the server until a wrong try is counted
against the token (`rating.auth.throttle`).
"""

import hashlib
import hmac
import re
import secrets

from flask import current_app

COOKIE = "device"
MAX_ACCOUNTS = 8
LIFETIME_DAYS = 400  # the longest browsers keep a cookie
_TOKEN = re.compile(r"^[0-9a-f]{32}-[0-9a-f]{32}$")


def _tag(user_id: int, nonce: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"device:{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def _tokens(cookie: str | None) -> list[str]:
    return [token for token in (cookie or "").split(".")[:MAX_ACCOUNTS] if _TOKEN.match(token)]


def device_of(cookie: str | None, user_id: int) -> str | None:
    """The nonce of this phone's token for the account, or None (a phone it never logged in on,
    or a token made up or copied from another account)."""
    for token in _tokens(cookie):
        nonce, tag = token.split("-")
        if hmac.compare_digest(tag, _tag(user_id, nonce)):
            return nonce
    return None


def with_device(cookie: str | None, user_id: int) -> str:
    """The cookie's new value after a login to the account: its token first (made if the phone
    had none), then the phone's other tokens, newest first, at most `MAX_ACCOUNTS`."""
    tokens = _tokens(cookie)
    nonce = device_of(cookie, user_id) or secrets.token_hex(16)
    token = f"{nonce}-{_tag(user_id, nonce)}"
    return ".".join([token, *(other for other in tokens if other != token)][:MAX_ACCOUNTS])
