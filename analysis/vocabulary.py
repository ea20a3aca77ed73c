"""The statistics' vocabulary: every flag, verdict and withheld reason is a code.

``analysis`` never writes a sentence for a reader. A result that a page or a pack puts into
words (an office's standing against the network, a trend's verdict, the verdict before and
after an action, why a figure is withheld, a warning about a cell) is a :class:`Finding`: a
code from one of the enums below with the parameters that give it its meaning (the
threshold it was held to, the raters or cycles it needed). The web service words findings
in the reader's language, numbers filled in from the parameters (``rating/wording.py``); the
command line's JSON gives them as ``{"code": ..., "params": {...}}`` (:func:`jsonable`).

Adding a code: add the member to its enum here, with the names of its parameters and a value
no other code has, make the statistic return it, and give it its words in ``rating/wording.py`` (English there, Bengali
in the catalogue). ``tests/rating/test_wording.py`` fails until every code has both.

Examples
--------
>>> reason = Withheld.FEW_RATERS(min_raters=5)
>>> reason == "few_raters", reason.code is Withheld.FEW_RATERS, reason.params["min_raters"]
(True, True, 5)
>>> jsonable({"reason": reason})
{'reason': {'code': 'few_raters', 'params': {'min_raters': 5}}}
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CODES",
    "CellFlag",
    "ChangeVerdict",
    "Code",
    "ComparisonFlag",
    "Finding",
    "FunnelPosition",
    "MonitorVerdict",
    "TrendVerdict",
    "Withheld",
    "jsonable",
]


class Code(StrEnum):
    """A code of the vocabulary; its value is what JSON and the database carry.

    Each member declares the names of its parameters; calling it with exactly those makes a
    :class:`Finding`.
    """

    def __new__(cls, value: str, params: tuple[str, ...] = ()):
        member = str.__new__(cls, value)
        member._value_ = value
        member.param_names = tuple(params)
        return member

    def __call__(self, **params) -> Finding:
        return Finding(self, params)


class Finding(str):
    """A code and its parameters: what a statistic found, ready to be put into words.

    A finding is the string of its code, so it compares and hashes as its code
    (``trend.verdict == TrendVerdict.DECLINING``, ``"all_same" in summary.flags``) and JSON
    writes it as the code; its parameters describe it and never change what it is.

    Attributes
    ----------
    code : Code
    params : mapping str -> int, float or str (read-only)
    """

    code: Code
    params: Mapping[str, object]

    def __new__(cls, code: Code, params: Mapping[str, object] | None = None):
        if not isinstance(code, Code):
            raise ValueError(f"a finding needs a code of the vocabulary, got {code!r}")
        given = dict(params or {})
        if set(given) != set(code.param_names):
            raise ValueError(
                f"{code.__class__.__name__}.{code.name} takes the parameters "
                f"{', '.join(code.param_names) or 'none'}; got {', '.join(given) or 'none'}"
            )
        finding = super().__new__(cls, code.value)
        object.__setattr__(finding, "code", code)
        object.__setattr__(finding, "params", MappingProxyType(given))
        return finding

    def __setattr__(self, name, value):
        raise AttributeError("a finding cannot be changed")

    def __repr__(self) -> str:
        params = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        return f"{self.code.__class__.__name__}.{self.code.name}({params})"

    def __reduce__(self):
        return (Finding, (self.code, dict(self.params)))

    def to_dict(self) -> dict:
        """``{"code": ..., "params": {...}}``, as the command line's JSON gives it."""
        return {"code": self.code.value, "params": dict(self.params)}


class CellFlag(Code):
    """Warnings about one cell's figures (:attr:`analysis.CellSummary.flags`)."""

    SMALL_N = "small_n", ("min_n",)  # fewer ratings than min_n: the t interval is rough
    ALL_SAME = "all_same"  # every rating the same: no interval
    MOSTLY_FLOOR = "mostly_floor"  # more than half the ratings at 1-2
    MOSTLY_CEILING = "mostly_ceiling"  # more than half at 9-10
    NO_BOOTSTRAP = "no_bootstrap_below_15", ("min_n",)  # asked for, but n < min_n


