"""The rating form of the leader's page; its rules and messages are also those of the JSON
endpoint's checks (`rating.survey.checks`)."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from rating.formtools import BaseForm, options
from rating.voice.questions import ANSWER_LABELS, PURPOSE_LABELS, QUESTION_TEXTS

# \Z, not $: "$" also matches before a final newline, which let "<64 characters>\n" through.
SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")
MAX_COMMENT = 1000

SCORES = range(1, 11)

# What a leader is told when an answer will not do; the form and the JSON checks
# (rating.survey.checks) say the same.
SUBMISSION_MISSING = _l("The form is missing its submission number. Open the page again.")
SUBMISSION_INVALID = _l("The submission number is not valid.")
CHOOSE_SCORE = _l("Choose a score from 1 to 10.")
CHOOSE_PURPOSE = _l("Choose what you went for.")
ANSWER_INVALID = _l("Answer yes, partly or no.")
COMMENT_TOO_LONG = _l("Please keep the comment under %(max)d characters.", max=MAX_COMMENT)


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
        try:
            super().pre_validate(form)
        except ValidationError as error:
            raise ValidationError(str(self.invalid or error)) from error


def score_choice(value):
    """Scores are whole numbers 1-10; "7.5", "seven" or 0 are refused, never rounded."""
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError
    return int(text)


class RatingForm(BaseForm):
    """The leader's page. The JSON endpoint checks the same answers with `checks.check_rating`,
    which a test holds to this form on every input."""

    submission_id = HiddenField("", validators=[
        DataRequired(SUBMISSION_MISSING), Regexp(SUBMISSION_ID, message=SUBMISSION_INVALID)])
    score = AnswerField(
        QUESTION_TEXTS["score"], coerce=score_choice, invalid=CHOOSE_SCORE,
        choices=options((n, str(n)) for n in SCORES), validators=[InputRequired(CHOOSE_SCORE)])
    purpose = AnswerField(
        QUESTION_TEXTS["purpose"], choices=options(PURPOSE_LABELS.items()),
        invalid=CHOOSE_PURPOSE, validators=[InputRequired(CHOOSE_PURPOSE)])
    respect = AnswerField(QUESTION_TEXTS["respect"],
                          choices=options(ANSWER_LABELS.items()), validators=[Optional()],
                          invalid=ANSWER_INVALID)
    # The answer is ``work_done`` everywhere inside; ``resolved`` is its name on the wire (this
    # form, the JSON the phones' outboxes queue, the voice prompt), which phones keep cached.
    resolved = AnswerField(QUESTION_TEXTS["resolved"], choices=options(ANSWER_LABELS.items()),
                           validators=[Optional()], invalid=ANSWER_INVALID)
    comment = TextAreaField(
        QUESTION_TEXTS["comment"],
        validators=[Optional(), Length(max=MAX_COMMENT, message=COMMENT_TOO_LONG)])
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
