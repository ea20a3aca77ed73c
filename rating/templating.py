"""What every template may use: the locale, digits in the page's script, the user's menu."""

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from rating.i18n import local_digits


def current_locale() -> str:
    """"bn" or "en": the language this response is written in."""
    return str(get_locale() or "bn")


PUBLIC_FILES = ("static", "survey.service_worker", "survey.manifest", "survey.offline_shell")


def static_is_not_personal(response):
    """Files that are the same for everyone must not vary by cookie, or phones revalidate
    them on every page (hooks that peek at the session would add ``Vary: Cookie``)."""
    if request.endpoint in PUBLIC_FILES:
        session.accessed = False
    return response


def init_app(app: Flask) -> None:
    from rating.formtools import FormRequest, refuse_nul_bytes

    app.request_class = FormRequest  # a malformed multipart body is a 400, not a 500
    app.before_request(refuse_nul_bytes)  # after the role check, before any view

    @app.template_filter("digits")
    def digits_filter(value):
        return local_digits(value, current_locale())

    @app.template_filter("localname")
    def localname_filter(thing):
        return thing.name(current_locale()) if thing is not None else ""

    @app.template_filter("reject_page")
    def reject_page_filter(args: dict) -> dict:
        """The query without its page, and without names that url_for keeps for itself
        (``_anchor``, ``_scheme``, ``endpoint`` ...): a link must not fail on ``?_scheme=x``."""
        return {key: value for key, value in args.items()
                if key not in ("page", "endpoint", "values") and not key.startswith("_")}

    @app.context_processor
    def page_context():
        from rating.dashboard.wording import number
        from rating.directory.forms import LEVEL_LABELS

        return {"locale": current_locale(), "menu": _menu(),
                "level_label": lambda level: LEVEL_LABELS.get(level, level), "number": number}

    @app.after_request
    def buffer_small_files(response):
        """Read a static file into memory so Flask-Compress compresses it as a whole (its
        streaming path leaves the file open); every compressible file here is small."""
        if response.direct_passthrough and \
                response.mimetype in app.config["COMPRESS_MIMETYPES"]:
            response.direct_passthrough = False
            response.get_data()
        return response

    @app.after_request
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


def _menu() -> list[tuple[str, str]]:
    """The endpoints this user's role may open, as (endpoint, label key) pairs."""
    if not has_request_context() or not current_user.is_authenticated:
        return []
    role = current_user.role
    if role == "leader":
        return [("survey.home", "home")]
    if role in ("staff", "advocacy"):
        return [
            ("dashboard.overview", "charts"),
            ("directory.offices", "offices"),
            ("directory.officers", "officers"),
            ("cycles.index", "cycles"),
            ("evidence.index", "packs"),
            ("escalation.index", "escalation"),
        ] + ([("evidence.quotes", "quotes"), ("voice.index", "voice")] if role == "staff" else [])
    return [("admin.users", "users")]
