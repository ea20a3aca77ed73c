"""Reading a ratings CSV (``office,cycle,score`` [``,rater``] [``,cycle_start``]) into counts.

Every problem is reported as :class:`CsvError` with the line number, so an analyst can fix
the file; the command line turns it into a message and exit status 2.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from analysis.network import NetworkCounts, order_cycles

__all__ = ["CsvError", "REQUIRED_COLUMNS", "read_ratings_csv", "ratings_from_lines"]

REQUIRED_COLUMNS = ("office", "cycle", "score")


@dataclass(frozen=True)
class CsvError(ValueError):
    """A problem in a ratings file, at a line (1 = the header)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _score(text: str, line: int) -> int:
    text = text.strip()
    if not text:
        raise CsvError(line, "score is blank; every rating needs a whole number from 1 to 10")
    try:
        value = int(text)
    except ValueError:
        raise CsvError(line, f"score {text!r} is not a whole number from 1 to 10") from None
    if not 1 <= value <= 10:
        raise CsvError(line, f"score {value} is outside 1..10")
    return value


def ratings_from_lines(lines: Iterable[str]) -> NetworkCounts:
    """Parse CSV text lines into :class:`NetworkCounts` (see :func:`read_ratings_csv`)."""
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvError(1, "the file is empty; expected a header office,cycle,score") from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise CsvError(
            1, f"missing column(s) {', '.join(missing)}; the header needs office,cycle,score"
        )
    where = {name: columns.index(name) for name in columns}
    has_rater = "rater" in where
    has_start = "cycle_start" in where
    counts: dict[tuple[str, str, int], int] = {}
    raters: dict[tuple[str, str], set[str]] = {}
    starts: dict[str, str] = {}
    rows = 0
    for row in reader:
        line = reader.line_num
        if not any(field.strip() for field in row):
            continue  # a blank line between ratings is harmless
        if len(row) < len(columns):
            raise CsvError(line, f"expected {len(columns)} fields, found {len(row)}")
        office = row[where["office"]].strip()
        cycle = row[where["cycle"]].strip()
        if not office or not cycle:
            raise CsvError(line, "office and cycle must not be blank")
        score = _score(row[where["score"]], line)
        counts[office, cycle, score] = counts.get((office, cycle, score), 0) + 1
        if has_rater:
            rater = row[where["rater"]].strip()
            if not rater:
                raise CsvError(line, "rater is blank; give an id or drop the rater column")
            raters.setdefault((office, cycle), set()).add(rater)
        if has_start:
            start = row[where["cycle_start"]].strip()
            if not start:
                raise CsvError(line, f"cycle_start is blank for cycle {cycle!r}")
            if starts.setdefault(cycle, start) != start:
                raise CsvError(line, f"cycle {cycle!r} has two starts, {starts[cycle]} and {start}")
        rows += 1
    if rows == 0:
        raise CsvError(2, "no ratings after the header")
    cycles = order_cycles((cycle for _, cycle, _ in counts), starts if has_start else None)
    return NetworkCounts.from_rows(
        [(office, cycle, score, k) for (office, cycle, score), k in counts.items()],
        cycle_order=cycles,
        raters={key: len(ids) for key, ids in raters.items()} if has_rater else None,
    )


def read_ratings_csv(path: str) -> NetworkCounts:
    """Read a ratings CSV into :class:`NetworkCounts`.

    Columns ``office,cycle,score`` are required, ``rater`` (distinct raters are counted per
    cell) and ``cycle_start`` (orders the cycles; else labels, numerically when all are
    numbers) are optional. Raises :class:`CsvError` (a ``ValueError``) with the line number.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return ratings_from_lines(handle)
