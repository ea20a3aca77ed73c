"""One rater counts once per cell: repeated ratings by one rater of one office in one cycle.

Wherever the unit is the rater, twenty ratings by one leader are one leader's view, not
twenty. The service keeps one rating per leader, office and cycle (the latest edit wins);
files from elsewhere may not, so the same rule is applied to them here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

__all__ = ["OneRatingPerRater", "one_rating_per_rater"]


@dataclass(frozen=True, slots=True)
class OneRatingPerRater:
    """The ratings kept, and what was dropped.

    Attributes
    ----------
    ratings : tuple of (rater, office, cycle, score)
        One per rater, office and cycle: the rater's last one in the input's order.
    dropped : int
        Earlier ratings replaced by a later one of the same rater in the same cell.
    repeated_cells : tuple of (office, cycle, rater)
        Where that happened, in first-seen order.
    """

    ratings: tuple[tuple[Hashable, Hashable, Hashable, int], ...]
    dropped: int
    repeated_cells: tuple[tuple[Hashable, Hashable, Hashable], ...]


def one_rating_per_rater(
    ratings: Iterable[tuple[Hashable, Hashable, Hashable, int]],
) -> OneRatingPerRater:
    """Keep each rater's last rating of each office in each cycle.

    Parameters
    ----------
    ratings : iterable of (rater, office, cycle, score)
        In the order they were given (later is newer, as in a file).

    Returns
    -------
    OneRatingPerRater

    Examples
    --------
    >>> kept = one_rating_per_rater([("L1", "BDO", "1", 2), ("L1", "BDO", "1", 3),
    ...                              ("L2", "BDO", "1", 9)])
    >>> kept.ratings, kept.dropped, kept.repeated_cells
    ((('L1', 'BDO', '1', 3), ('L2', 'BDO', '1', 9)), 1, (('BDO', '1', 'L1'),))
    """
    latest: dict = {}
    repeated: dict = {}
    dropped = 0
    for rater, office, cycle, score in ratings:
        key = (rater, office, cycle)
        if key in latest:
            dropped += 1
            repeated.setdefault((office, cycle, rater), None)
            del latest[key]  # re-inserted last: the order is that of each latest rating
        latest[key] = score
    kept = tuple((rater, office, cycle, score) for (rater, office, cycle), score in latest.items())
    return OneRatingPerRater(kept, dropped, tuple(repeated))
