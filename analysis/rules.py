"""Every threshold the statistics hold a claim to, in one value the caller passes in.

A page, a pack and its methods text read their thresholds from the same :class:`Rules`, so
changing a rule changes what is computed and what is said about it together.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BeforeAfterRules",
    "ComparisonRules",
    "DEFAULT_RULES",
    "MonitoringRules",
    "NETWORK_RULES",
    "PublicationRules",
    "Rules",
    "TrendRules",
]


def _at_least(value, low, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
        raise ValueError(f"{name} must be a number >= {low}, got {value!r}")


@dataclass(frozen=True, slots=True)
class ComparisonRules:
    """"Below" or "above the network" (:func:`analysis.compare_offices`).

    Attributes
    ----------
    min_raters : int
        Offices with fewer distinct raters in the cycle are not compared (5).
    false_discovery_rate : float
        The Benjamini-Hochberg q-value threshold (0.05).
    floor_check_below_n : int
        Floor-heavy offices under this n also need Brunner-Munzel to agree (10).
    window_cycles : int
        The leader-adjusted headline comparison pools the office's last this many closed
        cycles (3; :func:`analysis.compare_with_leaders`).
    """

    min_raters: int = 5
    false_discovery_rate: float = 0.05
    floor_check_below_n: int = 10
    window_cycles: int = 3

    def __post_init__(self) -> None:
        _at_least(self.min_raters, 2, "min_raters")
        _at_least(self.window_cycles, 1, "window_cycles")
        _at_least(self.floor_check_below_n, 0, "floor_check_below_n")
        if not 0 < self.false_discovery_rate < 1:
            raise ValueError("false_discovery_rate must be between 0 and 1")


@dataclass(frozen=True, slots=True)
class TrendRules:
    """"Improving" or "declining" (:func:`analysis.office_trend`).

    Attributes
    ----------
    min_cycles : int
        Cycles with ratings below which the verdict is "not enough data" (4); as many need
        ``min_n`` ratings for "improving" or "declining".
    min_n : int
        Ratings a cycle needs to count towards ``min_cycles`` (5).
    min_change : float
        The smallest change over the cycles worth a verdict, in points (1.0).
    """

    min_cycles: int = 4
    min_n: int = 5
    min_change: float = 1.0

    def __post_init__(self) -> None:
        _at_least(self.min_cycles, 3, "min_cycles")
        _at_least(self.min_n, 1, "min_n")
        _at_least(self.min_change, 0, "min_change")


@dataclass(frozen=True, slots=True)
class MonitoringRules:
    """The CUSUM watching for step drops (:func:`analysis.monitor_step_drops`).

    Attributes
    ----------
    false_alarm_rate : float
        Chance that an office whose ratings never changed raises an alarm over its
        history (0.05).
    reference : float
        Shortfalls smaller than this many standard errors are forgotten (0.5: tuned to a
        drop of about one standard error of a cycle mean).
    min_cycles : int
        Cycles with ratings an office needs to be monitored (3).
    """

    false_alarm_rate: float = 0.05
    reference: float = 0.5
    min_cycles: int = 3

    def __post_init__(self) -> None:
        _at_least(self.reference, 0, "reference")
        _at_least(self.min_cycles, 2, "min_cycles")
        if not 0 < self.false_alarm_rate < 1:
            raise ValueError("false_alarm_rate must be between 0 and 1")


@dataclass(frozen=True, slots=True)
class BeforeAfterRules:
    """Before and after an action (:func:`analysis.letter_effect`).

    Attributes
    ----------
    window : int
        Cycles with ratings pooled on each side, the nearest to the action (3).
    min_per_side : int
        Ratings each side needs for a verdict (5).
    """

    window: int = 3
    min_per_side: int = 5

    def __post_init__(self) -> None:
        _at_least(self.window, 1, "window")
        _at_least(self.min_per_side, 1, "min_per_side")


@dataclass(frozen=True, slots=True)
class PublicationRules:
    """Thresholds for publication (defaults are the network's rules).

    Attributes
    ----------
    min_raters_mean : int
        A mean and its interval need at least this many distinct raters (5).
    min_raters_distribution : int
        Distributions (SD, median, shares, score counts, floor/ceiling flags) and quotes need
        at least this many (10).
    count_bands : tuple of (low, high or None)
        Bands for counts that are not published exactly: the pooled sides of a before and
        after comparison say which band they fall in. Published cells carry exact counts.
    participation_band : int
        While a cycle is open, staff see how many leaders rated in bands this wide (10).
    mean_decimals : int
        Means, their intervals and differences of means are rounded to this (1).
    min_ratings_staff : int
        Inside the network too, no group of fewer ratings is shown (3).
    """

    min_raters_mean: int = 5
    min_raters_distribution: int = 10
    count_bands: tuple[tuple[int, int | None], ...] = ((5, 9), (10, 19), (20, None))
    mean_decimals: int = 1
    p_decimals: int = 3
    slope_decimals: int = 2
    share_decimals: int = 2
    min_ratings_staff: int = 3
    participation_band: int = 10

    def __post_init__(self) -> None:
        if self.min_ratings_staff < 1:
            raise ValueError("min_ratings_staff must be >= 1")
        _at_least(self.participation_band, 1, "participation_band")
        if self.min_raters_mean < 1 or self.min_raters_distribution < self.min_raters_mean:
            raise ValueError(
                "min_raters_mean must be >= 1 and min_raters_distribution >= min_raters_mean"
            )


#: The network's publication rules with their default thresholds.
DEFAULT_RULES = PublicationRules()


@dataclass(frozen=True, slots=True)
class Rules:
    """The comparison, trend, monitoring, before-and-after and publication rules together."""

    comparison: ComparisonRules = ComparisonRules()
    trend: TrendRules = TrendRules()
    monitoring: MonitoringRules = MonitoringRules()
    before_after: BeforeAfterRules = BeforeAfterRules()
    publication: PublicationRules = DEFAULT_RULES


#: The network's rules with their default thresholds.
NETWORK_RULES = Rules()
