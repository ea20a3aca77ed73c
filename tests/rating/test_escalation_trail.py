"""The trail's pure rules: where a date sits on the cycle axis, and when to suggest the next
level (no answer within the level's response window, a broken or overdue promise, only for
offices of concern)."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

import rating.models  # noqa: F401  (every table, so that the mappers can be configured)
from analysis import ComparisonFlag
from rating.escalation.models import Commitment
from rating.escalation.trail import axis_position, suggest_next_step

CYCLES = [SimpleNamespace(starts_on=date(2025, 1, 1), ends_on=date(2025, 3, 31)),
          SimpleNamespace(starts_on=date(2025, 4, 1), ends_on=date(2025, 6, 30)),
          # a gap of a month between the second and the third cycle
          SimpleNamespace(starts_on=date(2025, 8, 1), ends_on=date(2025, 10, 31))]
TODAY = date(2026, 1, 15)
OFFICE = SimpleNamespace(id=1)


@pytest.mark.parametrize("day, low, high", [
    (date(2024, 12, 31), -0.5, -0.5),  # before the first cycle
    (date(2025, 1, 1), -0.5, 0.5),  # first day: inside, never on the edge
    (date(2025, 3, 31), -0.5, 0.5),  # last day: inside
    (date(2025, 7, 15), 1.5, 1.5),  # in the gap: between cycle 1 and cycle 2
    (date(2025, 9, 15), 1.5, 2.5),
    (date(2025, 11, 1), 2.5, 2.5),  # after the last
])
def test_a_date_sits_inside_its_cycle_or_between_two(day, low, high):
    position = axis_position(day, CYCLES)
    if low == high:
        assert position == low
    else:
        assert low < position < high


def test_positions_grow_with_the_date():
    days = [date(2024, 12, 1) + timedelta(days=d) for d in range(0, 360, 3)]
    positions = [axis_position(day, CYCLES) for day in days]
    assert positions == sorted(positions)


def action(level, acted_on, answered=False, promises=()):
    return SimpleNamespace(level=level, acted_on=acted_on, kind="letter",
                           responses=[object()] if answered else [],
                           commitments=[Commitment(what="x", by_whom="y", due_on=due,
                                                   resolution=resolution)
                                        for due, resolution in promises])


NEXT = {"block": "district", "district": "state", "state": "national"}


@pytest.mark.parametrize("level, days", [("block", 15), ("district", 30), ("state", 45)])
def test_no_answer_within_the_levels_days_suggests_the_next_level(app, level, days):
    assert app.config["ESCALATION_RESPONSE_DAYS"][level] == days  # the default windows
    letter = action(level, TODAY - timedelta(days=days + 1))
    suggestion = suggest_next_step(OFFICE, ("declining",), [letter], TODAY)
    assert (suggestion.reached_level, suggestion.next_level, suggestion.reason) == (
        level, NEXT[level], "no answer")
    assert suggestion.action is letter
    assert suggestion.pack_query("DM")["recipient_level"] == NEXT[level]
    # still within its days: wait
    assert suggest_next_step(OFFICE, ("declining",), [action(level, TODAY - timedelta(
        days=days))], TODAY) is None


def test_the_windows_come_from_the_settings(app):
    app.config["ESCALATION_RESPONSE_DAYS"] = {**app.config["ESCALATION_RESPONSE_DAYS"],
                                              "block": 5}
    letter = action("block", TODAY - timedelta(days=6))
    assert suggest_next_step(OFFICE, ("declining",), [letter], TODAY).reason == "no answer"


@pytest.mark.parametrize("promises, reason", [
    ([(date(2025, 12, 1), "broken")], "broken"),
    ([(date(2026, 1, 14), "pending")], "overdue"),
    ([(date(2026, 1, 14), "pending"), (date(2025, 12, 1), "broken")], "broken"),
])
def test_a_broken_or_overdue_promise_suggests_the_next_level(app, promises, reason):
    letter = action("district", date(2025, 11, 1), answered=True, promises=promises)
    suggestion = suggest_next_step(OFFICE, (ComparisonFlag.BELOW_NETWORK,), [letter], TODAY)
    assert (suggestion.next_level, suggestion.reason) == ("state", reason)


@pytest.mark.parametrize("history, concerns", [
    ([action("block", date(2025, 1, 1), answered=True,
             promises=[(date(2026, 1, 15), "pending")])], ("declining",)),  # due today
    ([action("block", date(2025, 1, 1), answered=True, promises=[(date(2025, 6, 1), "kept")])],
     ("declining",)),
    ([action("block", date(2025, 1, 1))], ()),  # not below the network, not declining
    ([action("block", date(2025, 1, 1))], ("improving",)),
    ([], ("declining",)),  # nothing sent yet: the first letter is the team's call
    ([action("national", date(2025, 1, 1))], ("declining",)),  # no level above
])
def test_no_suggestion(app, history, concerns):
    assert suggest_next_step(OFFICE, concerns, history, TODAY) is None


def test_the_highest_level_reached_decides(app):
    """A broken promise at the Block no longer matters once the District was written to and
    has not yet had its 30 days."""
    block = action("block", date(2025, 6, 1), answered=True,
                   promises=[(date(2025, 7, 1), "broken")])
    district = action("district", TODAY - timedelta(days=10))
    assert suggest_next_step(OFFICE, ("declining",), [block, district], TODAY) is None
    late = action("district", TODAY - timedelta(days=45))
    suggestion = suggest_next_step(OFFICE, ("declining",), [block, late], TODAY)
    assert (suggestion.reached_level, suggestion.next_level) == ("district", "state")
