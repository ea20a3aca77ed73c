"""Before and after an advocacy action: one office's ratings before it against those after it.

API
---
``before_after(by_position, action_at, *, window=3, min_per_side=5) -> BeforeAfter``
    ``by_position`` maps a cycle's position in the order of *all* cycles (0, 1, 2, ...) to
    the office's histogram in that cycle (absent or empty: no ratings), as for
    :func:`analysis.trend.office_trend`. ``action_at`` places the action (a letter, a
    meeting) on the same axis, see below.
``publish_before_after(result, rules) -> dict``
    The figures as they may be shared outside the network.
``HIGHER_AFTER``, ``LOWER_AFTER``, ``NO_CLEAR_CHANGE``, ``NOT_ENOUGH_DATA``: the verdicts'
    codes (:class:`analysis.vocabulary.ChangeVerdict`).

Where the action is
-------------------
Cycle ``p`` covers the stretch from ``p - 0.5`` to ``p + 0.5`` of the axis. An action taken
during cycle ``p``, a fraction ``f`` of the way through it, is at ``p - 0.5 + f``; an action
between the end of cycle ``p`` and the start of cycle ``p + 1`` is at ``p + 0.5``. Cycle ``p``
is *before* the action when ``p + 0.5 <= action_at``, *after* it when ``p - 0.5 >= action_at``.

The cycle during which the action happened (``p - 0.5 < action_at < p + 0.5``) *straddles*
it and is left out: some of its ratings were given before the action and some after, and
the service records the cycle, not the day, so they cannot be told apart. Putting that cycle
on either side would dilute the change being looked for.

Only the ``window`` nearest cycles with ratings on each side are used (the last ``window``
before, the first ``window`` after). Ratings from years earlier are not "before the action"
in any useful sense: the office may have had other officers and other rules then, and a
long history would swamp the cycles just before the action, which are the ones it should be
measured against.

Method
------
Each side's cycles are pooled (their histograms added) and the difference of means, after
minus before, is Welch's t: the same figures as
``scipy.stats.ttest_ind(after, before, equal_var=False)`` on the raw scores, with its 95%
interval. The verdict is "higher after" or "lower after" only when that interval excludes 0
and each side has at least ``min_per_side`` ratings.

Caveats
-------
* A leader can rate the office once in every cycle, so one leader may give several ratings
  on one side and also rate on the other. Such ratings are correlated, while Welch's t
  treats every rating as independent: when the same leaders rate on both sides the
  interval is somewhat too narrow and the p-value somewhat too small.
* A change after the action is not proof that the action caused it: a new officer, the
  season, or other events may have changed at the same time. :meth:`BeforeAfter.sentence`
  always says so when it shows a difference.
* Distinct raters of a pooled side: see :func:`before_after`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from analysis._beforeafter_words import describe
from analysis.histogram import ScoreHistogram
from analysis.privacy import count_band, group_suppression, variance_suppression
from analysis.rules import DEFAULT_RULES, BeforeAfterRules, PublicationRules
from analysis.twogroup import MeanDifference, welch_difference
from analysis.vocabulary import ChangeVerdict, Finding, Withheld

__all__ = [
    "HIGHER_AFTER",
    "LOWER_AFTER",
    "NOT_ENOUGH_DATA",
    "NO_CLEAR_CHANGE",
    "BeforeAfter",
    "before_after",
    "publish_before_after",
]

HIGHER_AFTER = ChangeVerdict.HIGHER_AFTER
LOWER_AFTER = ChangeVerdict.LOWER_AFTER
NO_CLEAR_CHANGE = ChangeVerdict.NO_CLEAR_CHANGE
NOT_ENOUGH_DATA = ChangeVerdict.NOT_ENOUGH_DATA

_DEFAULT = BeforeAfterRules()


def _hist_dict(hist: ScoreHistogram) -> dict:
    return {"n": hist.n, "mean": hist.mean, "counts": list(hist.counts)}


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """One office's ratings before an action against those after it.

    Attributes
    ----------
    action_at : float
        The action's place on the axis of cycle positions (see the module docstring).
    before_positions, after_positions : tuple of int
        The cycles used on each side, ascending: the nearest ``window`` cycles with ratings.
    straddling : int or None
        The cycle during which the action happened, left out (named whether or not it has
        ratings); ``None`` when the action falls exactly between two cycles.
    before, after : ScoreHistogram
        Each side's cycles pooled. ``raters`` is the largest number of distinct raters in
        any one of its cycles (see :func:`before_after`).
    difference : MeanDifference or None
        Welch's difference, after minus before; ``None`` when a side has fewer than 2
        ratings. Its ``ci95`` is ``None`` when neither side's ratings vary.
    verdict : Finding
        :data:`HIGHER_AFTER`, :data:`LOWER_AFTER`, :data:`NO_CLEAR_CHANGE` or
        :data:`NOT_ENOUGH_DATA` (with ``min_per_side``).
    min_per_side : int
        The number of ratings each side needed for a verdict (used by :meth:`sentence`).
    """

    action_at: float
    before_positions: tuple[int, ...]
    after_positions: tuple[int, ...]
    straddling: int | None
    before: ScoreHistogram
    after: ScoreHistogram
    difference: MeanDifference | None
    verdict: Finding
    min_per_side: int = _DEFAULT.min_per_side

    def to_dict(self) -> dict:
        """JSON-ready dict of every field; histograms as ``{"n", "mean", "counts"}``."""
        return {
            "action_at": self.action_at,
            "before_positions": list(self.before_positions),
            "after_positions": list(self.after_positions),
            "straddling": self.straddling,
            "before": _hist_dict(self.before),
            "after": _hist_dict(self.after),
            "difference": None if self.difference is None else self.difference.to_dict(),
            "verdict": self.verdict,
            "min_per_side": self.min_per_side,
        }

    def sentence(self) -> str:
        """The result in plain English, numbers to one decimal.

        Examples
        --------
        >>> H = ScoreHistogram.from_scores
        >>> r = before_after({0: H([3, 4, 5, 4, 3, 4]), 2: H([6, 7, 6, 8, 7])}, 1.5)
        >>> print(r.sentence())  # doctest: +NORMALIZE_WHITESPACE
        In the cycle after the action the mean score was 6.8 (5 ratings), against 3.8
        (6 ratings) in the cycle before: 3.0 points higher (95% interval 1.9 to 4.1). This
        shows that leaders' experience changed after the action; it does not show that the
        action caused the change, because other things (a new officer, the season, other
        events) may also have changed.
        >>> print(before_after({0: H([3, 4, 5, 4, 3])}, 1.5).sentence())
        ... # doctest: +NORMALIZE_WHITESPACE
        Not enough data to compare: there are no ratings after the action, and at least 5
        are needed on each side.
        """
        return describe(self)


def _check_position(position: object) -> int:
    if isinstance(position, bool) or not isinstance(position, Integral | np.integer):
        raise ValueError(f"cycle positions must be whole numbers, got {position!r}")
    return int(position)


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral | np.integer) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def _pool(hists: Sequence[ScoreHistogram]) -> ScoreHistogram:
    """Sum of histograms; raters = the most distinct raters in any one of them."""
    if not hists:
        return ScoreHistogram.empty()
    counts = tuple(sum(column) for column in zip(*(h.counts for h in hists), strict=True))
    return ScoreHistogram(counts, max(h.raters_or_n for h in hists))


def before_after(
    by_position: Mapping[int, ScoreHistogram],
    action_at: float,
    *,
    window: int = _DEFAULT.window,
    min_per_side: int = _DEFAULT.min_per_side,
) -> BeforeAfter:
    """Compare one office's ratings in the cycles before an action with those after it.

    Parameters
    ----------
    by_position : mapping int -> ScoreHistogram
        Position of each cycle in the order of all cycles -> the office's ratings there.
        Absent and empty histograms both mean no ratings.
    action_at : float
        ``p - 0.5 + f`` for an action a fraction ``f`` through cycle ``p``; ``p + 0.5`` for
        one between cycles ``p`` and ``p + 1``.
    window : int
        At most this many cycles with ratings on each side, the nearest to the action (>= 1).
    min_per_side : int
        Ratings each side needs for a verdict other than "not enough data" (>= 1).

    Returns
    -------
    BeforeAfter

    Notes
    -----
    The difference is Welch's: :math:`d = \\bar y_{after} - \\bar y_{before}`,
    :math:`SE = \\sqrt{s_a^2/n_a + s_b^2/n_b}`, Welch-Satterthwaite df, interval
    :math:`d \\pm t_{0.975,\\nu} SE` (:func:`analysis.twogroup.welch_difference`), identical to
    ``scipy.stats.ttest_ind(after, before, equal_var=False)`` on the pooled raw scores. Ratings
    by one leader in several cycles are correlated, so when the same leaders rate on both
    sides the interval is somewhat too narrow.

    Distinct raters of a pooled side: a leader may rate the office once per cycle, so the
    distinct raters over several cycles are at least the most in any one cycle and at most
    their sum. The pooled ``raters`` is that lower bound, the maximum over the cycles: the
    safe number for the publication rules, which must not count one leader rating three
    times as three people. A cycle whose ``raters`` is unknown counts as ``n`` raters (one
    rating per leader per cycle, as the service's schema guarantees); returning ``None``
    instead would let the rules fall back to the pooled ``n``, the upper bound.

    Verdict: "not enough data" when either side has fewer than ``min_per_side`` ratings or
    the difference has no interval (neither side's ratings vary); otherwise "higher after"
    when the interval is above 0, "lower after" when below 0, else "no clear change".

    References
    ----------
    Welch, B. L. (1947). The generalization of 'Student's' problem when several different
    population variances are involved. Biometrika 34, 28-35.

    Examples
    --------
    >>> H = ScoreHistogram.from_scores
    >>> office = {0: H([3, 4, 5, 4, 3]), 1: H([4, 5, 4, 3, 4]), 2: H([5, 6, 7]),
    ...           3: H([6, 7, 8, 7, 6]), 5: H([7, 6, 8, 7, 7])}
    >>> r = before_after(office, 2.25)  # a quarter of the way through cycle 2
    >>> r.before_positions, r.straddling, r.after_positions
    ((0, 1), 2, (3, 5))
    >>> r.before.n, r.after.n, round(r.difference.diff, 2), r.verdict
    (10, 10, 3.0, ChangeVerdict.HIGHER_AFTER())
    >>> before_after(office, 2.5, window=1).before_positions  # between cycles 2 and 3
    (2,)
    """
    if isinstance(action_at, bool) or not isinstance(action_at, Real):
        raise ValueError(f"action_at must be a number, got {action_at!r}")
    action_at = float(action_at)
    if not math.isfinite(action_at):
        raise ValueError(f"action_at must be finite, got {action_at!r}")
    window = _check_count(window, "window")
    min_per_side = _check_count(min_per_side, "min_per_side")

    rated = {}
    for position, hist in by_position.items():
        position = _check_position(position)
        if not isinstance(hist, ScoreHistogram):
            raise ValueError(f"cycle {position}: expected a ScoreHistogram, got {hist!r}")
        if hist.n > 0:
            rated[position] = hist
    positions = sorted(rated)
    before_positions = tuple([p for p in positions if p + 0.5 <= action_at][-window:])
    after_positions = tuple([p for p in positions if p - 0.5 >= action_at][:window])
    middle = math.floor(action_at + 0.5)
    straddling = None if middle - 0.5 == action_at else middle

    before = _pool([rated[p] for p in before_positions])
    after = _pool([rated[p] for p in after_positions])
    difference = None
    if before.n >= 2 and after.n >= 2:
        difference = welch_difference(after, before)
    if (
        before.n < min_per_side
        or after.n < min_per_side
        or difference is None
        or difference.ci95 is None
    ):
        verdict = NOT_ENOUGH_DATA(min_per_side=min_per_side)
    elif difference.ci95[0] > 0:
        verdict = HIGHER_AFTER()
    elif difference.ci95[1] < 0:
        verdict = LOWER_AFTER()
    else:
        verdict = NO_CLEAR_CHANGE()
    return BeforeAfter(
        action_at=action_at,
        before_positions=before_positions,
        after_positions=after_positions,
        straddling=straddling,
        before=before,
        after=after,
        difference=difference,
        verdict=verdict,
        min_per_side=min_per_side,
    )


def _side_reason(hist: ScoreHistogram, rules: PublicationRules) -> Finding | None:
    if hist.n == 0:
        return Withheld.NO_RATINGS()
    return group_suppression(hist, rules) or variance_suppression(hist, rules)


def publish_before_after(result: BeforeAfter, rules: PublicationRules = DEFAULT_RULES) -> dict:
    """The before-and-after figures as they may be shared outside the network.

    A side is withheld when :func:`analysis.privacy.group_suppression` withholds its pooled
    histogram (too few distinct raters, counted conservatively as explained in
    :func:`before_after`, all ratings the same, or under ``min_raters_distribution``
    leaders figures that fit one score distribution only: :func:`variance_suppression`) or
    when it has no ratings. Then every figure is ``None``, the verdict is "not enough data" (needing, on each
    side, the larger of ``min_per_side`` and the rules' ``min_raters_mean``) and ``withheld``
    maps each withheld side (``"before"``, ``"after"``) to its
    :class:`~analysis.vocabulary.Withheld` reason. Otherwise counts are shown as bands,
    means, the difference and its interval rounded to ``rules.mean_decimals`` and p to
    ``rules.p_decimals``.

    Returns
    -------
    dict
        ``verdict``, ``before_cycles``, ``after_cycles``, ``before_band``, ``after_band``,
        ``before_mean``, ``after_mean``, ``diff``, ``ci95`` (``[low, high]`` or ``None``),
        ``p`` and ``withheld`` (side -> reason, or ``None``).

    Examples
    --------
    >>> H = ScoreHistogram.from_scores
    >>> r = before_after({0: H([3, 4, 5, 4, 3, 4, 6]), 2: H([6, 8, 7, 9, 4])}, 1.5)
    >>> published = publish_before_after(r)
    >>> published["before_band"], published["after_mean"], published["ci95"]
    ('5-9', 6.8, [0.3, 5.0])
    >>> publish_before_after(before_after({0: H([3, 4, 5, 4, 3, 4, 6]), 2: H([6, 7])},
    ...                                   1.5))["withheld"]
    {'after': Withheld.FEW_RATERS(min_raters=5)}
    """
    reasons = {}
    for side, hist in (("before", result.before), ("after", result.after)):
        reason = _side_reason(hist, rules)
        if reason is not None:
            reasons[side] = reason
    if reasons:
        needed = max(result.min_per_side, rules.min_raters_mean)
        return {
            "verdict": NOT_ENOUGH_DATA(min_per_side=needed),
            "before_cycles": None,
            "after_cycles": None,
            "before_band": None,
            "after_band": None,
            "before_mean": None,
            "after_mean": None,
            "diff": None,
            "ci95": None,
            "p": None,
            "withheld": reasons,
        }
    digits = rules.mean_decimals
    difference = result.difference
    ci95 = None if difference is None else difference.ci95
    p = None if difference is None else difference.p
    return {
        "verdict": result.verdict,
        "before_cycles": len(result.before_positions),
        "after_cycles": len(result.after_positions),
        "before_band": count_band(result.before.n, rules),
        "after_band": count_band(result.after.n, rules),
        "before_mean": round(result.before.mean, digits),
        "after_mean": round(result.after.mean, digits),
        "diff": None if difference is None else round(difference.diff, digits),
        "ci95": None if ci95 is None else [round(ci95[0], digits), round(ci95[1], digits)],
        "p": None if p is None else round(p, rules.p_decimals),
        "withheld": None,
    }
