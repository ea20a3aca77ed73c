"""One place that answers every error: a page in the user's language, or JSON under /api/."""

from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from rating.errors import bp
from rating.extensions import db, login_manager

MESSAGES = {
    400: (_l("Something in that request was not right."),
          _l("Go back, check what you typed and try again.")),
    401: (_l("Please log in first."), _l("Log in, then try again.")),
    403: (_l("This page is not for your account."),
          _l("Go back to your home page. If you think you should see it, ask the network staff.")),
    404: (_l("We could not find that page."), _l("Check the address or go back to your home page.")),
    405: (_l("That action cannot be done this way."), _l("Go back and use the buttons on the page.")),
    410: (_l("That file is no longer kept."),
          _l("Old evidence packs are deleted after a while. Build the pack again.")),
    413: (_l("That file is too large."), _l("Send a smaller file (at most 2 MB).")),
    429: (_l("Too many tries in a short time."), _l("Wait a few minutes, then try again.")),
    500: (_l("Something went wrong on our side."),
          _l("Nothing you sent was half-saved. Please try again in a little while.")),
    503: (_l("The service is busy or under maintenance."),
          _l("Nothing was saved. Please try again in a few minutes.")),
}


def _answer(code: int, detail: str | None = None):
    title, advice = MESSAGES.get(code, MESSAGES[400])
    if request.path.startswith("/api/"):
        return jsonify(error=str(title), detail=detail or str(advice)), code
    return render_template("errors/error.html", code=code, title=title, advice=advice,
                           detail=detail), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return _answer(400, _("The form had expired or was not from this site. "
                          "Open the page again and resend."))


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    cause = getattr(error, "original_exception", None)
    if isinstance(cause, OperationalError):
        # Raised outside the view (an after-request hook reloading the account after the
        # commit): Flask hands it over as a 500, but it is the database going away, not a
        # bug. A rating committed just before is answered again when the phone resends it.
        return database_unavailable(cause)
    if error.code and error.code >= 500:
        db.session.rollback()
    return _answer(error.code or 500)


@bp.app_errorhandler(OperationalError)
def database_unavailable(error):
    # The database is down, locked past its timeout or out of disk: nothing was committed
    # by this request (or, raised after the view, its commit is answered on a resend).
    current_app.logger.error("database unavailable on %s %s: %s", request.method,
                             request.path, describe_database_error(error))
    # The answer must not need the database: the account (which picks the page's language)
    # cannot be loaded, or would be reloaded after the rollback expires it. Answer as to a
    # visitor; the session still carries the language chosen at login.
    g._login_user = login_manager.anonymous_user()
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is already gone; there is nothing to undo
        db.session.close()
    return _answer(ServiceUnavailable.code)


@bp.app_errorhandler(Exception)
def unexpected_error(error):
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _answer(InternalServerError.code)


def describe_database_error(error: SQLAlchemyError) -> str:
    """One line naming the driver's error class and the first line of its text (refused,
    shutting down, disk full), without the SQL or its parameters, which could hold a comment
    or a rater key."""
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0][:200]
    return f"{type(cause).__name__}: {first_line}"
