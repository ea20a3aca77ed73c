"""Recording the escalation trail, and reading it back for an office, a pack or the due list.

`record_action`, `record_response`, `add_commitment` and `resolve_commitment` each change one
thing, audit it, and commit. Reading: `office_history`, `histories_for`, `due_commitments`.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rating import audit, storage
from rating.directory.models import Office
from rating.escalation.deadlines import answer_due_on
from rating.escalation.models import (
    ACTION_KINDS,
    RESOLUTIONS,
    ActionResponse,
    AdvocacyAction,
    Commitment,
    action_offices,
)
from rating.escalation.trail import CONCERNS, suggest_next_step
from rating.extensions import db
from rating.refusal import Refused

MAX_SCAN_BYTES = 1900 * 1024  # under the 2 MB body limit of every request, with the form around it
DUE_WITHIN_DAYS = 30
# The first bytes of each kind of scan, so that a renamed file is not stored as a scan.
SIGNATURES = {"application/pdf": (b"%PDF-",), "image/png": (b"\x89PNG\r\n\x1a\n",),
              "image/jpeg": (b"\xff\xd8\xff",)}


class EscalationError(Refused):
    """A change to the escalation trail that the rules refuse."""


def record_action(*, kind: str, acted_on: date, level: str, recipient: str, asked: str,
                  office_ids, pack_sha256: str | None = None, actor=None) -> AdvocacyAction:
    """A letter, meeting or appeal about one or more offices, citing a pack if it did."""
    if kind not in ACTION_KINDS:
        raise EscalationError("unknown_kind")
    ids = sorted(set(office_ids))
    offices = list(db.session.scalars(select(Office).where(Office.id.in_(ids)))) if ids else []
    if not offices or len(offices) != len(ids):
        raise EscalationError("unknown_office")
    action = AdvocacyAction(kind=kind, acted_on=acted_on, level=level,
                            recipient=recipient.strip(), asked=asked.strip(),
                            pack_sha256=(pack_sha256 or "").lower() or None,
                            created_by_id=getattr(actor, "id", None), offices=offices)
    db.session.add(action)
    db.session.flush()
    audit.record("escalation.action", "advocacy_action", action.id, actor, kind=kind,
                 level=level, offices=ids, pack=action.pack_sha256)
    db.session.commit()
    return action


def _scan_type(scan: bytes) -> str:
    for mime, prefixes in SIGNATURES.items():
        if scan.startswith(prefixes):
            return mime
    raise EscalationError("not_a_scan")


def record_response(action: AdvocacyAction, *, received_on: date, summary: str,
                    scan: bytes | None = None, actor=None) -> ActionResponse:
    """The recipient's answer, with the scan of it when there is one (PDF, JPEG or PNG)."""
    if received_on < action.acted_on:
        raise EscalationError("answer_before_action")
    response = ActionResponse(action=action, received_on=received_on, summary=summary.strip(),
                              created_by_id=getattr(actor, "id", None))
    if scan:
        if len(scan) > MAX_SCAN_BYTES:
            raise EscalationError("scan_too_large")
        response.scan_type = _scan_type(scan)
        response.scan_sha256 = hashlib.sha256(scan).hexdigest()
        if storage.stores_in_database():
            response.scan = scan
        else:  # named by its hash: the same scan sent twice is one object
            response.scan_key = f"scans/{response.scan_sha256}"
            storage.save_file(response.scan_key, scan, response.scan_type)
    db.session.add(response)
    db.session.flush()
    audit.record("escalation.response", "action_response", response.id, actor,
                 action_id=action.id, scan=response.scan_sha256)
    db.session.commit()
    return response


def scan_bytes(response: ActionResponse) -> bytes | None:
    """The answer's scan, from the row or from S3; None when it has none."""
    if response.scan_key:
        return storage.load_file(response.scan_key)
    return response.scan


def add_commitment(action: AdvocacyAction, *, what: str, by_whom: str, due_on: date,
                   response: ActionResponse | None = None, actor=None) -> Commitment:
    if response is not None and response.action_id != action.id:
        raise EscalationError("unknown_response")
    commitment = Commitment(action=action, response_id=response.id if response else None,
                            what=what.strip(), by_whom=by_whom.strip(), due_on=due_on,
                            resolution="pending")
    db.session.add(commitment)
    db.session.flush()
    audit.record("escalation.commitment", "commitment", commitment.id, actor, action_id=action.id,
                 due_on=due_on.isoformat())
    db.session.commit()
    return commitment


