"""Reading a ratings CSV (``office,cycle,score`` [``,rater``] [``,cycle_start``]) into counts.

Every problem is reported as :class:`CsvError` with the line number, so an analyst can fix
the file; the command line turns it into a message and exit status 2.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from analysis.cycleorder import order_cycle_labels
from analysis.network import NetworkCounts
from analysis.raters import one_rating_per_rater

__all__ = ["CsvError", "REQUIRED_COLUMNS", "RatingsFile", "read_ratings", "read_ratings_csv",
           "ratings_from_lines"]

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


@dataclass(frozen=True)
class RatingsFile:
    """A ratings file read: its counts, and with a ``rater`` column its ratings one row each.

    Attributes
    ----------
    network : NetworkCounts
    ratings : tuple of (rater, office, cycle, score) or None
        After :func:`analysis.one_rating_per_rater` (``None`` without a rater column).
    repeated : int
        Ratings replaced by a later rating of the same rater, office and cycle.
    """

    network: NetworkCounts
    ratings: tuple | None
    repeated: int


def ratings_from_lines(lines: Iterable[str]) -> NetworkCounts:
    """Parse CSV text lines into :class:`NetworkCounts` (see :func:`read_ratings_csv`)."""
    return read_lines(lines).network


def read_lines(lines: Iterable[str]) -> RatingsFile:
    """Parse CSV text lines into a :class:`RatingsFile` (see :func:`read_ratings`)."""
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
    rated: list[tuple[str, str, str, int]] = []
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
        if has_rater:
            rater = row[where["rater"]].strip()
            if not rater:
                raise CsvError(line, "rater is blank; give an id or drop the rater column")
            rated.append((rater, office, cycle, score))
        else:
            counts[office, cycle, score] = counts.get((office, cycle, score), 0) + 1
        if has_start:
            start = row[where["cycle_start"]].strip()
            if not start:
                raise CsvError(line, f"cycle_start is blank for cycle {cycle!r}")
            if starts.setdefault(cycle, start) != start:
                raise CsvError(line, f"cycle {cycle!r} has two starts, {starts[cycle]} and {start}")
        rows += 1
    if rows == 0:
        raise CsvError(2, "no ratings after the header")
    kept = one_rating_per_rater(rated) if has_rater else None
    raters: dict[tuple[str, str], int] = {}
    if kept is not None:
        # One rater counts once per cell: repeated ratings by one rater of one office in one
        # cycle are one view (the last in the file, as the service keeps the latest edit).
        for _rater, office, cycle, score in kept.ratings:
            counts[office, cycle, score] = counts.get((office, cycle, score), 0) + 1
            raters[office, cycle] = raters.get((office, cycle), 0) + 1
    labels = list(dict.fromkeys(cycle for _, cycle, _ in counts))
    try:
        cycles = order_cycle_labels(labels, starts if has_start else None)
    except ValueError as error:
        raise CsvError(1, str(error)) from None
    network = NetworkCounts.from_rows(
        [(office, cycle, score, k) for (office, cycle, score), k in counts.items()],
        cycle_order=cycles,
        raters=raters if has_rater else None,
    )
    return RatingsFile(network, None if kept is None else kept.ratings,
                       0 if kept is None else kept.dropped)


def read_ratings(path: str) -> RatingsFile:
    """Read a ratings CSV into a :class:`RatingsFile` (errors as :func:`read_ratings_csv`)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return read_lines(handle)


def read_ratings_csv(path: str) -> NetworkCounts:
    """Read a ratings CSV into :class:`NetworkCounts`.

    Columns ``office,cycle,score`` are required, ``rater`` (each rater counts once per
    office and cycle: a repeated rating replaces the earlier one) and ``cycle_start``
    (orders the cycles) are optional. Without ``cycle_start`` the labels must order
    themselves (:func:`analysis.order_cycle_labels`: whole numbers such as ``7`` or
    ``2024-2``); others are refused by name. Raises :class:`CsvError` (a ``ValueError``)
    with the line number.
    """
    return read_ratings(path).network