class ComparisonFlag(Code):
    """An office against the rest of the network in one cycle (:attr:`Comparison.flag`)."""

    ABOVE_NETWORK = "above_network", ("false_discovery_rate",)
    BELOW_NETWORK = "below_network", ("false_discovery_rate",)
    NO_CLEAR_DIFFERENCE = "no_clear_difference", ("false_discovery_rate",)
    NOT_COMPARED_FEW_RATERS = "not_compared_few_raters", ("min_raters",)
    NOT_COMPARED_NO_REST = "not_compared_no_rest"  # no other office had enough raters
    # Leader-adjusted (analysis.withinleader): against how the same leaders rated the other
    # offices they visited, over a window of ``cycles`` cycles; or against the same leaders'
    # ratings of offices of the same department type (``peers`` offices compared).
    ABOVE_LEADERS_OTHERS = "above_leaders_other_offices", ("false_discovery_rate", "cycles")
    BELOW_LEADERS_OTHERS = "below_leaders_other_offices", ("false_discovery_rate", "cycles")
    ABOVE_PEERS = "above_peers", ("false_discovery_rate", "peers")
    BELOW_PEERS = "below_peers", ("false_discovery_rate", "peers")


class TrendVerdict(Code):
    """One office over the cycles (:attr:`Trend.verdict`)."""

    IMPROVING = "improving"
    DECLINING = "declining"
    NO_CLEAR_CHANGE = "no_clear_change"
    NOT_ENOUGH_DATA = "not_enough_data", ("min_cycles",)  # fewer cycles with ratings


class MonitorVerdict(Code):
    """A CUSUM watching one office for a step drop (:mod:`analysis.monitoring`)."""

    STEP_DROP = "step_drop", ("false_alarm_rate",)  # the CUSUM crossed its limit
    NO_STEP_DROP = "no_step_drop", ("false_alarm_rate",)
    NOT_MONITORED = "not_monitored", ("min_cycles",)  # fewer cycles with ratings


class FunnelPosition(Code):
    """Where an office lies on the overdispersed funnel (:mod:`analysis.overdispersion`)."""

    ABOVE_998 = "funnel_above_998"  # above the 99.8% limit
    ABOVE_95 = "funnel_above_95"  # above the 95% limit only
    INSIDE = "funnel_inside"
    BELOW_95 = "funnel_below_95"
    BELOW_998 = "funnel_below_998"


class ChangeVerdict(Code):
    """One office before and after an action (:attr:`BeforeAfter.verdict`)."""

    HIGHER_AFTER = "higher_after"
    LOWER_AFTER = "lower_after"
    NO_CLEAR_CHANGE = "no_clear_change_after"
    NOT_ENOUGH_DATA = "not_enough_to_compare", ("min_per_side",)


class Withheld(Code):
    """Why a group or a figure is not published (:mod:`analysis.privacy`)."""

    FEW_RATERS = "few_raters", ("min_raters",)  # a mean needs min_raters distinct raters
    FEW_RATERS_FOR_DISTRIBUTION = "few_raters_for_distribution", ("min_raters",)
    ALL_SAME = "all_same_group"  # all ratings the same: the mean would tell every score
    PINS_SCORES = "pins_scores", ("min_raters",)  # under min_raters, one distribution fits
    FEW_RATINGS = "few_ratings", ("min_ratings",)  # not shown even inside the network
    # under a filter: another part of the cell is too small, so this part is not shown
    SMALL_PART = "small_part_under_filter", ("min_ratings",)
    NO_RATINGS = "no_ratings"


#: Every enum of the vocabulary (the wording tests walk them). A code's value is unique across
#: all of them, so a finding never equals a code of another enum.
CODES = (CellFlag, ComparisonFlag, TrendVerdict, MonitorVerdict, FunnelPosition, ChangeVerdict,
         Withheld)


def jsonable(value):
    """``value`` with every :class:`Finding` in it as ``{"code", "params"}``, recursively
    through dicts, lists and tuples (tuples become lists)."""
    if isinstance(value, Finding):
        return value.to_dict()
    if isinstance(value, dict):
        return {key: jsonable(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(inner) for inner in value]
    return value
