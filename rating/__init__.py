"""The duty-bearer rating service: a Flask app built by `create_app`."""

import importlib
import logging
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from rating.config import load_config
from rating.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

__version__ = "0.1.0"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, in that order."""
    app = Flask(
        __name__,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
        instance_path=os.environ.get("RATING_INSTANCE_PATH", os.path.join(ROOT, "instance")),
    )
    app.config.from_mapping(load_config(app.instance_path))
    if config:
        app.config.from_mapping(config)
    if app.config.get("PROXY_FIX"):
        # Behind nginx or a load balancer: the client's address (for rate limits) and whether
        # it came over HTTPS (for Secure cookies) are in the X-Forwarded-* headers.
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from rating import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True
    )
    from rating.templating import static_is_not_personal

    # Registered before Flask-Login so that it runs after its hooks (Flask runs them in reverse).
    app.after_request(static_is_not_personal)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)

    from rating import i18n

    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=os.path.join(ROOT, "rating", "translations"),
    )

    _register_blueprints(app)
    _register_hooks(app)

    from rating import cli

    cli.register(app)
    from rating.evidence import commands as pack_commands

    pack_commands.register(app)
    logging.getLogger("rating").setLevel(logging.INFO)
    return app


BLUEPRINTS = [  # (feature package, URL prefix)
    ("errors", None),
    ("auth", None),
    ("survey", "/leader"),
    ("directory", "/directory"),
    ("cycles", "/cycles"),
    ("admin", "/admin"),
    ("voice", "/voice"),
    ("dashboard", "/dashboard"),
    ("evidence", "/evidence"),
    ("escalation", "/escalation"),
    ("api", "/api"),
    ("ops", None),
]


def _register_blueprints(app: Flask) -> None:
    for feature, prefix in BLUEPRINTS:
        package = importlib.import_module(f"rating.{feature}")
        # The views module attaches its routes to the package's blueprint when imported.
        importlib.import_module(f"rating.{feature}.views")
        app.register_blueprint(package.bp, url_prefix=prefix)


def _register_hooks(app: Flask) -> None:
    from rating import access, templating

    app.before_request(access.enforce_roles)
    templating.init_app(app)
    # Flask's own static route is public: the login page needs its stylesheet.
    app.view_functions["static"].allowed_roles = access.PUBLIC


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL for concurrent readers, foreign keys enforced, wait rather than fail on lock,
    and a commit is on disk before it is acknowledged."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
