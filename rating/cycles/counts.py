"""The ratings counted as they are written: what every chart reads instead of the ratings.

``rating_counts`` holds one row per cycle x office x collective: how many ratings, how many of
each score 1..10, and how many of each answer to "treated with respect?" and "was the work
done?". ``cycle_raters`` holds one row per cycle x rater key x collective with that leader's
number of ratings, which is what participation counts (distinct raters per collective, and
per home block). Both grow with offices, cycles and leaders, never with the ratings.

Database triggers on ``ratings`` keep them, in the same transaction as the rating's insert,
edit or delete, whoever writes: the app's write path, an import's executemany, a console's
raw SQL. The same statements run on SQLite and PostgreSQL (a trigger body on SQLite, a
PL/pgSQL function on PostgreSQL). `flask recount` (`rating.cycles.recount`) rebuilds both
from the ratings and reports any difference. A rating without a collective (an imported one
whose rater code is unknown) is counted under collective 0, since a key cannot hold NULL.
"""

from sqlalchemy import Column, ForeignKey, Integer, String, event, select

from rating.extensions import db

SCORES = range(1, 11)
QUESTIONS = ("respect", "work_done")
ANSWERS = ("yes", "partly", "no")  # the same as rating.cycles.models.ANSWERS
SCORE_COLUMNS = tuple(f"score_{score}" for score in SCORES)
ANSWER_COLUMNS = tuple(f"{question}_{answer}" for question in QUESTIONS for answer in ANSWERS)
COUNT_COLUMNS = ("ratings", *SCORE_COLUMNS, *ANSWER_COLUMNS)
NO_COLLECTIVE = 0


def _count(name: str) -> Column:
    return Column(name, Integer, nullable=False, default=0, server_default="0")


rating_counts = db.Table(
    "rating_counts", db.metadata,
    Column("cycle_id", ForeignKey("cycles.id"), primary_key=True),
    Column("office_id", ForeignKey("offices.id"), primary_key=True),
    Column("collective_id", Integer, primary_key=True, autoincrement=False),
    *(_count(name) for name in COUNT_COLUMNS),
    sqlite_with_rowid=False,
)

cycle_raters = db.Table(
    "cycle_raters", db.metadata,
    Column("cycle_id", ForeignKey("cycles.id"), primary_key=True),
    Column("rater_key", String(64), primary_key=True),
    Column("collective_id", Integer, primary_key=True, autoincrement=False),
    _count("ratings"),
    sqlite_with_rowid=False,
)

DERIVED_TABLES = ("rating_counts", "cycle_raters")


# ----------------------------------------------------------------------------- the statements
# Written once for both databases: ``row`` is NEW or OLD, the rating after or before a write.

def _cell_key(row: str) -> tuple[str, str, str]:
    return f"{row}.cycle_id", f"{row}.office_id", f"coalesce({row}.collective_id, 0)"


def _rater_key(row: str) -> tuple[str, str, str]:
    return f"{row}.cycle_id", f"{row}.rater_key", f"coalesce({row}.collective_id, 0)"


def contributions(row: str) -> list[str]:
    """What one rating adds to each of COUNT_COLUMNS, as SQL expressions."""
    return ["1", *(f"CASE WHEN {row}.score = {score} THEN 1 ELSE 0 END" for score in SCORES),
            *(f"CASE WHEN {row}.{question} = '{answer}' THEN 1 ELSE 0 END"
              for question in QUESTIONS for answer in ANSWERS)]


def _where(columns, values) -> str:
    return " AND ".join(f"{column} = {value}" for column, value in zip(columns, values,
                                                                         strict=True))


CELL = ("cycle_id", "office_id", "collective_id")
RATER = ("cycle_id", "rater_key", "collective_id")


def _add_cell(row: str) -> str:
    columns = ", ".join((*CELL, *COUNT_COLUMNS))
    values = ", ".join((*_cell_key(row), *contributions(row)))
    sums = ", ".join(f"{c} = rating_counts.{c} + excluded.{c}" for c in COUNT_COLUMNS)
    return (f"INSERT INTO rating_counts ({columns}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(CELL)}) DO UPDATE SET {sums};")


def _remove_cell(row: str) -> str:
    # An UPDATE, not an upsert of -1: a cell that is not there (emptied first) stays absent
    # rather than going negative; `flask recount` reports such a drift.
    where = _where(CELL, _cell_key(row))
    less = ", ".join(f"{c} = {c} - {v}" for c, v in zip(COUNT_COLUMNS, contributions(row),
                                                         strict=True))
    return (f"UPDATE rating_counts SET {less} WHERE {where}; "
            f"DELETE FROM rating_counts WHERE {where} AND ratings <= 0;")


def _change_cell() -> str:
    """An edit within one cell (the score or an answer changed): one row, one UPDATE."""
    changes = ", ".join(f"{c} = {c} + {new} - {old}" for c, new, old in zip(
        COUNT_COLUMNS[1:], contributions("NEW")[1:], contributions("OLD")[1:], strict=True))
    return f"UPDATE rating_counts SET {changes} WHERE {_where(CELL, _cell_key('NEW'))};"


