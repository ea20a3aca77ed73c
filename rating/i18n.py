"""Languages: Bengali first for leaders and visitors, English for whoever chooses it."""

from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

BENGALI_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
ASCII_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def select_locale() -> str:
    """The signed-in user's saved choice, else this browser's choice, else Bengali."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line and background work: Bengali first
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "bn"


def current_locale() -> str:
    """"bn" or "en": the language this response is written in.

    Read first where Flask-Babel keeps the request's locale once chosen (``g._flask_babel``,
    which `force_locale` changes too): pages word thousands of figures, and each
    `get_locale` costs several context lookups. Anything else goes through `get_locale`."""
    kept = getattr(g.get("_flask_babel"), "babel_locale", None) if has_app_context() else None
    locale = kept or get_locale()
    return "bn" if locale is None else locale.language


def local_digits(value, locale: str) -> str:
    """Write a number (or any text) with Bengali digits when the page is in Bengali."""
    text = str(value)
    return text.translate(BENGALI_DIGITS) if locale == "bn" else text


def ascii_digits(text: str) -> str:
    """Accept PINs, dates and counts typed with Bengali digits."""
    return text.translate(ASCII_DIGITS)
