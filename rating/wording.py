"""The statistics' codes in words: the one place that turns a finding into Bengali or English.

`analysis` reports flags, verdicts and withheld reasons as findings (a code and its
parameters, `analysis.vocabulary`). `WORDS` gives each code its English words, with its
parameters as placeholders; the Bengali is in the catalogue. `word` fills in the numbers from
the finding's parameters, in the digits of the language, for a page (the reader's language)
or a pack (each of its languages). Nothing here reads a sentence back: pages and packs hold
findings until the moment they are written.

Adding a code: its member in `analysis.vocabulary`, one line in `WORDS` here, then
``make extract-messages`` and the Bengali in messages.po. `tests/rating/test_wording.py`
fails until every code has words in both languages with exactly its parameters.
"""

import threading
from contextlib import nullcontext

from cachetools import LRUCache
from flask_babel import force_locale, gettext

from analysis import (
    CellFlag,
    ChangeVerdict,
    Code,
    ComparisonFlag,
    Finding,
    FunnelPosition,
    MonitorVerdict,
    TrendVerdict,
    Withheld,
)
from rating.i18n import current_locale, local_digits


def N_(message: str) -> str:  # noqa: N802  (Babel's own name for "mark, translate later")
    """Mark a message for the catalogue; it is translated when a finding is worded."""
    return message


WORDS = {
    ComparisonFlag.ABOVE_NETWORK: N_("above the network"),
    ComparisonFlag.BELOW_NETWORK: N_("below the network"),
    ComparisonFlag.NO_CLEAR_DIFFERENCE: N_("no clear difference"),
    ComparisonFlag.NOT_COMPARED_FEW_RATERS: N_(
        "not compared (fewer than %(min_raters)s leaders rated it)"),
    ComparisonFlag.NOT_COMPARED_NO_REST: N_("not compared (no other office to compare with)"),
    ComparisonFlag.ABOVE_LEADERS_OTHERS: N_(
        "above how the same leaders rated the other offices they visited (last %(cycles)s "
        "cycles)"),
    ComparisonFlag.BELOW_LEADERS_OTHERS: N_(
        "below how the same leaders rated the other offices they visited (last %(cycles)s "
        "cycles)"),
    ComparisonFlag.ABOVE_PEERS: N_("above its peers (%(peers)s offices of its type compared)"),
    ComparisonFlag.BELOW_PEERS: N_("below its peers (%(peers)s offices of its type compared)"),
    MonitorVerdict.STEP_DROP: N_("sudden drop"),
    MonitorVerdict.NO_STEP_DROP: N_("no sudden drop"),
    MonitorVerdict.NOT_MONITORED: N_("not watched (fewer than %(min_cycles)s cycles)"),
    FunnelPosition.ABOVE_998: N_("above the 99.8 percent limit"),
    FunnelPosition.ABOVE_95: N_("above the 95 percent limit"),
    FunnelPosition.INSIDE: N_("inside the limits"),
    FunnelPosition.BELOW_95: N_("below the 95 percent limit"),
    FunnelPosition.BELOW_998: N_("below the 99.8 percent limit"),
    TrendVerdict.IMPROVING: N_("improving"),
    TrendVerdict.DECLINING: N_("declining"),
    TrendVerdict.NO_CLEAR_CHANGE: N_("no clear change"),
    TrendVerdict.NOT_ENOUGH_DATA: N_("not enough data"),
    ChangeVerdict.HIGHER_AFTER: N_("higher after"),
    ChangeVerdict.LOWER_AFTER: N_("lower after"),
    ChangeVerdict.NO_CLEAR_CHANGE: N_("no clear change"),
    ChangeVerdict.NOT_ENOUGH_DATA: N_("not enough data"),
    Withheld.FEW_RATERS: N_("fewer than %(min_raters)s leaders rated it"),
    Withheld.FEW_RATERS_FOR_DISTRIBUTION: N_("spread and shares need %(min_raters)s leaders"),
    Withheld.ALL_SAME: N_("every rating is the same, so it would tell each leader's score"),
    Withheld.PINS_SCORES: N_("under %(min_raters)s leaders, it would tell every score"),
    Withheld.FEW_RATINGS: N_("fewer than %(min_ratings)s ratings: not shown"),
    Withheld.SMALL_PART: N_(
        "not shown with this filter: another collective gave it fewer than %(min_ratings)s "
        "ratings"),
    Withheld.NO_RATINGS: N_("no ratings"),
    CellFlag.SMALL_N: N_("fewer than %(min_n)s ratings: the interval is rough"),
    CellFlag.ALL_SAME: N_("every rating is the same"),
    CellFlag.MOSTLY_FLOOR: N_("more than half the ratings are 1 or 2"),
    CellFlag.MOSTLY_CEILING: N_("more than half the ratings are 9 or 10"),
    CellFlag.NO_BOOTSTRAP: N_("no bootstrap interval below %(min_n)s ratings"),
}

