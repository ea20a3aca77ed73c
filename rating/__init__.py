"""The duty-bearer rating service: a Flask app built by `create_app`."""

import importlib
import logging
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from rating import cli, models, pipeline, templating  # noqa: F401  (models: every table known)
from rating.config import load_config
from rating.escalation import citations
from rating.evidence import commands as pack_commands
from rating.evidence.shelf import PackShelf
from rating.extensions import db, migrate
from rating.jobs import queue as job_queue
from rating.ops import schedule
from rating.privatefiles import private_sqlite_file
from rating.version import __version__  # noqa: F401  (rating.__version__)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BLUEPRINTS = [  # (feature package, URL prefix)
    ("errors", None),
    ("auth", None),
    ("survey", "/leader"),
    ("results", "/leader/results"),
    ("directory", "/directory"),
    ("cycles", "/cycles"),
    ("admin", "/admin"),
    ("voice", "/voice"),
    ("dashboard", "/dashboard"),
    ("evidence", "/evidence"),
    ("escalation", "/escalation"),
    ("reminders", "/account"),
    ("api", "/api"),
    ("verification", "/verify"),
    ("ops", None),
]


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, database, the request pipeline, templates, blueprints,
    commands, in that order."""
    app = Flask(
        __name__,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
        instance_path=os.environ.get("RATING_INSTANCE_PATH", os.path.join(ROOT, "instance")),
    )
    app.config.from_mapping(load_config(app.instance_path))
    if config:
        app.config.from_mapping(config)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    pipeline.init_app(app)  # extensions and every hook around a request, in the order they run
    templating.init_app(app)

    for feature, prefix in BLUEPRINTS:
        package = importlib.import_module(f"rating.{feature}")
        # The views module attaches its routes to the package's blueprint when imported.
        importlib.import_module(f"rating.{feature}.views")
        app.register_blueprint(package.bp, url_prefix=prefix)
    citations.init_app(app, PackShelf())  # escalation cites the packs evidence builds
    job_queue.init_app(app)  # the queue every worker reads (Huey), then what runs on a clock
    schedule.init_app(app)

    cli.init_app(app)
    pack_commands.init_app(app)
    logging.getLogger("rating").setLevel(logging.INFO)
    return app


@event.listens_for(Engine, "do_connect")
def _private_sqlite_file(dialect, connection_record, cargs, cparams):
    """SQLite: the database file is made 0600 before SQLite opens (or creates) it."""
    if dialect.name == "sqlite":
        private_sqlite_file(cparams.get("database") or (cargs[0] if cargs else None))


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
