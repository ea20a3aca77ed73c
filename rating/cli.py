"""Command line: ``flask --app wsgi init-db | demo-data | demo-voices | create-user | import-offices |
import-ratings | recount | backup | restore``. Each command is a module-level function, registered by
`init_app` (as the Flask tutorial's ``db.py`` does)."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask_babel import force_locale
from flask_migrate import upgrade

from rating import demo
from rating.admin import services as accounts
from rating.auth.models import Collective
from rating.csvio import decode_upload
from rating.cycles.recount import recount_ratings
from rating.directory import importing
from rating.extensions import db
from rating.ops.backup import BackupError, backup_database, restore_database
from rating.survey import history
from rating.voice import synthetic


@click.command("init-db")
def init_db():
    """Create or upgrade the database schema (runs the Alembic migrations)."""
    upgrade()
    click.echo("Database schema is up to date.")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@click.option("--seed", default=2468, show_default=True)
@click.option("--no-voices", is_flag=True, help="Add no synthetic voice clips.")
def demo_data(if_empty, seed, no_voices):
    """Fill an empty database with the demo network (deterministic for a given seed).
    Refused when RATING_ENV=production: its accounts' passwords and PIN are in the README."""
    if current_app.config["RATING_ENV"] == "production":
        raise click.ClickException(
            "demo-data refuses to run when RATING_ENV=production: the demo accounts' "
            "passwords and PIN (admin/demo-admin-pass, 2468) are published in the README. "
            "Create real accounts with `flask --app wsgi create-user` instead.")
    if if_empty and demo.has_users():
        click.echo("The database already has accounts; demo data not added.")
        return
    summary = demo.create_demo(seed=seed, progress=click.echo)
    click.echo(summary)
    if not no_voices:
        _add_voices()
    click.echo(demo.LOGINS)


def _add_voices():
    click.echo("Adding synthetic voice clips (espeak-ng) ...")
    made = synthetic.add_synthetic_clips(progress=click.echo)
    click.echo(f"Voice clips added: {made}.")


@click.command("demo-voices")
def demo_voices():
    """Speak every element of the leaders' pages and every office's name with espeak-ng, in
    Bengali and English, where no clip exists yet (recorded clips are kept)."""
    _add_voices()


@click.command("create-user")
@click.option("--login", required=True, help="Member code (leaders) or username.")
@click.option("--name", "display_name", default="")
@click.option("--role", type=click.Choice(["leader", "staff", "advocacy", "admin"]),
              required=True)
@click.option("--collective", default=None, help="Collective code, for leaders (BJ, UT).")
@click.password_option("--secret", help="PIN (leaders) or password (others).")
def create_user(login, display_name, role, collective, secret):
    """Create one account."""
    group = None
    if collective:
        group = db.session.scalar(db.select(Collective).where(
            Collective.code == collective.upper()))
        if group is None:
            raise click.BadParameter(f"unknown collective {collective}")
    try:
        user = accounts.create_user(login=login, display_name=display_name, role=role,
                                    secret=secret, collective=group)
    except accounts.AccountError as refused:
        raise click.ClickException(f"not created: {refused.code}") from None
    click.echo(f"Created {user.role} {user.login}.")


@click.command("import-offices")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and write nothing.")
def import_offices(csv_file, dry_run):
    """Import offices from a CSV (code, department, district, block, ...)."""
    text = _read_csv(csv_file)
    plan = (importing.plan_office_import if dry_run else importing.import_offices)(text)
    _report(plan.problems, len(plan.items), "offices", dry_run)


@click.command("import-ratings")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and write nothing.")
def import_ratings(csv_file, dry_run):
    """Import historical ratings (office_code, cycle, score, date, rater_code)."""
    text = _read_csv(csv_file)
    with click.progressbar(length=1, label="Checking", file=sys.stderr) as bar:
        def progress(done, total, label):
            bar.label = label
            bar.length = total
            bar.update(done - bar.pos)

        plan = history.import_ratings(text, dry_run=dry_run, progress=progress)
    for name in plan.new_cycles:
        click.echo(f"new closed cycle: {name}")
    _report(plan.problems, len(plan.items), "ratings", dry_run)


@click.command("recount")
@click.option("--check", is_flag=True, help="Compare only; change nothing.")
def recount(check):
    """Count the ratings again into the counts the charts read (rating_counts,
    cycle_raters) and report any difference; exit status 1 when there was one."""
    drifts = recount_ratings(repair=not check)
    for drift in drifts:
        click.echo(drift.describe())
    if any(drift.differs for drift in drifts):
        raise click.ClickException("the counts differed from the ratings; " + (
            "nothing was changed (--check)." if check else "they are rebuilt now."))


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path):
    """Copy the database to PATH while the service runs (SQLite: online backup API;
    PostgreSQL: pg_dump). Keep RATER_KEY_SECRET with it, and both away from outsiders."""
    try:
        report = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as refused:
        raise click.ClickException(f"no backup made: {refused}") from None
    click.echo(report.describe("Backed up to"))


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the data the database holds now.")
def restore(path, yes):
    """Replace the database's contents with a backup made by `backup`. Stop the service
    first; without --yes a database that holds data is left alone."""
    db.engine.dispose()  # no pooled connection of ours holds the old data open
    try:
        report = restore_database(current_app.config["SQLALCHEMY_DATABASE_URI"], path,
                                  overwrite=yes)
    except BackupError as refused:
        raise click.ClickException(f"nothing restored: {refused}") from None
    db.engine.dispose()
    click.echo(report.describe("Restored from"))


COMMANDS = (init_db, demo_data, demo_voices, create_user, import_offices, import_ratings, recount,
            backup, restore)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _read_csv(path: Path) -> str:
    """The file's text; a file that is not UTF-8 is reported like any other bad line."""
    text, problem = decode_upload(path.read_bytes())
    if problem is not None:
        _report([problem], 0, "rows", dry_run=False)
    return text


def _report(problems, count: int, what: str, dry_run: bool) -> None:
    if problems:
        with force_locale("en"):
            for problem in problems:
                click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problem(s); nothing was imported.")
    if dry_run:
        click.echo(f"Dry run: {count} {what} would be imported. Nothing was written.")
    else:
        click.echo(f"Imported {count} {what}.")