#: The same codes said as the reason an office needs attention ("below the network and
#: getting worse").
CONCERNS = {
    ComparisonFlag.BELOW_NETWORK: N_("below the network"),
    ComparisonFlag.BELOW_LEADERS_OTHERS: N_("below how its leaders rated other offices"),
    ComparisonFlag.BELOW_PEERS: N_("below its peers"),
    TrendVerdict.DECLINING: N_("getting worse"),
    MonitorVerdict.STEP_DROP: N_("a sudden drop"),
}

#: A trend as leaders read it (results pages, score cards): a sentence and a short form.
LEADER_TRENDS = {
    TrendVerdict.IMPROVING: (N_("Getting better over the cycles."), N_("getting better")),
    TrendVerdict.DECLINING: (N_("Getting worse over the cycles."), N_("getting worse")),
    TrendVerdict.NO_CLEAR_CHANGE: (N_("No clear change over the cycles."),
                                   N_("no clear change")),
}
NO_LEADER_TREND = (N_("Too few cycles yet to say whether it is changing."), "–")


def leader_trend(verdict: str | None, short: bool = False) -> str:
    """A published trend's verdict code in a leader's words; too little data says so."""
    sentence, brief = LEADER_TRENDS.get(verdict, NO_LEADER_TREND)
    text = brief if short else sentence
    return gettext(text) if text != "–" else text


#: Reasons a group is not shown at all (rather than shown and marked "not for sharing").
NOT_SHOWN = (Withheld.FEW_RATINGS, Withheld.NO_RATINGS, Withheld.SMALL_PART)


def _language(language: str | None):
    # force_locale reloads the catalogue each time: worth it only for another language than
    # the page's (a chart's hover texts word hundreds of findings per page)
    if language is None or language == current_locale():
        return nullcontext()
    return force_locale(language)


