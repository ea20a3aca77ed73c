"""Texts in a pack's language(s): one call gives Bengali, English, or both side by side.

Templates call ``say("...", n=3)``; `make extract-messages` collects ``say`` like ``_``. A
finding of `analysis` (a flag, a verdict, a withheld reason), as the message or as a
parameter, is worded by `rating.wording` in each language.
"""

from datetime import datetime

from babel.dates import format_date
from flask_babel import force_locale, gettext
from markupsafe import Markup, escape

from analysis import Finding
from rating.directory.forms import LEVEL_LABELS
from rating.i18n import local_digits
from rating.timeutil import local_date
from rating.wording import word

LANGUAGES = {"bn": ("bn",), "en": ("en",), "both": ("bn", "en")}


def _format(value, language: str):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Finding):
        return word(value, language)
    if isinstance(value, tuple):  # (figure, decimals): digits of each language
        figure, decimals = value
        return "–" if figure is None else local_digits(f"{figure:.{decimals}f}", language)
    if isinstance(value, float):
        return local_digits(f"{value:.1f}", language)
    if isinstance(value, int):
        return local_digits(value, language)
    if isinstance(value, dict):  # {"bn": ..., "en": ...}: a name in each language
        return value.get(language) or value.get("en")
    if isinstance(value, str) and value and set(value) <= set("0123456789-+."):
        return local_digits(value, language)  # a count band such as "10-19" or "20+"
    return value


def translate(message: str | Finding, language: str, **params) -> str:
    if isinstance(message, Finding):
        return word(message, language)
    with force_locale(language):
        return gettext(message, **{k: _format(v, language) for k, v in params.items()})


def make_say(pack_language: str):
    """A ``say`` for templates: the message in each of the pack's languages."""
    languages = LANGUAGES[pack_language]

    def say(message: str, **params):
        texts = [(language, translate(message, language, **params)) for language in languages]
        if len(texts) == 1:
            return texts[0][1]
        return Markup('<span class="bi">{}</span>').format(Markup("").join(
            Markup('<span lang="{}">{}</span>').format(lang, escape(text))
            for lang, text in texts))

    return say


def make_number(pack_language: str):
    """Figures in the pack's first language's digits (Bengali packs: Bengali digits)."""
    language = LANGUAGES[pack_language][0]

    def number(value, digits: int = 1):
        if value is None:
            return "–"
        if isinstance(value, str):
            return local_digits(value, language)
        return local_digits(f"{value:.{digits}f}", language)

    return number


def cycle_name(cycle, language: str) -> str:
    """A cycle's name as a document in ``language`` prints it: "2025 Q1" in English, its
    digits Bengali in Bengali ("২০২৫ Q১"). The one place packs format cycle names, so that an
    English document never carries a Bengali digit, nor a Bengali one a Latin digit."""
    return local_digits(cycle.name, language)


def level_name(level: str, language: str) -> str:
    """An escalation level ("district") in a language."""
    with force_locale(language):
        return str(LEVEL_LABELS.get(level, level))


def make_day(pack_language: str):
    """Dates in the pack's first language ("৩ মার্চ, ২০২৬")."""
    language = LANGUAGES[pack_language][0]

    def day(value) -> str:
        if isinstance(value, datetime):  # a stored moment: the day it was in West Bengal,
            value = local_date(value)  # as the letter's date is (local_today)
        return local_digits(format_date(value, "medium", locale=language), language)

    return day
