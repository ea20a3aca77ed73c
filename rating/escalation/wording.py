"""The escalation trail's own codes in words: kinds of action, promise statuses, why a next
step is suggested, and whom to write to at the next level. (The statistics' findings, such
as the before-and-after verdict, are worded in `rating.wording`.)

`suggested_recipient` takes ``say(message, **params)`` so that the same words serve the pages
(the reader's language, via gettext) and the evidence packs (the pack's language).
"""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

KINDS = {"letter": _l("letter"), "meeting": _l("meeting"), "appeal": _l("appeal")}
STATUSES = {"pending": _l("pending"), "kept": _l("kept"), "broken": _l("broken"),
            "overdue": _l("overdue")}
REASONS = {"no answer": _l("no answer within 30 days"), "broken": _l("a promise was broken"),
           "overdue": _l("a promise is overdue")}


def page_say(message: str, **params) -> str:
    return gettext(message, **params)


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
