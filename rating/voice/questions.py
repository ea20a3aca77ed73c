"""The rating form's questions in words: what a voice prompt reads aloud, and the labels the
survey's form shows (`rating.survey.forms`), kept here once, below both."""

from flask_babel import lazy_gettext as _l

QUESTION_TEXTS = {
    "score": _l("How did this office treat you?"),
    "purpose": _l("What did you go for?"),
    "respect": _l("Did they treat you with respect?"),
    "resolved": _l("Was the work done?"),
    "comment": _l("Anything you want to tell us (optional)"),
}
