"""What a pack's first page says, worked out once when the pack is assembled: which offices
need attention and why, the network's and the peers' averages, who took part, and who held
each office; and the order lists are read in (Bengali collation for a Bengali reader).

Averages are pooled from the cells the publication rules let out (`kept`), so that no figure
of a withheld office can be had by subtracting a shown one from them, and are published
through `analysis.publish_cell` like any other group.
"""

from dataclasses import dataclass
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis import (
    ComparisonFlag,
    MonitorVerdict,
    ScoreHistogram,
    TrendVerdict,
    publish_cell,
    summarize,
)
from rating.auth.models import Collective
from rating.collation import sort_key
from rating.directory.models import DepartmentType, Posting
from rating.extensions import db
from rating.histograms import RatingFilter, count_leaders, department_types
from rating.wording import CONCERNS

# Why an office is on the first page: below how the same leaders rated their other offices
# (or the network), below its peers, declining, or a sudden drop (CUSUM alarm): the findings
# `rating.wording.CONCERNS` words as concerns.
ATTENTION = tuple(CONCERNS)
# The first page's columns of reasons: the network (over the last cycles, leader-adjusted, or
# in one cycle), the peers, the trend, the CUSUM.
CONCERN_COLUMNS = ((ComparisonFlag.BELOW_LEADERS_OTHERS, ComparisonFlag.BELOW_NETWORK),
                   (ComparisonFlag.BELOW_PEERS,), (TrendVerdict.DECLINING,),
                   (MonitorVerdict.STEP_DROP,))


@dataclass(frozen=True)
class CycleParticipation:
    """Who took part in one cycle of the pack's scope: counts only."""

    cycle: object  # Cycle
    leaders: int
    ratings: int
    offices_per_leader_median: float | None
    offices_per_leader_max: int | None


def attention_reasons(section) -> list:
    """The findings (`analysis.Finding`) that put an office on the first page, in a fixed
    order: network, peers, trend, sudden drop. Empty when it needs no attention."""
    comparison, trend = section.comparison or {}, section.trend or {}
    return [finding for finding in (comparison.get("flag"), comparison.get("peer_flag"),
                                    trend.get("verdict"), section.monitor)
            if finding is not None and finding in ATTENTION]


def concern_marks(section) -> list[bool]:
    """For each of `CONCERN_COLUMNS`, whether it is a reason this office needs attention."""
    reasons = attention_reasons(section)
    return [any(reason in codes for reason in reasons) for codes in CONCERN_COLUMNS]


def needing_attention(content) -> list:
    return [section for section in content.sections if attention_reasons(section)]


def name_key(language: str):
    """A sort key for names as a reader of ``language`` expects them (Bengali in ICU's
    Bengali order, as the leaders' lists: ড় sorts with ড, not after য)."""
    if language == "bn":
        return lambda name: sort_key(name, "bn")
    return str.casefold


def office_name(office, language: str) -> str:
    return office.name_bn if language == "bn" else office.name_en


def in_reading_order(sections, language: str) -> list:
    key = name_key(language)
    return sorted(sections, key=lambda section: key(office_name(section.office, language)))


def add_overview(content, kept, standing, criteria: RatingFilter) -> None:
    """Fill in what the first page and the office pages need beyond the cells: each office's
    CUSUM verdict and postings, the averages, participation, and the department types."""
    publication = content.rules.publication
    for section in content.sections:
        section.monitor = standing.monitor_verdict(section.office.id)
    content.network_means = []
    for cycle in content.cycles:
        pooled = kept.pooled(cycle.id)
        content.network_means.append(
            (cycle, publish_cell(summarize(pooled), publication) if pooled.n else None))
    types = {section.office.department_type_id for section in content.sections}
    content.departments = {d.id: d for d in db.session.scalars(
        select(DepartmentType).where(DepartmentType.id.in_(types)))}
    latest = content.cycles.index(content.latest)
    by_type: dict[int, list[int]] = {}
    for row, office_type in enumerate(_types_of(kept.offices)):
        by_type.setdefault(office_type, []).append(row)
    content.peer_means = {}
    for office_type in types:
        rows = by_type.get(office_type, [])
        counts = kept.counts[rows, latest].sum(axis=0) if rows else None
        if counts is not None and counts.sum():
            content.peer_means[office_type] = publish_cell(
                summarize(ScoreHistogram(tuple(counts.tolist()))), publication)
    content.participation = _participation(criteria, content.cycles)
    postings = postings_for([s.office.id for s in content.sections],
                            content.cycles[0].starts_on, content.cycles[-1].ends_on)
    for section in content.sections:
        section.postings = postings.get(section.office.id, [])


def _types_of(office_ids) -> list[int]:
    types = department_types(office_ids)
    return [types.get(office_id) for office_id in office_ids]


def _participation(criteria: RatingFilter, cycles) -> dict:
    counted = count_leaders(criteria, cycles)
    per_cycle, every = [], []
    for cycle in cycles:
        offices = counted["per_leader"].get(cycle.id, [])
        every += offices
        per_cycle.append(CycleParticipation(
            cycle, len(offices), sum(offices), median(offices) if offices else None,
            max(offices) if offices else None))
    collectives = {c.id: c for c in db.session.scalars(
        select(Collective).where(Collective.id.in_([i for i in counted["collectives"] if i])))}
    return {"cycles": per_cycle, "offices_per_leader_median": median(every) if every else None,
            "collectives": [(collectives.get(i), n) for i, n in counted["collectives"].items()]}


def postings_for(office_ids, first_day, last_day) -> dict[int, list]:
    """Every posting of these offices that overlaps the days, latest first, in one query
    (its officers in a second): who held each office while it was rated."""
    ids = list(office_ids)
    if not ids:
        return {}
    postings: dict[int, list] = {}
    for posting in db.session.scalars(
            select(Posting).options(selectinload(Posting.officer))
            .where(Posting.office_id.in_(ids), Posting.started_on <= last_day,
                   Posting.ended_on.is_(None) | (Posting.ended_on >= first_day))
            .order_by(Posting.office_id, Posting.started_on.desc(), Posting.id.desc())):
        postings.setdefault(posting.office_id, []).append(posting)
    return postings


def in_post(postings, cycle):
    """Who held the office during the cycle: the latest posting overlapping it."""
    return next((p for p in postings if p.started_on <= cycle.ends_on
                 and (p.ended_on is None or p.ended_on >= cycle.starts_on)), None)
