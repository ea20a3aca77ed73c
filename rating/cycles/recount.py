"""The counts tables rebuilt from the ratings, with what differed (`flask recount`).

The triggers of `rating.cycles.counts` keep the counts in every write's transaction; this is
the check that they did, and the repair after anything that went round them (a bulk load
with the triggers dropped, a restore of a hand-edited dump).
"""

from dataclasses import dataclass

from sqlalchemy import text

from rating.cycles.counts import (
    CELL,
    COUNT_COLUMNS,
    RATER,
    contributions,
    cycle_raters,
    rating_counts,
)
from rating.cycles.revisions import revise_every_cycle
from rating.extensions import db
from rating.writelock import one_writer


@dataclass(frozen=True)
class Drift:
    """How one counts table stood against the ratings."""

    table: str
    rows: int  # rows the ratings give
    missing: int  # of which the table lacked
    wrong: int  # of which the table held with other counts
    extra: int  # rows the table held that no rating gives

    @property
    def differs(self) -> bool:
        return bool(self.missing or self.wrong or self.extra)

    def describe(self) -> str:
        if not self.differs:
            return f"{self.table}: {self.rows} rows, as the ratings give them."
        return (f"{self.table}: {self.rows} rows from the ratings; {self.missing} missing, "
                f"{self.wrong} wrong, {self.extra} extra.")


_KEYED = "coalesce(collective_id, 0)"
_FROM_RATINGS = {
    "rating_counts": (
        f"SELECT cycle_id, office_id, {_KEYED}, "
        + ", ".join(f"sum({part})" for part in contributions("ratings"))
        + f" FROM ratings GROUP BY cycle_id, office_id, {_KEYED}"),
    "cycle_raters": (
        f"SELECT cycle_id, rater_key, {_KEYED}, count(*) FROM ratings "
        f"GROUP BY cycle_id, rater_key, {_KEYED}"),
}
_COLUMNS = {"rating_counts": (*CELL, *COUNT_COLUMNS), "cycle_raters": (*RATER, "ratings")}


def recount_statements() -> list[str]:
    """INSERT ... SELECT statements that fill the empty counts tables from the ratings
    (migration 0005 runs them before it creates the triggers)."""
    return [f"INSERT INTO {name} ({', '.join(columns)}) {_FROM_RATINGS[name]}"
            for name, columns in _COLUMNS.items()]


_TABLES = ((rating_counts, CELL, COUNT_COLUMNS), (cycle_raters, RATER, ("ratings",)))


def recount_ratings(*, repair: bool = True) -> list[Drift]:
    """Count the ratings again, compare each counts table with the result and, when
    ``repair``, replace the rows that differ and bump every cycle's revision (writes made
    round the triggers leave no revision either). Holds off rating writes meanwhile (PostgreSQL:
    a SHARE lock on ratings; SQLite: the writers' lock), so the ratings cannot move under it.
    Commits; returns one `Drift` per table."""
    connection = db.session.connection()
    drifts = []
    with one_writer(connection):
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE ratings IN SHARE MODE")
        else:  # the first statement writes, so the transaction reads the latest ratings
            connection.exec_driver_sql("DELETE FROM cycle_raters WHERE 0 = 1")
        for table, key, columns in _TABLES:
            names = [*key, *columns]
            held = {tuple(row[:len(key)]): tuple(row[len(key):]) for row in
                    connection.execute(table.select().with_only_columns(
                        *(table.c[name] for name in names)))}
            given = {tuple(row[:len(key)]): tuple(row[len(key):]) for row in
                     connection.execute(text(_FROM_RATINGS[table.name]))}
            missing = [k for k in given if k not in held]
            wrong = [k for k in given if k in held and held[k] != given[k]]
            extra = [k for k in held if k not in given]
            drift = Drift(table.name, len(given), len(missing), len(wrong), len(extra))
            drifts.append(drift)
            if repair and drift.differs:
                for keys in (wrong, extra):
                    _delete(connection, table, key, keys)
                rows = [dict(zip(names, (*k, *given[k]), strict=True)) for k in [*missing, *wrong]]
                if rows:
                    connection.execute(table.insert(), rows)
        if repair:  # what was kept from the ratings is computed again
            revise_every_cycle(connection)
        db.session.commit()
    return drifts


def _delete(connection, table, key, keys) -> None:
    if not keys:
        return
    where = " AND ".join(f"{column} = :{column}" for column in key)
    connection.execute(text(f"DELETE FROM {table.name} WHERE {where}"),
                       [dict(zip(key, k, strict=True)) for k in keys])
