"""The request pipeline: everything that runs around every request, registered in one place.

`init_app` reads in the order the hooks run. Flask runs ``before_request`` hooks in the order
they are registered and ``after_request`` hooks in the reverse order, and the extensions
register hooks of their own when they are bound, so the order of the lines below is the
order of the pipeline:

before a view: CSRF check (Flask-WTF), rate limits (Flask-Limiter), an expired session ends
(`rating.auth.sessions`), the role check (`rating.access`), NUL bytes refused;
after a view, last registered first: security headers, small static files read into memory,
compression (Flask-Compress), rate-limit headers, Flask-Login's cookie, the outbox key's
cookie (`rating.survey.outbox`), and, last of all, files that are the same for everyone stop
varying by cookie.
"""

import os

from flask import Flask, Request, abort, current_app, request, session
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from rating import access, templating
from rating.auth import services as accounts
from rating.auth.sessions import SessionInterface, end_expired_session
from rating.extensions import babel, compress, csrf, limiter, login_manager
from rating.i18n import select_locale
from rating.survey import outbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PUBLIC_FILES = ("static", "survey.service_worker", "survey.manifest", "survey.offline_shell")


MAX_JSON_DEPTH = 16  # a rating is a flat object; nothing here nests deeper than 2


class FormRequest(Request):
    """Flask's request, refusing (400) two bodies that used to answer 500: a multipart body
    with a part that has no name (Werkzeug files it under the key None, on which Flask-WTF's
    CSRF check fails), and JSON nested deeper than `MAX_JSON_DEPTH` (the parser, or any code
    walking the value, ran out of stack: a 500 and a logged traceback, even on GET /login)."""

    def _load_form_data(self):
        super()._load_form_data()
        if None in self.form or None in self.files:
            raise BadRequest("A form field has no name.")

    def get_json(self, force=False, silent=False, cache=True):
        try:
            value = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            raise BadRequest("The JSON body is nested too deeply.") from None
        if _nesting(value) > MAX_JSON_DEPTH:
            raise BadRequest("The JSON body is nested too deeply.")
        return value


def _nesting(value) -> int:
    """How deeply lists and objects nest in a JSON value (a number or string: 0), walked
    without recursion, stopping once past the limit."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_JSON_DEPTH:
        value, depth = stack.pop()
        inner = value.values() if isinstance(value, dict) else \
            value if isinstance(value, list) else None
        if inner is not None:
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in inner)
    return deepest


def init_app(app: Flask) -> None:
    """Bind the extensions and every app-wide hook, in the order they run."""
    if app.config.get("PROXY_FIX"):
        # Behind nginx or a load balancer: the client's address (for rate limits) and whether
        # it came over HTTPS (for Secure cookies) are in the X-Forwarded-* headers.
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.request_class = FormRequest  # a malformed multipart body is a 400, not a 500
    app.session_interface = SessionInterface()  # Secure cookies on any HTTPS request

    # Registered before Flask-Login, so that it runs after Flask-Login's own after-request.
    app.after_request(static_is_not_personal)
    app.after_request(outbox_key_cookie)  # a leader's session holds her outbox's key
    login_manager.init_app(app)
    login_manager.user_loader(accounts.load_user)
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(ROOT, "rating", "translations"))

    app.before_request(end_expired_session)  # before the role check: it may log out
    app.before_request(access.enforce_roles)
    # Flask's own static route is public: the login page needs its stylesheet.
    app.view_functions["static"].allowed_roles = access.PUBLIC
    app.before_request(refuse_nul_bytes)  # after the role check, before any view

    app.after_request(buffer_small_files)  # runs before Flask-Compress's
    app.after_request(security_headers)  # runs first

    app.context_processor(templating.page_context)


def refuse_nul_bytes():
    """Before each view: a query, form field or JSON text holding a NUL character is refused
    (400). Nobody types one, and PostgreSQL cannot store or even compare it (its driver raises),
    so without this a search or a comment with one answered 500. Uploaded files are not checked:
    their readers report such bytes themselves."""
    texts = [*request.args.keys(), *request.args.values(), *request.form.keys(),
             *request.form.values()]
    if request.is_json:
        texts.extend(_strings(request.get_json(silent=True)))
    if any("\x00" in text for text in texts if isinstance(text, str)):
        abort(400)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def static_is_not_personal(response):
    """Files that are the same for everyone must not vary by cookie, or phones revalidate
    them on every page (hooks that peek at the session would add ``Vary: Cookie``)."""
    if request.endpoint in PUBLIC_FILES:
        session.accessed = False
    return response


def outbox_key_cookie(response):
    """The leader's outbox key cookie (`rating.survey.outbox`), never on the files that are the
    same for everyone."""
    if request.endpoint in PUBLIC_FILES:
        return response
    return outbox.keep_outbox_key(response)


def buffer_small_files(response):
    """Read a static file into memory so Flask-Compress compresses it as a whole (its
    streaming path leaves the file open); every compressible file here is small."""
    if response.direct_passthrough and \
            response.mimetype in current_app.config["COMPRESS_MIMETYPES"]:
        response.direct_passthrough = False
        response.get_data()
    return response


def security_headers(response):
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy",
                                "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        # Only over HTTPS (directly, or behind a proxy trusted through PROXY_FIX): a
        # laptop serving plain HTTP must not tell browsers to insist on HTTPS.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # The session says whether someone is logged in; asking current_user would reload the
    # account from the database after the view's commit, one more query per request.
    if request.endpoint not in PUBLIC_FILES and session.get("_user_id"):
        # Pages carry one person's data: never keep them for the next user of the phone.
        response.headers.setdefault("Cache-Control", "no-store")
    return response
