"""Everything on the leaders' pages a voice prompt can read aloud, by its key: the key names
the clip (/voice/<key>/<language>) and the words it reads (`text_of`).

Keys: the questions by the form's field names ("score", "purpose" ...), their answers
("purpose.housing", "answer.yes"), the score's ends ("score.low", "score.high"), buttons
("button.save"), messages ("message.refused") and each office by its id ("office.12").
"""

import re

from rating.voice.questions import (
    ANSWER_LABELS,
    BUTTON_TEXTS,
    MESSAGE_TEXTS,
    PURPOSE_LABELS,
    QUESTION_TEXTS,
    SCORE_ENDS,
)

# The words of every fixed element, in the order the staff page lists them.
FIXED = {
    **QUESTION_TEXTS,
    **{f"purpose.{code}": text for code, text in PURPOSE_LABELS.items()},
    **{f"answer.{code}": text for code, text in ANSWER_LABELS.items()},
    **{f"score.{end}": text for end, text in SCORE_ENDS.items()},
    **{f"button.{name}": text for name, text in BUTTON_TEXTS.items()},
    **{f"message.{name}": text for name, text in MESSAGE_TEXTS.items()},
}
OFFICE = re.compile(r"office\.[1-9][0-9]{0,9}\Z")
MAX_KEY = 40


def is_element(key: str) -> bool:
    """Whether a clip may be stored under this key."""
    return key in FIXED or bool(OFFICE.match(key))


def office_element(office_id: int) -> str:
    return f"office.{office_id}"
