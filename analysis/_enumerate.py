"""How many score distributions fit a cell's published moments: the count the publication
rules check before a small group's figures leave the network (:mod:`analysis.privacy`)."""

from __future__ import annotations

__all__ = ["count_distributions"]


def _count(score: int, left: int, total: int, squares: int | None, limit: int) -> int:
    """Histograms of ``left`` ratings on ``score``..10 with this sum (and sum of squares),
    counted up to ``limit``: a depth-first search over the count of each score, pruned by
    the bounds a sum and a sum of squares of scores in [score, 10] must meet."""
    if left == 0:
        return int(total == 0 and squares in (None, 0))
    if not score * left <= total <= 10 * left:
        return 0
    if squares is not None and not (
            total * total <= squares * left  # Cauchy-Schwarz: all equal at least
            and squares <= (score + 10) * total - 10 * score * left):  # (x-s)(x-10) <= 0
        return 0
    if score == 10:
        return 1  # the bounds above leave only ``left`` tens
    found = 0
    for count in range(left + 1):
        found += _count(score + 1, left - count, total - count * score,
                        None if squares is None else squares - count * score * score,
                        limit - found)
        if found >= limit:
            break
    return found


def count_distributions(n: int, total: int, squares: int | None = None,
                        limit: int | None = None) -> int:
    """Score distributions (histograms) of ``n`` ratings on 1..10 with this sum, and this sum
    of squares when given; counting stops at ``limit`` when given (the rules ask "more
    than one?", so they pass 2).

    Examples
    --------
    >>> count_distributions(5, 6)  # four 1s and a 2, nothing else
    1
    >>> count_distributions(5, 25), count_distributions(5, 25, 125)
    (98, 1)
    >>> count_distributions(40, 200, 1000, limit=2)  # forty 5s
    1
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number of ratings, at least 1; got {n!r}")
    return _count(1, n, total, squares, n ** 3 * 10 ** 6 if limit is None else limit)
