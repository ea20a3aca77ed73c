"""``/healthz``: is this process serving, and can it reach its database?"""

from flask import current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from rating.access import public
from rating.errors.views import describe_database_error
from rating.extensions import db
from rating.ops import bp


@bp.route("/healthz")
@public
def healthz():
    """200 ``{"status": "ok"}`` after a round trip to the database, else 503. Public, cheap
    and free of data, so a proxy or monitor can call it as often as it likes."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        # The driver's own words say what failed (refused, missing file, disk full); the
        # statement and its parameters are never logged.
        current_app.logger.warning("healthz: database unreachable: %s",
                                   describe_database_error(error))
        response = jsonify(status="unavailable", database="unreachable")
        response.status_code = 503
    else:
        response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response

