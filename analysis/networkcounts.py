"""The network's counts: every office x cycle histogram in one array, and the order of cycles.

``NetworkCounts.from_rows(rows, cycle_order=None, raters=None)`` takes ``(office, cycle, score,
count)`` rows as ``SELECT office, cycle, score, COUNT(*) ... GROUP BY office, cycle, score``
returns them; ``NetworkCounts.from_histograms(cells, cycle_order=None)`` a mapping of
``(office, cycle)`` to :class:`ScoreHistogram`. :mod:`analysis.network` analyses them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.histogram import ScoreHistogram

__all__ = ["NetworkCounts", "order_cycles"]


def order_cycles(labels: Iterable[str], starts: Mapping[str, str] | None = None) -> list[str]:
    """Cycles in order: by start date when given, else by label (numerically if all numbers).

    Parameters
    ----------
    labels : iterable of str
    starts : mapping label -> sortable start (e.g. ISO date), optional
        Every label needs a start when this is given.

    Examples
    --------
    >>> order_cycles(["10", "9", "2"])
    ['2', '9', '10']
    >>> order_cycles(["spring", "autumn"], {"spring": "2024-03-01", "autumn": "2024-09-01"})
    ['spring', 'autumn']
    """
    unique = list(dict.fromkeys(labels))
    if starts is not None:
        missing = [label for label in unique if label not in starts]
        if missing:
            raise ValueError(f"cycle(s) {', '.join(missing)} have no cycle_start")
        return sorted(unique, key=lambda label: (starts[label], label))
    try:
        return sorted(unique, key=float)
    except (TypeError, ValueError):
        return sorted(unique, key=str)


@dataclass(frozen=True, eq=False)
class NetworkCounts:
    """Counts of every office x cycle cell: ``counts[o, c, s - 1]`` ratings of score s.

    Attributes
    ----------
    offices : tuple of str
    cycles : tuple of str
        In order; index = the cycle's position.
    counts : ndarray, shape (offices, cycles, 10), read-only
    raters : ndarray, shape (offices, cycles), read-only
        Distinct raters per cell, -1 where unknown.
    """

    offices: tuple[str, ...]
    cycles: tuple[str, ...]
    counts: np.ndarray
    raters: np.ndarray

    def __post_init__(self) -> None:
        shape = (len(self.offices), len(self.cycles))
        if self.counts.shape != (*shape, 10) or self.raters.shape != shape:
            raise ValueError("counts must be (offices, cycles, 10) and raters (offices, cycles)")
        self.counts.setflags(write=False)
        self.raters.setflags(write=False)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[str, str, int, int]],
        cycle_order: Sequence[str] | None = None,
        raters: Mapping[tuple[str, str], int] | None = None,
    ) -> NetworkCounts:
        """From ``(office, cycle, score, count)`` rows, e.g. a ``GROUP BY`` result.

        Examples
        --------
        >>> net = NetworkCounts.from_rows([("BDO", "1", 7, 3), ("BDO", "2", 4, 2)])
        >>> net.histogram("BDO", "2").counts
        (0, 0, 0, 2, 0, 0, 0, 0, 0, 0)
        """
        office_index: dict[str, int] = {}
        cycle_index: dict[str, int] = {}
        keys: list[tuple[int, int, int]] = []
        values: list[int] = []
        for line, (office, cycle, score, count) in enumerate(rows, start=1):
            o = office_index.setdefault(office, len(office_index))
            c = cycle_index.setdefault(cycle, len(cycle_index))
            if score.__class__ is not int or not 1 <= score <= 10:
                raise ValueError(f"row {line}: score {score!r} is not a whole number 1..10")
            if count.__class__ is not int or count < 0:
                raise ValueError(f"row {line}: count {count!r} is not a whole number >= 0")
            keys.append((o, c, score - 1))
            values.append(count)
        return cls._build(office_index, cycle_index, keys, values, cycle_order, raters)

    @classmethod
    def from_histograms(
        cls,
        cells: Mapping[tuple[str, str], ScoreHistogram],
        cycle_order: Sequence[str] | None = None,
    ) -> NetworkCounts:
        """From a mapping ``(office, cycle) -> ScoreHistogram``."""
        rows = []
        raters = {}
        for (office, cycle), hist in cells.items():
            rows.extend((office, cycle, s, c) for s, c in enumerate(hist.counts, start=1) if c)
            if hist.raters is not None:
                raters[office, cycle] = hist.raters
        network = cls.from_rows(rows, cycle_order, raters)
        return network

    @classmethod
    def _build(cls, office_index, cycle_index, keys, values, cycle_order, raters):
        if cycle_order is None:
            cycles = order_cycles(cycle_index)
        else:
            cycles = list(cycle_order)
            known = set(cycles)
            unknown = [c for c in cycle_index if c not in known]
            if unknown:
                raise ValueError(f"cycle(s) {', '.join(map(str, unknown))} not in cycle_order")
        position = {cycle: i for i, cycle in enumerate(cycles)}
        remap = np.array([position[c] for c in cycle_index], dtype=np.int64)
        counts = np.zeros((len(office_index), len(cycles), 10), dtype=np.int64)
        if keys:
            key_array = np.array(keys, dtype=np.int64)
            np.add.at(
                counts,
                (key_array[:, 0], remap[key_array[:, 1]], key_array[:, 2]),
                np.array(values, dtype=np.int64),
            )
        rater_array = np.full(counts.shape[:2], -1, dtype=np.int64)
        offices = tuple(office_index)
        for (office, cycle), k in (raters or {}).items():
            if office in office_index and cycle in cycle_index:
                o, c = office_index[office], position[cycle]
                ScoreHistogram._check_raters(k, int(counts[o, c].sum()))
                rater_array[o, c] = k
        return cls(offices, tuple(cycles), counts, rater_array)

    def histogram(self, office: str, cycle: str) -> ScoreHistogram:
        """The histogram of one cell (empty when the office has no ratings in that cycle)."""
        o, c = self.offices.index(office), self.cycles.index(cycle)
        raters = int(self.raters[o, c])
        return ScoreHistogram(tuple(self.counts[o, c].tolist()), None if raters < 0 else raters)

    def pooled(self, cycle: str) -> ScoreHistogram:
        """Every office's ratings in one cycle added up (raters unknown: one leader may have
        rated several offices).

        Examples
        --------
        >>> net = NetworkCounts.from_rows([("BDO", "1", 7, 3), ("WDO", "1", 2, 1)])
        >>> net.pooled("1").n, net.pooled("1").mean
        (4, 5.75)
        """
        c = self.cycles.index(cycle)
        return ScoreHistogram(tuple(self.counts[:, c].sum(axis=0).tolist()))

    def only_cycle(self, cycle: str) -> NetworkCounts:
        """The network's cells of one cycle, as a network of that cycle alone."""
        c = self.cycles.index(cycle)
        return NetworkCounts(self.offices, (cycle,), self.counts[:, c:c + 1].copy(),
                             self.raters[:, c:c + 1].copy())

    def rated_cells(self) -> set:
        """The ``(office, cycle)`` cells that hold any rating.

        >>> NetworkCounts.from_rows([("a", "Q1", 7, 2)]).rated_cells()
        {('a', 'Q1')}
        """
        o, c = np.nonzero(self.counts.sum(axis=2))
        return {(self.offices[i], self.cycles[j]) for i, j in zip(o, c, strict=True)}

    def without(self, cells: Iterable[tuple[str, str]]) -> NetworkCounts:
        """A copy with the given ``(office, cycle)`` cells emptied."""
        counts = self.counts.copy()
        raters = self.raters.copy()
        for office, cycle in cells:
            o, c = self.offices.index(office), self.cycles.index(cycle)
            counts[o, c] = 0
            raters[o, c] = -1
        return NetworkCounts(self.offices, self.cycles, counts, raters)
