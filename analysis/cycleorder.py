"""Cycle order is never guessed: a start per cycle, or labels that order themselves.

Sorting labels as text puts "2024-10" before "2024-2" and silently reverses a trend. Labels
order themselves only when every one is whole numbers separated by ``-``, ``/``, ``.`` or
``_`` with the same number of parts ("7", "2024-2", "2024-03-01"); they are then ordered
number by number. Anything else needs a ``cycle_start``; labels that would sort as equal
("2024-2" and "2024-02") are refused by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["order_cycle_labels"]

_PART = re.compile(r"[-/._]")


def _numbers(label: str) -> tuple[int, ...] | None:
    parts = _PART.split(label.strip())
    if not all(part.isascii() and part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def order_cycle_labels(labels: Iterable[str],
                       starts: Mapping[str, str] | None = None) -> list[str]:
    """The cycles in order, or a ``ValueError`` naming the labels that cannot be ordered.

    Parameters
    ----------
    labels : iterable of str
    starts : mapping label -> sortable start (ISO date), optional
        When given, every label needs one and no two labels may share one.

    Examples
    --------
    >>> order_cycle_labels(["2024-10", "2024-2", "2023-12"])
    ['2023-12', '2024-2', '2024-10']
    >>> order_cycle_labels(["spring", "autumn"])
    Traceback (most recent call last):
    ...
    ValueError: cannot order cycles autumn, spring: labels are not numbers; add a cycle_start column
    """
    unique = list(dict.fromkeys(labels))
    if starts is not None:
        missing = [label for label in unique if label not in starts]
        if missing:
            raise ValueError(f"cycle(s) {', '.join(missing)} have no cycle_start")
        return _distinct_order(unique, {label: starts[label] for label in unique},
                               "share the cycle_start")
    keys = {label: _numbers(str(label)) for label in unique}
    bad = sorted(str(label) for label, key in keys.items() if key is None)
    if bad:
        raise ValueError(f"cannot order cycles {', '.join(bad)}: labels are not numbers; "
                         "add a cycle_start column")
    lengths = {len(key) for key in keys.values()}
    if len(lengths) > 1:
        raise ValueError(
            f"cannot order cycles {', '.join(sorted(map(str, unique)))}: their labels have "
            "different numbers of parts; add a cycle_start column")
    return _distinct_order(unique, keys, "would sort as the same cycle")


def _distinct_order(unique, keys, why: str) -> list[str]:
    seen: dict = {}
    for label in unique:
        seen.setdefault(keys[label], []).append(str(label))
    clashes = [names for names in seen.values() if len(names) > 1]
    if clashes:
        named = "; ".join(" and ".join(names) for names in clashes)
        raise ValueError(f"cannot order cycles {named}: they {why}; "
                         "give each cycle its own cycle_start")
    return sorted(unique, key=lambda label: keys[label])
