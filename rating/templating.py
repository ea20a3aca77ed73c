"""What every template may use: the locale, digits in the page's script, the user's menu, and
the words of the statistics and the escalation trail (`rating.wording`)."""

from flask import Flask, has_request_context
from flask_login import current_user

from analysis import staff_letter_figures
from rating import wording
from rating.directory.forms import LEVEL_LABELS
from rating.escalation import wording as trail_words
from rating.i18n import current_locale, local_digits
from rating.rules import current_rules
from rating.survey import shell


def init_app(app: Flask) -> None:
    """The template filters (the context processor is registered by `rating.pipeline`)."""
    app.add_template_filter(digits_filter, "digits")
    app.add_template_filter(localname_filter, "localname")
    app.add_template_filter(reject_page_filter, "reject_page")


def digits_filter(value):
    return local_digits(value, current_locale())


def localname_filter(thing):
    return thing.name(current_locale()) if thing is not None else ""


def reject_page_filter(args: dict) -> dict:
    """The query without its page, and without names that url_for keeps for itself
    (``_anchor``, ``_scheme``, ``endpoint`` ...): a link must not fail on ``?_scheme=x``."""
    return {key: value for key, value in args.items()
            if key not in ("page", "endpoint", "values") and not key.startswith("_")}


def page_context() -> dict:
    """Every page's context: its language, the menu, and the words of codes."""
    return {
        "locale": current_locale(), "menu": _menu(), "rules": current_rules(),
        "level_label": lambda level: LEVEL_LABELS.get(level, level),
        "number": wording.number, "word": wording.word, "sharing_note": wording.sharing_note,
        "concern_words": wording.concern_words,
        "leader_trend": wording.leader_trend,
        "shell_urls": shell.page_urls,  # the leaders' page script's addresses
        "effect_sentence": lambda result: wording.before_after_sentence(
            staff_letter_figures(result), number=wording.number),
        # the escalation trail is shown on the staff's office page too
        "kind_word": lambda kind: str(trail_words.KINDS.get(kind, kind)),
        "status_word": lambda status: str(trail_words.STATUSES.get(status, status)),
        "reason_word": lambda reason: str(trail_words.REASONS.get(reason, reason)),
        "suggested_recipient": lambda office, level: trail_words.suggested_recipient(
            office, level, name=lambda thing: thing.name(current_locale())),
    }


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
            ("results.index", "results"),  # what the leaders see of their ratings
        ] + ([("evidence.quotes", "quotes"), ("voice.index", "voice")] if role == "staff" else [])
    return [("admin.users", "users")]
