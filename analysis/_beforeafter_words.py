"""The before-and-after result in plain English (`BeforeAfter.sentence`), kept apart from the
statistics in :mod:`analysis.beforeafter`. The service's pages and packs word it in the
reader's language themselves (`rating.escalation.wording`)."""

from __future__ import annotations

from analysis.vocabulary import ChangeVerdict

HIGHER_AFTER = ChangeVerdict.HIGHER_AFTER
LOWER_AFTER = ChangeVerdict.LOWER_AFTER
NOT_ENOUGH_DATA = ChangeVerdict.NOT_ENOUGH_DATA

_CAVEAT_CHANGED = (
    "This shows that leaders' experience changed after the action; it does not show that "
    "the action caused the change, because other things (a new officer, the season, other "
    "events) may also have changed."
)
_CAVEAT_UNCHANGED = (
    "Even a clear difference would not show that the action caused it, because other things "
    "(a new officer, the season, other events) may also have changed."
)


def _one(value: float) -> str:
    """A number to one decimal, never "-0.0"."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _cycles(count: int, side: str) -> str:
    """The cycles of one side in words: "the cycle before", "the 3 cycles after"."""
    return f"the cycle {side}" if count == 1 else f"the {count} cycles {side}"


def _shift(value: float) -> str:
    """A signed difference in words: "0.5 lower", "1.1 higher", "0.0"."""
    text = _one(abs(value))
    if text == "0.0":
        return text
    return f"{text} higher" if value > 0 else f"{text} lower"


def describe(result) -> str:
    """What the comparison (an `analysis.BeforeAfter`) shows, numbers to one decimal, with
    the caveat about cause."""
    before, after = result.before, result.after
    if result.verdict == NOT_ENOUGH_DATA:
        return _not_enough(result)
    diff = result.difference
    low, high = diff.ci95
    opening = (
        f"In {_cycles(len(result.after_positions), 'after')} the action the mean score was "
        f"{_one(after.mean)} ({_plural(after.n, 'rating')}), against {_one(before.mean)} "
        f"({_plural(before.n, 'rating')}) in {_cycles(len(result.before_positions), 'before')}: "
    )
    if result.verdict == HIGHER_AFTER:
        return (
            f"{opening}{_one(diff.diff)} points higher "
            f"(95% interval {_one(low)} to {_one(high)}). {_CAVEAT_CHANGED}"
        )
    if result.verdict == LOWER_AFTER:
        return (
            f"{opening}{_one(-diff.diff)} points lower "
            f"(95% interval {_one(-high)} to {_one(-low)}). {_CAVEAT_CHANGED}"
        )
    size = _one(abs(diff.diff))
    if size == "0.0":
        change = "no difference to one decimal"
    else:
        change = f"{size} points {'higher' if diff.diff > 0 else 'lower'}"
    return (
        f"{opening}{change} (95% interval from {_shift(low)} to {_shift(high)}). "
        "The interval includes 0, so the data do not show a change either way; this is "
        f"not proof that nothing changed. {_CAVEAT_UNCHANGED}"
    )


def _not_enough(result) -> str:
    needed = max(result.min_per_side, 2)
    short = []
    for side, hist, positions in (
        ("before", result.before, result.before_positions),
        ("after", result.after, result.after_positions),
    ):
        if hist.n == 0:
            short.append(f"no ratings {side} the action")
        elif hist.n < needed:
            short.append(
                f"only {_plural(hist.n, 'rating')} {side} the action "
                f"(in {_plural(len(positions), 'cycle')})"
            )
    if short:
        lacking = " and ".join(short)
        verb = "is" if len(short) == 1 and short[0].startswith("only 1 ") else "are"
        return (
            f"Not enough data to compare: there {verb} {lacking}, and at least "
            f"{needed} are needed on each side."
        )
    return (
        "Not enough data to compare: every rating before the action was "
        f"{_one(result.before.mean)} and every rating after it was {_one(result.after.mean)}, "
        "so the uncertainty of the difference cannot be estimated."
    )
