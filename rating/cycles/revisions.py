"""Which closed cycles' ratings changed: a revision number per cycle, kept by the database.

What is computed from closed cycles' ratings, row by row, can be kept for as long as their
revisions stand: the leader-adjusted comparison of `rating.histograms.standing_at` is kept
that way, so the overview costs what offices and cycles cost, not what the ratings cost.

Triggers bump a cycle's revision in the same transaction as the write, whoever writes (the
app, an import's executemany, a console's raw SQL):
- when a rating of a closed cycle is inserted, edited (any column the counts watch) or
  deleted, or moved into or out of a closed cycle;
- when a cycle's status changes (closing, reopening), since its ratings may have changed
  while it was open.
Ratings of the open cycle never touch the table, so the leaders' writes never wait on it.
A cycle never revised has no row. `flask recount` revises every cycle, for writes made with
the triggers dropped.
"""

from sqlalchemy import Column, ForeignKey, String, event, select, text

from rating.cycles.counts import WATCHED
from rating.extensions import db

cycle_revisions = db.Table(
    "cycle_revisions", db.metadata,
    Column("cycle_id", ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True),
    Column("revision", String(32), nullable=False),
)


def _bump(cycle: str, dialect: str) -> str:
    return ("INSERT INTO cycle_revisions (cycle_id, revision) "
            f"VALUES ({cycle}, {FRESH[dialect]}) ON CONFLICT (cycle_id) "
            "DO UPDATE SET revision = excluded.revision;")


def _closed(cycle: str) -> str:
    return f"(SELECT status FROM cycles WHERE id = {cycle}) = 'closed'"


# A revision is a fresh random token, not a counter: a database restored from a backup and
# written again can never come back to a revision it had before with other ratings.
FRESH = {"sqlite": "lower(hex(randomblob(16)))",
         "postgresql": "md5(random()::text || clock_timestamp()::text)"}

SQLITE_TRIGGERS = ("cycle_revised_on_rating_insert", "cycle_revised_on_rating_delete",
                   "cycle_revised_on_rating_edit", "cycle_revised_on_status")


def _sqlite_triggers() -> list[str]:
    def bump(cycle):
        return _bump(cycle, "sqlite")

    bodies = [
        ("AFTER INSERT ON ratings", _closed("NEW.cycle_id"), bump("NEW.cycle_id")),
        ("AFTER DELETE ON ratings", _closed("OLD.cycle_id"), bump("OLD.cycle_id")),
        (f"AFTER UPDATE OF {WATCHED} ON ratings",
         f"{_closed('OLD.cycle_id')} OR {_closed('NEW.cycle_id')}",
         f"{bump('OLD.cycle_id')} {bump('NEW.cycle_id')}"),
        ("AFTER UPDATE OF status ON cycles", "OLD.status IS NOT NEW.status", bump("NEW.id")),
    ]
    return [f"CREATE TRIGGER IF NOT EXISTS {name} {on} WHEN {when} BEGIN {body} END"
            for name, (on, when, body) in zip(SQLITE_TRIGGERS, bodies, strict=True)]


def _postgresql_triggers() -> list[str]:
    # Fired after ratings_keep_counts (triggers fire in name order): the counts' rows are
    # locked first, this row last, in every write.
    def bump(cycle):
        return _bump(cycle, "postgresql")

    return [
        "CREATE OR REPLACE FUNCTION ratings_revise_cycles() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' AND {_closed('OLD.cycle_id')} THEN {bump('OLD.cycle_id')} "
        "END IF; "
        "IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.cycle_id <> OLD.cycle_id) "
        f"AND {_closed('NEW.cycle_id')} THEN {bump('NEW.cycle_id')} END IF; "
        "RETURN NULL; END $$",
        "CREATE OR REPLACE TRIGGER ratings_revise_cycles "
        f"AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON ratings "
        "FOR EACH ROW EXECUTE FUNCTION ratings_revise_cycles()",
        "CREATE OR REPLACE FUNCTION cycles_revise() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN "
        f"IF NEW.status IS DISTINCT FROM OLD.status THEN {bump('NEW.id')} END IF; "
        "RETURN NULL; END $$",
        "CREATE OR REPLACE TRIGGER cycles_revise AFTER UPDATE OF status ON cycles "
        "FOR EACH ROW EXECUTE FUNCTION cycles_revise()",
    ]


def create_revision_trigger_statements(dialect: str) -> list[str]:
    """The SQL that makes the database keep the revisions, for ``sqlite`` or ``postgresql``."""
    if dialect == "postgresql":
        return _postgresql_triggers()
    if dialect == "sqlite":
        return _sqlite_triggers()
    raise ValueError(f"no revision triggers written for {dialect}")


def drop_revision_trigger_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS ratings_revise_cycles ON ratings",
                "DROP FUNCTION IF EXISTS ratings_revise_cycles()",
                "DROP TRIGGER IF EXISTS cycles_revise ON cycles",
                "DROP FUNCTION IF EXISTS cycles_revise()"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def _create_triggers(target, connection, **kw):
    for statement in create_revision_trigger_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


def _drop_triggers(target, connection, **kw):
    for statement in drop_revision_trigger_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


event.listen(db.metadata, "after_create", _create_triggers)
event.listen(db.metadata, "before_drop", _drop_triggers)


def cycle_revisions_of(cycle_ids) -> dict[int, str]:
    """``{cycle_id: revision}`` for the given cycles ("" for a cycle never revised)."""
    ids = list(cycle_ids)
    held = dict(db.session.execute(
        select(cycle_revisions.c.cycle_id, cycle_revisions.c.revision)
        .where(cycle_revisions.c.cycle_id.in_(ids))).all()) if ids else {}
    return {cycle_id: held.get(cycle_id, "") for cycle_id in ids}


def revise_every_cycle(connection) -> None:
    """Give every cycle a new revision: what was kept from the ratings is computed again
    (after a recount, which may have found writes made round the triggers)."""
    connection.execute(text(
        f"INSERT INTO cycle_revisions (cycle_id, revision) "
        f"SELECT id, {FRESH[connection.dialect.name]} FROM cycles WHERE true "
        "ON CONFLICT (cycle_id) DO UPDATE SET revision = excluded.revision"))
