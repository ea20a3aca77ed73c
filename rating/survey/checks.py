"""The JSON endpoint's checks of a rating: the rules of the page's form (`RatingForm`), without
building a WTForms form for each of the ratings the phones' queues send (a tenth of a
rating's CPU; benchmarks/load.py).

`tests/rating/test_rating_checks.py` holds the two together: on any input they accept the same
answers, or refuse with the same first message for each field, in both languages.
"""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from rating.access import MAX_ID
from rating.survey import forms

SAY_CYCLE = _l("Say which cycle.")
SAY_OFFICE = _l("Say which office.")


def check_rating(data: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """``data``: what was sent, as a form post carries it (strings; a missing key was not
    answered). Returns the answers as `RatingForm.clean` gives them plus ``cycle_id`` and
    ``office_id``, and the refusals (field -> message); the answers mean nothing when there
    are refusals."""
    errors: dict[str, str] = {}

    def refuse(field: str, message) -> None:
        errors[field] = str(message)

    submission_id = data.get("submission_id")
    if not (submission_id and submission_id.strip()):
        refuse("submission_id", forms.SUBMISSION_MISSING)
    elif not forms.SUBMISSION_ID.match(submission_id):
        refuse("submission_id", forms.SUBMISSION_INVALID)

    score = _score(data.get("score"))
    if score is None:
        refuse("score", forms.CHOOSE_SCORE)
    purpose = data.get("purpose")
    if purpose not in forms.PURPOSE_LABELS:
        refuse("purpose", forms.CHOOSE_PURPOSE)

    answered = {}
    for field in ("respect", "resolved", "comment"):
        value = data.get(field)
        answered[field] = value.strip() if value is not None and value.strip() else None
        if answered[field] is None:
            continue  # blank is not answered (WTForms' Optional)
        if field == "comment":
            if len(value) > forms.MAX_COMMENT:
                refuse(field, forms.COMMENT_TOO_LONG)
        elif value not in forms.ANSWER_LABELS:
            refuse(field, forms.ANSWER_INVALID)

    answers = {
        "submission_id": submission_id, "score": score, "purpose": purpose,
        "respect": answered["respect"], "work_done": answered["resolved"],
        "comment": answered["comment"],
        # WTForms' BooleanField: anything but nothing, "" or "false" is a yes
        "quote_consent": data.get("quote_consent") not in (None, "", "false"),
        "cycle_id": _an_id(data, "cycle_id", SAY_CYCLE, refuse),
        "office_id": _an_id(data, "office_id", SAY_OFFICE, refuse),
    }
    return answers, errors


def _score(value: str | None) -> int | None:
    try:
        score = forms.score_choice(value) if value else None
    except ValueError:
        return None
    return score if score in forms.SCORES else None


def _an_id(data: dict, field: str, message, refuse) -> int | None:
    """An id some row could have (as WTForms' IntegerField with InputRequired and a range)."""
    value = data.get(field)
    if not value:
        refuse(field, message)
        return None
    try:
        number = int(value)
    except ValueError:
        refuse(field, gettext("Not a valid integer value."))
        return None
    if not 0 <= number <= MAX_ID:
        refuse(field, message)
        return None
    return number
