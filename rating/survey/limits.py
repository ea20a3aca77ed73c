"""How many ratings one leader account may send: the survey form and the API share one limit
(``RATING_WRITE_LIMIT``), counted per account whatever phone or address they come from.

One account could write about 270 ratings a second before: enough to bury a cycle's
figures under one person's answers, or to keep the database's single writer busy.
"""

from flask import current_app
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from rating.extensions import limiter


def _account() -> str:
    # The limit is checked before the role check, so a visitor can reach here: counted by
    # address (the role check then refuses the request anyway).
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"address:{get_remote_address()}"


def _message() -> str:
    return _("You have sent many ratings in a short time. Wait a minute, then send again. "
             "Ratings waiting on your phone are sent by themselves.")


rating_writes = limiter.shared_limit(
    lambda: current_app.config["RATING_WRITE_LIMIT"], scope="rating-writes",
    key_func=_account, methods=["POST"], error_message=_message)