def _figure(value, language: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return local_digits(f"{value:g}", language)


# A finding's words depend on its code, its parameters and the language only (the catalogues
# are read once, at start): a chart's hover texts word the same few findings hundreds of
# times a page, and each gettext costs Flask-Babel's context lookups.
_worded: LRUCache = LRUCache(maxsize=4096)
_worded_lock = threading.Lock()


def word(finding: Finding | None, language: str | None = None, table=WORDS) -> str:
    """A finding in words, in ``language`` (default: this page's), its numbers in that
    language's digits; "–" for none."""
    if finding is None:
        return "–"
    if isinstance(finding, Code) and not finding.param_names:
        finding = finding()  # a code that needs no parameters is its own finding
    if not isinstance(finding, Finding):
        raise ValueError(f"only a finding of analysis can be worded, not {finding!r}")
    language = language or current_locale()
    key = (id(table), str(finding), tuple(sorted(finding.params.items())), language)
    with _worded_lock:
        words = _worded.get(key)
    if words is None:
        params = {key: _figure(value, language) for key, value in finding.params.items()}
        with _language(language):
            words = gettext(table[finding.code], **params)
        with _worded_lock:
            _worded[key] = words
    return words


def words_in(finding: Finding | None, languages) -> dict[str, str]:
    """The finding in each language, ``{"bn": ..., "en": ...}``."""
    return {language: word(finding, language) for language in languages}


def number(value, digits: int = 1) -> str:
    """A figure for reading: rounded, with Bengali digits on Bengali pages."""
    if value is None:
        return "–"
    return local_digits(f"{value:.{digits}f}", current_locale())


def sharing_note(reason: Finding | None) -> str:
    """Why a group is not shown, or not for sharing outside the network; "" when it may be."""
    if reason is None:
        return ""
    if reason.code in NOT_SHOWN:
        return word(reason)
    return gettext("not for sharing: %(reason)s", reason=word(reason))


def concern_words(concerns) -> str:
    """Why an office needs attention, in words: "below the network and getting worse"."""
    return gettext(" and ").join(word(concern, table=CONCERNS) for concern in concerns)


def trend_sentence(trend) -> str:
    """'improving: 0.5 points a cycle, 95% interval 0.2 to 0.8, over 6 cycles'."""
    if trend is None or trend.slope is None:
        return gettext("Not enough data for a trend.")
    cycles = local_digits(len(trend.cycles_used), current_locale())
    if trend.slope_ci95 is None:
        return gettext("%(verdict)s: %(slope)s points a cycle over %(cycles)s cycles (no "
                       "interval)", verdict=word(trend.verdict), slope=number(trend.slope),
                       cycles=cycles)
    low, high = trend.slope_ci95
    return gettext("%(verdict)s: %(slope)s points a cycle, 95%% interval %(low)s to %(high)s, "
                   "over %(cycles)s cycles", verdict=word(trend.verdict),
                   slope=number(trend.slope), low=number(low), high=number(high),
                   cycles=cycles)


def page_say(message: str, **params) -> str:
    """gettext for this page, whole numbers in its digits (packs have their own ``say``)."""
    locale = current_locale()
    return gettext(message, **{key: local_digits(value, locale)
                               if isinstance(value, int) and not isinstance(value, bool)
                               else value for key, value in params.items()})


def before_after_sentence(figures: dict, say=page_say, number=None) -> str:
    """What the ratings before and after an action show, and what they do not.

    ``figures``: ``analysis.publish_letter_effect(...)`` (packs: counts as bands) or
    ``analysis.staff_letter_figures(...)`` (staff pages: exact counts): the office's change
    with the cycles that led to the action left out, set against comparable offices with no
    action (difference in differences), and the caveat of regression to the mean.
    """
    number = number or (lambda value: f"{value:.1f}")
    verdict = figures["verdict"]
    if verdict == ChangeVerdict.NOT_ENOUGH_DATA:
        return say("Not enough ratings to compare before and after this action yet: each side "
                   "needs ratings from at least %(needed)s leaders, in the cycles wholly after "
                   "it and in those wholly before the cycles that led to it.",
                   needed=verdict.params["min_per_side"])
    low, high = figures["ci95"]
    params = dict(after_cycles=figures["after_cycles"], before_cycles=figures["before_cycles"],
                  left_out=figures["left_out_cycles"],
                  after=number(figures["after_mean"]), before=number(figures["before_mean"]),
                  after_n=figures["after_n"], before_n=figures["before_n"],
                  comparators=figures["comparators"], diff=number(abs(figures["diff"])),
                  low=number(low), high=number(high))
    parts = [say(
        "Mean score %(after)s in the %(after_cycles)s cycles after it (%(after_n)s ratings) "
        "against %(before)s in the %(before_cycles)s cycles before (%(before_n)s ratings), "
        "leaving out the %(left_out)s cycles whose figures led to it.", **params)]
    if figures["comparators"]:
        parts.append(say(
            "Over the same cycles, %(comparators)s comparable offices that got no letter "
            "changed by %(shift)s points on average; that change is taken off.",
            comparators=figures["comparators"], shift=number(figures["comparator_change"])))
    else:
        parts.append(say("No comparable office without a letter was rated on both sides, so "
                         "nothing is taken off for changes across the network."))
    if verdict == ChangeVerdict.HIGHER_AFTER:
        parts.append(say("What is left is %(diff)s points higher after the action (95%% "
                         "interval %(low)s to %(high)s points higher).", **params))
    elif verdict == ChangeVerdict.LOWER_AFTER:  # sizes of the fall: no minus signs to misread
        params.update(low=number(-high), high=number(-low))
        parts.append(say("What is left is %(diff)s points lower after the action (95%% "
                         "interval %(low)s to %(high)s points lower).", **params))
    else:
        parts.append(say("What is left has a 95%% interval from %(low)s to %(high)s points, "
                         "which includes 0: the ratings show no clear change either way, which "
                         "is not proof that nothing changed.", **params))
    parts.append(say(
        "Letters go to offices just after a low spell, and a low spell tends to be followed by "
        "better cycles even when nothing changes (regression to the mean): that is why the "
        "cycles that led to the letter are left out and the change is set against offices "
        "without one. Even a clear change does not show that the action caused it: a new "
        "officer, the season or other events may also have changed."))
    return " ".join(parts)
