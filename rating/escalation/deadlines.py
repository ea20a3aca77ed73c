"""How long each escalation level is given to answer a letter (ESCALATION_RESPONSE_DAYS: block
15, district 30, state 45 days by default): the one rule the letters' asks, the due list, the
overview's next steps and the reminder e-mails count from."""

from datetime import date, timedelta

from flask import current_app

DEFAULT_DAYS = 30  # a level the setting does not name


def response_days(level: str) -> int:
    return current_app.config["ESCALATION_RESPONSE_DAYS"].get(level, DEFAULT_DAYS)


def answer_due_on(level: str, sent_on: date) -> date:
    """The day by which a letter to this level asks for an answer."""
    return sent_on + timedelta(days=response_days(level))