def _add_rater(row: str) -> str:
    return (f"INSERT INTO cycle_raters ({', '.join(RATER)}, ratings) "
            f"VALUES ({', '.join(_rater_key(row))}, 1) ON CONFLICT ({', '.join(RATER)}) "
            "DO UPDATE SET ratings = cycle_raters.ratings + 1;")


def _remove_rater(row: str) -> str:
    where = _where(RATER, _rater_key(row))
    return (f"UPDATE cycle_raters SET ratings = ratings - 1 WHERE {where}; "
            f"DELETE FROM cycle_raters WHERE {where} AND ratings <= 0;")


def _same(key) -> str:
    return " AND ".join(f"{old} = {new}" for old, new in zip(key("OLD"), key("NEW"), strict=True))


SAME_CELL = _same(_cell_key)
SAME_RATER = _same(_rater_key)
ANSWERS_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}"
                              for c in ("score", *QUESTIONS))
WATCHED = "cycle_id, office_id, collective_id, rater_key, score, respect, work_done"


def _sqlite_triggers() -> list[str]:
    # SQLite has IS NOT for a NULL-safe comparison (IS DISTINCT FROM only from 3.39).
    changed = ANSWERS_CHANGED.replace("IS DISTINCT FROM", "IS NOT")
    after_update = f"AFTER UPDATE OF {WATCHED} ON ratings"
    bodies = [
        ("ratings_counted_on_insert", "AFTER INSERT ON ratings",
         f"{_add_cell('NEW')} {_add_rater('NEW')}"),
        ("ratings_counted_on_delete", "AFTER DELETE ON ratings",
         f"{_remove_cell('OLD')} {_remove_rater('OLD')}"),
        ("ratings_counted_on_edit", f"{after_update} WHEN {SAME_CELL} AND ({changed})",
         _change_cell()),
        ("ratings_counted_on_move", f"{after_update} WHEN NOT ({SAME_CELL})",
         f"{_remove_cell('OLD')} {_add_cell('NEW')}"),
        ("ratings_raters_on_move", f"{after_update} WHEN NOT ({SAME_RATER})",
         f"{_remove_rater('OLD')} {_add_rater('NEW')}"),
    ]
    return [f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN {body} END"
            for name, when, body in bodies]


SQLITE_TRIGGERS = ("ratings_counted_on_insert", "ratings_counted_on_delete",
                   "ratings_counted_on_edit", "ratings_counted_on_move", "ratings_raters_on_move")


def _postgresql_triggers() -> list[str]:
    # Always the cells first, then the raters, in every branch: two writers take the rows'
    # locks in the same order.
    return [
        "CREATE OR REPLACE FUNCTION ratings_keep_counts() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_add_cell('NEW')} {_add_rater('NEW')} "
        f"ELSIF TG_OP = 'DELETE' THEN {_remove_cell('OLD')} {_remove_rater('OLD')} "
        f"ELSE IF {SAME_CELL} THEN IF {ANSWERS_CHANGED} THEN {_change_cell()} END IF; "
        f"ELSE {_remove_cell('OLD')} {_add_cell('NEW')} END IF; "
        f"IF NOT ({SAME_RATER}) THEN {_remove_rater('OLD')} {_add_rater('NEW')} END IF; "
        "END IF; RETURN NULL; END $$",
        "CREATE OR REPLACE TRIGGER ratings_keep_counts "
        f"AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON ratings "
        "FOR EACH ROW EXECUTE FUNCTION ratings_keep_counts()",
    ]


def create_trigger_statements(dialect: str) -> list[str]:
    """The SQL that makes the database keep the counts, for ``sqlite`` or ``postgresql``."""
    if dialect == "postgresql":
        return _postgresql_triggers()
    if dialect == "sqlite":
        return _sqlite_triggers()
    raise ValueError(f"no count triggers written for {dialect}")


def drop_trigger_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS ratings_keep_counts ON ratings",
                "DROP FUNCTION IF EXISTS ratings_keep_counts()"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def _create_triggers(target, connection, **kw):
    for statement in create_trigger_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


def _drop_triggers(target, connection, **kw):
    for statement in drop_trigger_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


# `metadata.create_all` (and drop_all) build the triggers too, as migration 0005 does.
event.listen(db.metadata, "after_create", _create_triggers)
event.listen(db.metadata, "before_drop", _drop_triggers)


def count_cycle_raters(cycle_id: int) -> list[tuple[int | None, str, int]]:
    """``(collective_id, rater_key, ratings)`` of every leader who rated in the cycle (the
    collective None for ratings that name none): what participation counts, read here
    rather than from the cycle's ratings."""
    raters = cycle_raters.c
    return [(collective or None, key, ratings) for collective, key, ratings in db.session.execute(
        select(raters.collective_id, raters.rater_key, raters.ratings)
        .where(raters.cycle_id == cycle_id))]
