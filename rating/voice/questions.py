"""The rating form's words: its questions, their answers, the ends of the score, the buttons
and the messages a leader must understand. A voice prompt reads each aloud; the survey's form
(`rating.survey.forms`) and pages show them. Kept here once, below both."""

from flask_babel import lazy_gettext as _l

QUESTION_TEXTS = {
    "score": _l("How did this office treat you?"),
    "purpose": _l("What did you go for?"),
    "respect": _l("Did they treat you with respect?"),
    "resolved": _l("Was the work done?"),
    "comment": _l("Anything you want to tell us (optional)"),
}

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

SCORE_ENDS = {
    "low": _l("1: they turned me away or treated me badly"),
    "high": _l("10: they listened with respect and did the work"),
}
BUTTON_TEXTS = {
    "rate": _l("Rate an office"),
    "save": _l("Save my rating"),
    "another": _l("Rate another office"),
    "home": _l("Back to home"),
    "dismiss": _l("Dismiss"),
}
MESSAGE_TEXTS = {
    "saved": _l("Saved. Thank you!"),
    "waiting": _l("Saved on this phone. It will be sent by itself when there is network."),
    "refused": _l("Not sent: the rating cycle had closed before this rating reached us. You "
                  "can rate the office again in the open cycle."),
    "office_gone": _l("Not sent: this office is no longer on the list. Choose another office."),
}
