"""An office's escalation trail held against its ratings: where each action and promise falls
on the cycle axis, the ratings before and after each action, and the next level to go to.

Pure functions of what `services` read and what `rating.histograms` counted; the views and the
evidence packs call them.
"""

from dataclasses import dataclass
from datetime import date

from analysis import (
    NETWORK_RULES,
    ComparisonFlag,
    LetterEffect,
    NetworkCounts,
    Rules,
    TrendVerdict,
    letter_effect,
)
from rating.cycles.services import axis_position
from rating.directory.models import LEVELS
from rating.escalation.deadlines import answer_due_on

# Why an office needs attention: the findings that suggest the next escalation step.
CONCERNS = (ComparisonFlag.BELOW_NETWORK, ComparisonFlag.BELOW_LEADERS_OTHERS,
            TrendVerdict.DECLINING)

__all__ = ["CONCERNS", "axis_position", "build_office_trail", "effects",
           "markers", "suggest_next_step"]


@dataclass(frozen=True)
class Marker:
    kind: str  # "action" or "commitment"
    day: date
    position: float
    action: object
    commitment: object = None
    status: str | None = None  # a commitment's status on the day the page was made


def markers(history, cycles, today: date) -> list[Marker]:
    """Each action on its date, each commitment on the date it is due."""
    marks = []
    for action in history:
        marks.append(Marker("action", action.acted_on, axis_position(action.acted_on, cycles),
                            action))
        for commitment in action.commitments:
            marks.append(Marker("commitment", commitment.due_on,
                                axis_position(commitment.due_on, cycles), action, commitment,
                                commitment.status(today)))
    return sorted(marks, key=lambda m: (m.day, m.kind))


def effects(history, cycles, network: NetworkCounts, office_id: int, peers=(),
            peer_dates: dict | None = None, rules: Rules = NETWORK_RULES,
            variances=None) -> dict[int, LetterEffect]:
    """For each action, the office's change after it (`analysis.letter_effect`): the cycles
    whose figures led to it left out, set against its peers (same department type) that had
    no action over the cycles compared. ``peer_dates``: office id -> dates of its actions;
    ``variances``: the whole network's, when ``network`` holds only the office and peers."""
    peer_actions = {office: [axis_position(day, cycles) for day in days]
                    for office, days in (peer_dates or {}).items()}
    return {action.id: letter_effect(network, office_id, axis_position(action.acted_on, cycles),
                                     peers=peers, peer_actions=peer_actions,
                                     window_cycles=rules.comparison.window_cycles,
                                     rules=rules.before_after, variances=variances)
            for action in history}


@dataclass(frozen=True)
class Suggestion:
    office: object
    concerns: tuple[str, ...]  # why the office needs attention: below the network, declining
    reached_level: str  # the highest level written to so far
    next_level: str
    reason: str  # "no answer", "broken", "overdue"
    action: object  # the action at the reached level that went unanswered or unkept

    def pack_query(self, recipient: str) -> dict:
        """The pack builder's fields for a pack about this office to the next level."""
        return {"scope": "office", "office": self.office.id, "language": "bn",
                "recipient_level": self.next_level, "recipient_name": recipient}


def _level_index(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def suggest_next_step(office, concerns, history, today: date) -> Suggestion | None:
    """Escalate an office that is below the network or declining when, at the highest level
    reached, no answer came within that level's response window (ESCALATION_RESPONSE_DAYS:
    block 15 days, district 30, state 45), or a promise was broken or is overdue."""
    concerns = tuple(c for c in concerns if c in CONCERNS)
    if not concerns or not history:
        return None
    reached = max(history, key=lambda a: _level_index(a.level)).level
    if _level_index(reached) + 1 >= len(LEVELS):
        return None
    at_level = [a for a in history if a.level == reached]
    reason, culprit = None, None
    for action in reversed(at_level):
        statuses = {c.status(today) for c in action.commitments}
        if "broken" in statuses or "overdue" in statuses:
            reason, culprit = ("broken" if "broken" in statuses else "overdue"), action
            break
    if reason is None:
        latest = at_level[-1]
        if not any(a.responses for a in at_level) and \
                answer_due_on(latest.level, latest.acted_on) < today:
            reason, culprit = "no answer", latest
    if reason is None:
        return None
    return Suggestion(office=office, concerns=concerns, reached_level=reached,
                      next_level=LEVELS[_level_index(reached) + 1], reason=reason,
                      action=culprit)


@dataclass
class OfficeTrail:
    history: list
    markers: list[Marker]
    effects: dict[int, LetterEffect]  # by action id
    suggestion: Suggestion | None


def build_office_trail(page, history, today: date, concerns=(), peer_dates=None,
                       rules: Rules = NETWORK_RULES) -> OfficeTrail:
    """An office page's trail: its actions and promises on the cycle axis, each action's
    before-and-after check (the cells the page may show, staff only), the next step."""
    # No action, no check: the peers' cells (``page.network``) are then never read.
    checks = effects(history, page.cycles, page.network, page.office.id, page.peers,
                     peer_dates, rules, page.variances) if history else {}
    return OfficeTrail(history=history, markers=markers(history, page.cycles, today),
                       effects=checks,
                       suggestion=suggest_next_step(page.office, concerns, history, today))
