"""The escalation trail in words, in any language: statuses, the before-and-after sentence,
the suggested recipient at the next level.

Every function takes ``say(message, **params)`` so that the same words serve the pages (the
reader's language, via gettext) and the evidence packs (the pack's language or languages).
"""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

KINDS = {"letter": _l("letter"), "meeting": _l("meeting"), "appeal": _l("appeal")}
STATUSES = {"pending": _l("pending"), "kept": _l("kept"), "broken": _l("broken"),
            "overdue": _l("overdue")}
REASONS = {"no answer": _l("no answer within 30 days"), "broken": _l("a promise was broken"),
           "overdue": _l("a promise is overdue")}


def concern_words(concerns) -> str:
    """Why an office needs attention, in words: "below the network and getting worse"."""
    words = {"below the network": gettext("below the network"),
             "declining": gettext("getting worse")}
    return gettext(" and ").join(words.get(c, c) for c in concerns)


def page_say(message: str, **params) -> str:
    return gettext(message, **params)


def before_after_sentence(figures: dict, say=page_say, number=None) -> str:
    """What the ratings before and after an action show, and what they do not.

    ``figures``: ``publish_before_after(...)`` (packs: counts as bands) or the same keys with
    exact counts (staff pages): verdict, before_cycles, after_cycles, before_mean, after_mean,
    before_n, after_n, diff, ci95.
    """
    number = number or (lambda value: f"{value:.1f}")
    verdict = figures["verdict"]
    if verdict == "not enough data" or figures.get("diff") is None:
        return say("Not enough ratings to compare before and after this action yet: each side "
                   "needs ratings from at least 5 leaders, in the cycles wholly before it and "
                   "wholly after it.")
    params = dict(after_cycles=figures["after_cycles"], before_cycles=figures["before_cycles"],
                  after=number(figures["after_mean"]), before=number(figures["before_mean"]),
                  after_n=figures["after_n"], before_n=figures["before_n"],
                  diff=number(abs(figures["diff"])), low=number(figures["ci95"][0]),
                  high=number(figures["ci95"][1]))
    if verdict == "no clear change":
        return say(
            "Mean score %(after)s in the %(after_cycles)s cycles after it (%(after_n)s ratings) "
            "against %(before)s in the %(before_cycles)s cycles before (%(before_n)s ratings). "
            "The 95%% interval of the change, %(low)s to %(high)s points, includes 0: the "
            "ratings show no clear change either way, which is not proof that nothing "
            "changed.", **params)
    if verdict == "higher after":
        text = say(
            "Mean score %(after)s in the %(after_cycles)s cycles after it (%(after_n)s ratings) "
            "against %(before)s in the %(before_cycles)s cycles before (%(before_n)s ratings): "
            "%(diff)s points higher (95%% interval %(low)s to %(high)s points higher).",
            **params)
    else:  # lower after: the interval as sizes of the fall, so no minus signs to misread
        params.update(low=number(-figures["ci95"][1]), high=number(-figures["ci95"][0]))
        text = say(
            "Mean score %(after)s in the %(after_cycles)s cycles after it (%(after_n)s ratings) "
            "against %(before)s in the %(before_cycles)s cycles before (%(before_n)s ratings): "
            "%(diff)s points lower (95%% interval %(low)s to %(high)s points lower).",
            **params)
    return text + " " + say(
        "This shows that leaders' experience changed after the action; it does not show that "
        "the action caused the change: a new officer, the season or other events may also "
        "have changed.")


def staff_figures(result) -> dict:
    """An `analysis.BeforeAfter` as `before_after_sentence` reads it, with exact counts."""
    difference = result.difference
    return {"verdict": result.verdict, "before_cycles": len(result.before_positions),
            "after_cycles": len(result.after_positions),
            "before_mean": result.before.mean if result.before.n else None,
            "after_mean": result.after.mean if result.after.n else None, "before_n": result.before.n,
            "after_n": result.after.n, "diff": difference.diff if difference else None,
            "ci95": difference.ci95 if difference else None}


def suggested_recipient(office, level: str, say=page_say, name=None) -> str:
    """Whom to write to at the next level, for the team to correct: a starting point."""
    name = name or (lambda thing: thing.name_en)
    place = office.place
    district = place.district if place.kind != "district" else place
    block = place.block if place.kind == "gram_panchayat" else place
    if level == "block" and block is not None:
        return say("Block Development Officer, %(block)s", block=name(block))
    if level == "district" and district is not None:
        return say("District Magistrate, %(district)s", district=name(district))
    if level == "state":
        return say("Principal Secretary, Government of West Bengal (the department over the "
                   "%(department)s)", department=name(office.department_type))
    return say("National Human Rights Commission")
