"""Who may use which endpoint: declared on every view, checked in one place.

Every view carries ``@roles(...)`` or ``@public``. `enforce_roles` runs before each request and
refuses an endpoint that declares nothing, so a forgotten declaration fails closed (and a test
walks the URL map to catch it before it ships).
"""

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

ROLES = ("leader", "staff", "advocacy", "admin")
PUBLIC = "public"
# The largest id an INTEGER primary key can hold (PostgreSQL's int4). A URL naming a larger
# one names nothing: it is a 404, not a query that overflows the database driver.
MAX_ID = 2**31 - 1
# Ratings' ids are random 64-bit numbers below 2**53 (rating.cycles.models.new_rating_id).
MAX_RATING_ID = 2**53 - 1


def roles(*allowed: str):
    """Declare the roles that may use a view."""
    unknown = set(allowed) - set(ROLES)
    if unknown or not allowed:
        raise ValueError(f"unknown roles {sorted(unknown)}; use some of {ROLES}")

    def decorate(view):
        view.allowed_roles = frozenset(allowed)
        return view

    return decorate


def public(view):
    """Declare a view that anyone may use, logged in or not."""
    view.allowed_roles = PUBLIC
    return view


def declared_roles(endpoint: str):
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", None)


def enforce_roles():
    """Before each request: refuse the request unless the endpoint's declaration admits it."""
    if request.endpoint is None:  # 404 / 405: let Flask answer
        return None
    allowed = declared_roles(request.endpoint)
    if allowed is None:
        current_app.logger.error("endpoint %s declares no roles; refused", request.endpoint)
        abort(403)
    if allowed == PUBLIC:
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if current_user.role not in allowed:
        abort(403)
    if any(isinstance(value, int)
           and not 0 <= value <= (MAX_RATING_ID if name == "rating_id" else MAX_ID)
           for name, value in (request.view_args or {}).items()):
        abort(404)
    return None
