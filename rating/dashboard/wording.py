"""The statistics' words, in the reader's language: verdicts, flags and withheld reasons."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from rating.i18n import local_digits
from rating.templating import current_locale

VERDICTS = {
    "improving": _l("improving"),
    "declining": _l("declining"),
    "no clear change": _l("no clear change"),
    "not enough data": _l("not enough data"),
}
FLAGS = {
    "below the network": _l("below the network"),
    "above the network": _l("above the network"),
    "no clear difference": _l("no clear difference"),
}


def number(value, digits: int = 1) -> str:
    """A figure for reading: rounded, with Bengali digits on Bengali pages."""
    if value is None:
        return "–"
    return local_digits(f"{value:.{digits}f}", current_locale())


def verdict(word: str | None) -> str:
    return str(VERDICTS.get(word, word or "–"))


def flag(word: str | None) -> str:
    if word is None:
        return "–"
    if word.startswith("not compared"):
        return _("not compared (fewer than 5 leaders rated it)")
    return str(FLAGS.get(word, word))


def withheld(reason: str | None) -> str:
    """Why a group is not for sharing outside the network (analysis.privacy's reason)."""
    if reason is None:
        return ""
    if reason in ("few", "none"):
        return _("fewer than 3 ratings: not shown") if reason == "few" else _("no ratings")
    return _("not for sharing: %(reason)s", reason=_reason(reason))


def _reason(reason: str) -> str:
    if "5 distinct raters" in reason:
        return _("fewer than 5 leaders rated it")
    if "10 distinct raters" in reason:
        return _("spread and shares need 10 leaders")
    if "same" in reason:
        return _("every rating is the same in a small group")
    return reason


def trend_sentence(trend) -> str:
    """'improving by 0.5 points a cycle, 95% interval 0.2 to 0.8, over 6 cycles'."""
    if trend is None or trend.slope is None:
        return _("Not enough data for a trend.")
    cycles = local_digits(len(trend.cycles_used), current_locale())
    if trend.slope_ci95 is None:
        return _("%(verdict)s: %(slope)s points a cycle over %(cycles)s cycles (no interval)",
                 verdict=verdict(trend.verdict), slope=number(trend.slope), cycles=cycles)
    low, high = trend.slope_ci95
    return _("%(verdict)s: %(slope)s points a cycle, 95%% interval %(low)s to %(high)s, over "
             "%(cycles)s cycles", verdict=verdict(trend.verdict), slope=number(trend.slope),
             low=number(low), high=number(high), cycles=cycles)
