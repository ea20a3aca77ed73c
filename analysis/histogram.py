"""Score histograms: the ten counts of scores 1..10 that every statistic here is built from.

A group of ratings (an office in a cycle, a block, the network) is summarised exactly by how
many ratings gave each score, so the database sends counts and this package never needs the
individual rows. :class:`ScoreHistogram` is that small, immutable value.

Distinct raters
---------------
``raters`` is the number of distinct leaders behind the counts when known, else ``None``.
When two histograms are added the sum's ``raters`` is ``None`` (unknown), because the same
leader may be in both groups; a caller who knows the groups are disjoint in raters says so
with :meth:`ScoreHistogram.with_raters`. Adding an empty histogram keeps the other side's
count. Rules that need distinct raters (see :mod:`analysis.privacy`) fall back to ``n`` when
``raters`` is ``None``, which is exact where each leader rates an office at most once per
cycle, as the rating service's schema guarantees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from analysis._moments import variance

__all__ = ["MAX_SCORE", "MIN_SCORE", "SCORES", "ScoreHistogram"]

MIN_SCORE = 1
MAX_SCORE = 10
SCORES = tuple(range(MIN_SCORE, MAX_SCORE + 1))
_ZERO = (0,) * 10


def _check_score(score: object) -> int:
    # bool is an Integral; a True score is a bug upstream, not a 1.
    if isinstance(score, bool) or not isinstance(score, Integral | np.integer):
        if isinstance(score, float | np.floating) and float(score).is_integer():
            score = int(score)
        else:
            raise ValueError(f"score {score!r} is not a whole number from 1 to 10")
    score = int(score)
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"score {score} is outside 1..10")
    return score


@dataclass(frozen=True, slots=True)
class ScoreHistogram:
    """Counts of the scores 1..10 given to one group of ratings.

    Parameters
    ----------
    counts : tuple of 10 int
        ``counts[i]`` is the number of ratings with score ``i + 1``.
    raters : int or None
        Distinct leaders behind the ratings, ``None`` when unknown.

    Notes
    -----
    The moments are exact integer sums: with :math:`T_1=\\sum_s c_s s` and
    :math:`T_2=\\sum_s c_s s^2`, mean :math:`=T_1/n` and sample variance
    :math:`=(nT_2-T_1^2)/(n(n-1))`, identical to the formulas on the raw scores.

    Examples
    --------
    >>> h = ScoreHistogram.from_scores([7, 8, 8, 3])
    >>> h.n, h.mean, h.median
    (4, 6.5, 7.5)
    >>> (h + ScoreHistogram.from_pairs([(10, 2)])).counts
    (0, 0, 1, 0, 0, 0, 1, 2, 0, 2)
    """

    counts: tuple[int, ...]
    raters: int | None = None

    def __post_init__(self) -> None:
        counts = self.counts
        if len(counts) != 10:
            raise ValueError(f"a score histogram needs 10 counts (scores 1..10), got {len(counts)}")
        clean = []
        for score, count in zip(SCORES, counts, strict=True):
            if isinstance(count, bool) or not isinstance(count, Integral | np.integer):
                raise ValueError(f"count for score {score} must be a whole number, got {count!r}")
            if count < 0:
                raise ValueError(f"count for score {score} is negative ({count})")
            clean.append(int(count))
        object.__setattr__(self, "counts", tuple(clean))
        self._check_raters(self.raters, sum(clean))

    @staticmethod
    def _check_raters(raters: object, n: int) -> None:
        if raters is None:
            return
        if isinstance(raters, bool) or not isinstance(raters, Integral | np.integer):
            raise ValueError(f"raters must be a whole number or None, got {raters!r}")
        if n == 0 and raters != 0:
            raise ValueError("an empty histogram has 0 raters")
        if n > 0 and not 1 <= raters <= n:
            raise ValueError(f"raters ({raters}) must be between 1 and the number of ratings ({n})")

    # -- constructors -------------------------------------------------------------------

    @classmethod
    def empty(cls) -> ScoreHistogram:
        """A histogram with no ratings (and 0 raters)."""
        return cls._trusted(_ZERO, 0)

    @classmethod
    def _trusted(cls, counts: tuple[int, ...], raters: int | None) -> ScoreHistogram:
        # Skips validation: only for counts this module has already checked.
        hist = object.__new__(cls)
        object.__setattr__(hist, "counts", counts)
        object.__setattr__(hist, "raters", raters)
        return hist

    @classmethod
    def from_scores(
        cls, scores: Iterable[object], raters: int | Iterable[object] | None = None
    ) -> ScoreHistogram:
        """Histogram of a list of scores.

        Parameters
        ----------
        scores : iterable of int
            Each score a whole number 1..10 (``7.0`` is accepted, ``7.5`` is not).
        raters : int, iterable or None
            The number of distinct raters, or the rater id of each score (its distinct values
            are counted), or ``None`` when unknown.

        Examples
        --------
        >>> ScoreHistogram.from_scores([1, 1, 10], raters=["a", "b", "a"]).raters
        2
        """
        counts = [0] * 10
        for position, score in enumerate(scores, start=1):
            try:
                counts[_check_score(score) - 1] += 1
            except ValueError as error:
                raise ValueError(f"score number {position}: {error}") from None
        n = sum(counts)
        if raters is not None and not isinstance(raters, Integral | np.integer):
            ids = list(raters)
            if len(ids) != n:
                raise ValueError(f"{len(ids)} rater ids for {n} scores: give one id per score")
            raters = len(set(ids))
        return cls(tuple(counts), None if raters is None else int(raters))

    @classmethod
    def from_counts(
        cls, counts: Iterable[int] | Mapping[int, int], raters: int | None = None
    ) -> ScoreHistogram:
        """Histogram from 10 counts (scores 1..10 in order) or a mapping score -> count.

        Examples
        --------
        >>> ScoreHistogram.from_counts({2: 3, 9: 1}).n
        4
        """
        if isinstance(counts, Mapping):
            return cls.from_pairs(counts.items(), raters)
        return cls(tuple(counts), raters)

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[int, int]], raters: int | None = None
    ) -> ScoreHistogram:
        """Fast constructor from ``(score, count)`` pairs, as a ``GROUP BY score`` returns them.

        A score may repeat (its counts add up); absent scores count 0.

        Examples
        --------
        >>> ScoreHistogram.from_pairs([(3, 2), (8, 5)]).counts
        (0, 0, 2, 0, 0, 0, 0, 5, 0, 0)
        """
        counts = [0] * 10
        for score, count in pairs:
            if score.__class__ is not int or not 1 <= score <= 10:
                score = _check_score(score)
            if count.__class__ is not int:
                if isinstance(count, bool) or not isinstance(count, Integral | np.integer):
                    raise ValueError(f"count for score {score} must be a whole number")
                count = int(count)
            if count < 0:
                raise ValueError(f"count for score {score} is negative ({count})")
            counts[score - 1] += count
        counts_t = tuple(counts)
        cls._check_raters(raters, sum(counts_t))
        return cls._trusted(counts_t, None if raters is None else int(raters))

    def with_raters(self, raters: int | None) -> ScoreHistogram:
        """The same counts with a known (or unknown, ``None``) number of distinct raters."""
        self._check_raters(raters, self.n)
        return self._trusted(self.counts, None if raters is None else int(raters))

    # -- arithmetic ----------------------------------------------------------------------

    def __add__(self, other: object) -> ScoreHistogram:
        if not isinstance(other, ScoreHistogram):
            return NotImplemented
        counts = tuple(a + b for a, b in zip(self.counts, other.counts, strict=True))
        if other.n == 0:
            raters = self.raters
        elif self.n == 0:
            raters = other.raters
        else:
            raters = None  # the same leader may be in both groups
        return self._trusted(counts, raters)

    def __radd__(self, other: object) -> ScoreHistogram:
        # lets sum(histograms) start from 0
        if isinstance(other, int) and other == 0:
            return self
        return NotImplemented

    # -- figures ---------------------------------------------------------------------------

    @property
    def n(self) -> int:
        """Number of ratings."""
        return sum(self.counts)

    @property
    def raters_or_n(self) -> int:
        """Distinct raters when known, else ``n`` (one rating per rater)."""
        return self.n if self.raters is None else self.raters

    @property
    def total(self) -> int:
        """Sum of the scores."""
        return sum(s * c for s, c in zip(SCORES, self.counts, strict=True))

    @property
    def mean(self) -> float | None:
        """Mean score, ``None`` for an empty histogram."""
        n = self.n
        return self.total / n if n else None

    @property
    def variance(self) -> float | None:
        """Sample variance (divisor n - 1), ``None`` below 2 ratings."""
        n = self.n
        if n < 2:
            return None
        t2 = sum(s * s * c for s, c in zip(SCORES, self.counts, strict=True))
        return variance(n, self.total, t2)

    @property
    def sd(self) -> float | None:
        """Sample standard deviation, ``None`` below 2 ratings."""
        var = self.variance
        return None if var is None else var**0.5

    @property
    def median(self) -> float | None:
        """Median score (mean of the two middle scores when n is even)."""
        n = self.n
        if n == 0:
            return None
        low, high = (n - 1) // 2, n // 2
        seen, low_score = 0, None
        for score, count in zip(SCORES, self.counts, strict=True):
            seen += count
            if low_score is None and seen > low:
                low_score = score
            if seen > high:
                return (low_score + score) / 2
        raise AssertionError("unreachable")  # pragma: no cover

    @property
    def all_same(self) -> bool:
        """True when there are ratings and every one has the same score."""
        return sum(1 for c in self.counts if c) == 1

    def count_between(self, low: int, high: int) -> int:
        """Number of ratings with ``low <= score <= high``."""
        return sum(self.counts[max(low, 1) - 1 : min(high, 10)])

    def share_at_least(self, threshold: int) -> float | None:
        """Share of ratings with score >= ``threshold``; ``None`` when empty."""
        n = self.n
        return self.count_between(threshold, 10) / n if n else None

    def as_array(self) -> np.ndarray:
        """The counts as a numpy int64 array of length 10."""
        return np.array(self.counts, dtype=np.int64)

    def scores(self) -> list[int]:
        """The individual scores in ascending order (for checks and resampling by hand)."""
        return [s for s, c in zip(SCORES, self.counts, strict=True) for _ in range(c)]