def resolve_commitment(commitment: Commitment, resolution: str, on: date | None,
                       actor=None) -> Commitment:
    """Mark a promise kept or broken (or pending again, to undo a mistake)."""
    if resolution not in RESOLUTIONS:
        raise EscalationError("unknown_resolution")
    commitment.resolution = resolution
    commitment.resolved_on = None if resolution == "pending" else on
    audit.record("escalation.resolve", "commitment", commitment.id, actor, resolution=resolution)
    db.session.commit()
    return commitment


def _with_trail(query):
    return query.options(selectinload(AdvocacyAction.offices),
                         selectinload(AdvocacyAction.responses),
                         selectinload(AdvocacyAction.commitments))


def list_actions(limit: int = 200) -> list[AdvocacyAction]:
    return list(db.session.scalars(_with_trail(select(AdvocacyAction)).order_by(
        AdvocacyAction.acted_on.desc(), AdvocacyAction.id.desc()).limit(limit)))


def office_history(office_id: int) -> list[AdvocacyAction]:
    """Every action about an office, oldest first."""
    return histories_for([office_id]).get(office_id, [])


def histories_for(office_ids) -> dict[int, list[AdvocacyAction]]:
    """Actions about each of these offices, oldest first, in two queries however many."""
    ids = list(office_ids)
    if not ids:
        return {}
    pairs = db.session.execute(select(action_offices.c.office_id, action_offices.c.action_id)
                               .where(action_offices.c.office_id.in_(ids))).all()
    if not pairs:
        return {}
    actions = {a.id: a for a in db.session.scalars(_with_trail(select(AdvocacyAction)).where(
        AdvocacyAction.id.in_({action_id for _, action_id in pairs})))}
    histories: dict[int, list[AdvocacyAction]] = {}
    for office_id, action_id in pairs:
        histories.setdefault(office_id, []).append(actions[action_id])
    for history in histories.values():
        history.sort(key=lambda a: (a.acted_on, a.id))
    return histories


def action_dates(office_ids) -> dict[int, list[date]]:
    """The dates of every action about each of these offices (one query): which offices had
    no letter over some cycles, for the before-and-after comparison."""
    ids = list(office_ids)
    if not ids:
        return {}
    dates: dict[int, list[date]] = {}
    for office_id, acted_on in db.session.execute(
            select(action_offices.c.office_id, AdvocacyAction.acted_on)
            .join(AdvocacyAction, AdvocacyAction.id == action_offices.c.action_id)
            .where(action_offices.c.office_id.in_(ids))):
        dates.setdefault(office_id, []).append(acted_on)
    return dates


@dataclass(frozen=True)
class Unanswered:
    action: AdvocacyAction
    answer_due_on: date  # by its level's response window (ESCALATION_RESPONSE_DAYS)


@dataclass(frozen=True)
class DueList:
    today: date
    overdue: list[Commitment]
    due: list[Commitment]  # pending, due today or in the next DUE_WITHIN_DAYS days
    unanswered: list[Unanswered] = ()  # letters whose answer is overdue, most overdue first


def due_commitments(today: date, days: int = DUE_WITHIN_DAYS) -> DueList:
    query = select(Commitment).where(Commitment.resolution == "pending").options(
        selectinload(Commitment.action).selectinload(AdvocacyAction.offices))
    overdue = db.session.scalars(query.where(Commitment.due_on < today)
                                 .order_by(Commitment.due_on)).all()
    due = db.session.scalars(query.where(Commitment.due_on >= today,
                                         Commitment.due_on <= today + timedelta(days=days))
                             .order_by(Commitment.due_on)).all()
    return DueList(today=today, overdue=list(overdue), due=list(due),
                   unanswered=list_unanswered_actions(today))


def list_unanswered_actions(today: date) -> list[Unanswered]:
    """Actions with no answer recorded whose level's response window has passed, most overdue
    first: each level counts from its own days (block 15, district 30, state 45 ...)."""
    actions = db.session.scalars(_with_trail(select(AdvocacyAction)).where(
        ~AdvocacyAction.responses.any()))
    late = [Unanswered(action, answer_due_on(action.level, action.acted_on)) for action in actions]
    return sorted((row for row in late if row.answer_due_on < today),
                  key=lambda row: (row.answer_due_on, row.action.id))


def next_steps(rows, today: date) -> list:
    """Suggested escalations for the overview's offices that are below the network or
    declining (``rows``: objects with ``office``, ``flag`` and ``verdict``)."""
    concerns = {row.office.id: (row.office, tuple(c for c in (row.flag, row.verdict)
                                                  if c in CONCERNS))
                for row in rows}
    concerns = {k: v for k, v in concerns.items() if v[1]}
    histories = histories_for(concerns)
    suggestions = [suggest_next_step(office, why, histories.get(office_id, []), today)
                   for office_id, (office, why) in concerns.items()]
    return [s for s in suggestions if s is not None]
