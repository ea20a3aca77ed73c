"""The rating form: one definition for the page's form post and for the JSON endpoint."""

import functools
import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from rating.access import MAX_ID
from rating.formtools import BaseForm, options

SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_COMMENT = 1000

PURPOSE_LABELS = {
    "housing": _l("Housing"),
    "compensation": _l("Victim compensation"),
    "legal_case": _l("Legal case"),
    "livelihood": _l("Livelihood or SHG loan"),
    "child_protection": _l("Child protection"),
    "health": _l("Health or mental health"),
    "documents": _l("Documents (ID, ration card)"),
    "other": _l("Something else"),
}
ANSWER_LABELS = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}


class AnswerField(RadioField):
    """A radio group whose wrong values are explained in the leader's words."""

    def __init__(self, *args, invalid=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(self.invalid or error)) from error

    def pre_validate(self, form):
        """The same check as WTForms' (the answer is one of the choices), without coercing and
        normalising every choice on every request: this form checks each rating sent. No answer
        at all is for the field's InputRequired or Optional to judge, as they do in WTForms."""
        if self.process_errors or not self.raw_data:
            return
        if self.data in _allowed(self.coerce, tuple(choice.value for choice in self.choices)):
            return
        raise ValidationError(str(self.invalid or self.gettext("Not a valid choice.")))


@functools.lru_cache(maxsize=64)
def _allowed(coerce, values: tuple) -> frozenset:
    return frozenset(coerce(value) for value in values)


def _score_choice(value):
    """Scores are whole numbers 1-10; "7.5", "seven" or 0 are refused, never rounded."""
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError
    return int(text)


class RatingForm(BaseForm):
    # Fields without a label get "" rather than a title WTForms would translate on every form.
    submission_id = HiddenField("", validators=[
        DataRequired(_l("The form is missing its submission number. Open the page again.")),
        Regexp(SUBMISSION_ID, message=_l("The submission number is not valid."))])
    score = AnswerField(
        _l("How did this office treat you?"), coerce=_score_choice,
        invalid=_l("Choose a score from 1 to 10."),
        choices=options((n, str(n)) for n in range(1, 11)),
        validators=[InputRequired(_l("Choose a score from 1 to 10."))])
    purpose = AnswerField(
        _l("What did you go for?"), choices=options(PURPOSE_LABELS.items()),
        invalid=_l("Choose what you went for."),
        validators=[InputRequired(_l("Choose what you went for."))])
    respect = AnswerField(_l("Did they treat you with respect?"),
                          choices=options(ANSWER_LABELS.items()), validators=[Optional()],
                          invalid=_l("Answer yes, partly or no."))
    resolved = AnswerField(_l("Was the work done?"), choices=options(ANSWER_LABELS.items()),
                           validators=[Optional()], invalid=_l("Answer yes, partly or no."))
    comment = TextAreaField(
        _l("Anything you want to tell us (optional)"),
        validators=[Optional(), Length(max=MAX_COMMENT, message=_l(
            "Please keep the comment under %(max)d characters.", max=MAX_COMMENT))])
    quote_consent = BooleanField(_l("My words may be quoted, without my name"))

    def clean(self) -> dict:
        """The validated answers, with blanks as None."""
        return {
            "submission_id": self.submission_id.data,
            "score": self.score.data,
            "purpose": self.purpose.data,
            # Optional() lets a blank answer through as "  ": it is no answer.
            "respect": (self.respect.data or "").strip() or None,
            "work_done": (self.resolved.data or "").strip() or None,
            "comment": (self.comment.data or "").strip() or None,
            "quote_consent": bool(self.quote_consent.data),
        }


def _an_id(message):
    """An id some row could have. A larger one (even 10**400: int() takes it) would overflow
    the database driver, and WTForms' NumberRange cannot compare it with a float."""

    def check(form, field):
        if field.data is not None and not 0 <= field.data <= MAX_ID:
            raise ValidationError(message)

    return check


class ApiRatingForm(RatingForm):
    """The same answers sent as JSON, which also name the cycle and the office."""

    cycle_id = IntegerField("", validators=[InputRequired(_l("Say which cycle.")),
                                        _an_id(_l("Say which cycle."))])
    office_id = IntegerField("", validators=[InputRequired(_l("Say which office.")),
                                         _an_id(_l("Say which office."))])
