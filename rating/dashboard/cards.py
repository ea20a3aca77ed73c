"""The overview's short lists ("below", "above", "getting worse"), each with the figure that
put an office on it and ordered by that figure, the largest first."""

from dataclasses import dataclass
from math import isfinite

from analysis import ComparisonFlag, TrendVerdict
from rating.directory.models import Office


@dataclass(frozen=True)
class Listed:
    office: Office
    points: float  # how far below or above, or how much lower each cycle (positive)


def list_compared(overview, flag) -> list[Listed]:
    """Offices below (or above) how their own leaders rated the other offices they visited,
    by the size of that difference, the same leader-adjusted figure the ranking table shows."""
    listed = [Listed(row.office, abs(row.diff_vs_rest)) for row in overview.rows
              if row.flag == flag and row.diff_vs_rest is not None]
    return sorted(listed, key=lambda item: -item.points)


def list_getting_worse(overview) -> list[Listed]:
    """Declining offices by the points they lose a cycle (the trend the office page states)."""
    standing = overview.standing
    if standing is None or standing.slopes is None:
        return []
    listed = []
    for row in overview.rows:
        if row.verdict == TrendVerdict.DECLINING and row.office.id in standing.offices:
            slope = float(standing.slopes.slope[standing.offices.index(row.office.id)])
            if isfinite(slope):
                listed.append(Listed(row.office, -slope))
    return sorted(listed, key=lambda item: -item.points)


def build_cards(overview) -> dict[str, list[Listed]]:
    return {"below": list_compared(overview, ComparisonFlag.BELOW_LEADERS_OTHERS),
            "above": list_compared(overview, ComparisonFlag.ABOVE_LEADERS_OTHERS),
            "worse": list_getting_worse(overview)}
