"""What goes into a pack: the published figures for a scope, after the publication rules.

`assemble_pack` is the one place that decides what an evidence pack may say. Every figure
comes from `analysis.publish_network` (withheld groups removed before trends and
comparisons are computed, counts exact, means to one decimal); quotes need the leader's
consent, staff approval, 10 leaders in the group, and lose names and numbers.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from analysis import (
    ComparisonFlag,
    Rules,
    TrendVerdict,
    Withheld,
    letter_effect,
    publish_letter_effect,
    publish_network,
    redact_quote,
)
from rating.auth.models import User
from rating.cycles.models import Cycle, Rating
from rating.cycles.services import axis_position
from rating.directory.models import DepartmentType, Office, Officer, Place
from rating.escalation.services import action_dates, histories_for
from rating.evidence.overview import add_overview
from rating.extensions import db
from rating.histograms import (
    RatingFilter,
    count_answers,
    count_scores,
    cycles_in_range,
    department_types,
    standing_at,
)
from rating.refusal import Refused
from rating.rules import current_rules
from rating.timeutil import local_today, utcnow


class PackError(Refused):
    """A pack that cannot be built as asked."""


@dataclass(frozen=True)
class PackParams:
    scope: str  # office, block, department, district
    scope_id: int
    language: str  # bn, en, both
    recipient_level: str
    recipient_name: str
    cycle_from: int | None = None
    cycle_to: int | None = None
    annex: bool = False  # the table of every other office, on request

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class OfficeSection:
    office: Office
    cells: list  # PublishedCell per cycle of the pack (withheld ones carry their reason)
    trend: dict | None  # PublishedTrend.to_dict()
    comparison: dict | None  # the latest cycle's PublishedComparison.to_dict()
    answers: list[dict]  # per cycle: {"cycle", "respect_yes", "work_done_yes"}
    quotes: list[tuple[Cycle, str]]
    history: list = field(default_factory=list)  # AdvocacyAction, oldest first
    effects: dict = field(default_factory=dict)  # action id -> publish_letter_effect(...)
    monitor: object = None  # the CUSUM's `analysis.MonitorVerdict` finding
    postings: list = field(default_factory=list)  # Posting overlapping the cycles, latest first


@dataclass
class PackContent:
    params: PackParams
    scope_names: dict[str, str]  # language -> name of the scope
    cycles: list[Cycle]
    sections: list[OfficeSection] = field(default_factory=list)
    withheld: list[tuple[Office, str]] = field(default_factory=list)
    latest: Cycle | None = None
    fingerprint: str = ""
    built_at: datetime = field(default_factory=utcnow)
    as_of: date = field(default_factory=local_today)  # promises' statuses are on this day
    rules: Rules = field(default_factory=current_rules)  # every threshold the pack applied
    # the signature's facts the documents print: pack id, manifest SHA-256, verification URL
    seal: dict = field(default_factory=dict)
    # `overview.add_overview`: the first page's averages and participation
    network_means: list = field(default_factory=list)  # (Cycle, PublishedCell | None)
    peer_means: dict = field(default_factory=dict)  # department type id -> PublishedCell
    departments: dict = field(default_factory=dict)  # department type id -> DepartmentType
    participation: dict = field(default_factory=dict)

    def count(self, flag) -> int:
        """Offices whose latest comparison has this `analysis.ComparisonFlag`."""
        return sum(1 for s in self.sections if s.comparison and s.comparison["flag"] == flag)

    @property
    def below(self) -> int:
        return self.count(ComparisonFlag.BELOW_LEADERS_OTHERS)

    @property
    def above(self) -> int:
        return self.count(ComparisonFlag.ABOVE_LEADERS_OTHERS)

    @property
    def declining(self) -> int:
        return self.count_verdict(TrendVerdict.DECLINING)

    @property
    def improving(self) -> int:
        return self.count_verdict(TrendVerdict.IMPROVING)

    def count_verdict(self, verdict) -> int:
        """Offices whose trend has this `analysis.TrendVerdict`."""
        return sum(1 for s in self.sections if s.trend and s.trend["verdict"] == verdict)


def resolve_scope(params: PackParams) -> tuple[RatingFilter, dict[str, str]]:
    """The rating filter and the scope's name in each language."""
    if params.scope == "office":
        office = db.session.get(Office, params.scope_id)
        if office is None:
            raise PackError("unknown_scope")
        return RatingFilter(office_ids=(office.id,)), {"en": office.name_en, "bn": office.name_bn}
    if params.scope == "department":
        department = db.session.get(DepartmentType, params.scope_id)
        if department is None:
            raise PackError("unknown_scope")
        return (RatingFilter(department_id=department.id),
                {"en": department.name_en, "bn": department.name_bn})
    place = db.session.get(Place, params.scope_id)
    wanted = ("district",) if params.scope == "district" else ("block", "municipality")
    if place is None or place.kind not in wanted:
        raise PackError("unknown_scope")
    criteria = RatingFilter(district_id=place.id) if params.scope == "district" else \
        RatingFilter(block_id=place.id)
    return criteria, {"en": place.name_en, "bn": place.name_bn}


def assemble_pack(params: PackParams, progress=lambda percent, stage: None) -> PackContent:
    """Every figure of the pack, published, with what was withheld and why."""
    criteria, names = resolve_scope(params)
    cycle_range = RatingFilter(cycle_from=params.cycle_from, cycle_to=params.cycle_to)
    cycles = cycles_in_range(cycle_range)
    if not cycles:
        raise PackError("no_cycles")
    content = PackContent(params=params, scope_names=names, cycles=cycles, latest=cycles[-1])
    progress(10, "counting")
    # The whole network, so that "the rest of the network" is every publishable office.
    network = count_scores(cycle_range, cycles)
    published = publish_network(network, content.rules)
    progress(30, "analysing")
    scope_network = count_scores(RatingFilter(**{**criteria.__dict__,
                                                 "cycle_from": params.cycle_from,
                                                 "cycle_to": params.cycle_to}), cycles)
    in_scope = set(scope_network.offices)
    content.fingerprint = _fingerprint(scope_network)
    answers = count_answers(criteria, cycles)
    cells = {}
    for cell in published.cells:
        cells.setdefault(cell.office, {})[cell.cycle] = cell
    trends = {t.office: t.to_dict() for t in published.trends}
    comparisons = {c.office: c.to_dict() for c in published.comparisons
                   if c.cycle == content.latest.id}
    shown = {(c.office, c.cycle) for c in published.cells if c.publishable}
    kept = network.without([(c.office, c.cycle) for c in published.cells if not c.publishable])
    standing = standing_at(cycle_range, cycles, content.latest, kept, content.rules, shown)
    _headline(comparisons, trends, standing, content.rules)
    offices = {o.id: o for o in db.session.scalars(select(Office).where(Office.id.in_(in_scope)))}
    quotes = _approved_quotes(in_scope, cycles, cells)
    for office in sorted(offices.values(), key=lambda o: o.name_en):
        office_cells = [cells.get(office.id, {}).get(cycle.id) for cycle in cycles]
        if not any(cell is not None and cell.publishable for cell in office_cells):
            reasons = {cell.suppressed_reason for cell in office_cells if cell is not None}
            content.withheld.append((office, sorted(reasons)[0] if reasons
                                     else Withheld.NO_RATINGS()))
            continue
        content.sections.append(OfficeSection(
            office=office, cells=office_cells, trend=trends.get(office.id),
            comparison=comparisons.get(office.id),
            answers=_answer_shares(office.id, cycles, office_cells, answers),
            quotes=quotes.get(office.id, [])))
    _add_trails(content, network.without(
        [(c.office, c.cycle) for c in published.cells if not c.analysable]))
    add_overview(content, kept, standing, criteria)
    progress(45, "assembled")
    return content


def _headline(comparisons: dict, trends: dict, standing, rules) -> None:
    """Put the headline figures (`analysis.Standing`) in the pack's comparison and trend
    dicts, rounded as the publication rules say: the flag is the leader-adjusted one over
    the last cycles, with the office's place among its peers; the trend's verdict and
    interval are the slopes that keep cycle shocks."""
    publication = rules.publication
    digits, p_digits = publication.mean_decimals, publication.p_decimals
    for office, headline in standing.network.items():
        peer = standing.peers.get(office)
        figures = comparisons.setdefault(office, {"cycle": standing.cycle, "office": office,
                                                  "mean": None})
        ci = headline.diff_ci95
        figures.update({
            "flag": headline.flag,
            "diff_vs_rest": None if headline.diff is None else round(headline.diff, digits),
            "diff_ci95": None if ci is None else [round(ci[0], digits), round(ci[1], digits)],
            "p": None if headline.p is None else round(headline.p, p_digits),
            "q": None if headline.q is None else round(headline.q, p_digits),
            "window": len(standing.window),
            "peer_flag": peer.flag if peer else None,
            "peer_rank": [peer.rank_from_bottom, peer.compared_in_group]
            if peer and peer.rank_from_bottom else None,
        })
    slopes = standing.slopes
    if slopes is None:
        return
    for o, office in enumerate(standing.offices):
        trend = trends.get(office)
        if trend is None:
            continue
        trend["verdict"] = slopes.verdicts[o]
        if slopes.slope[o] == slopes.slope[o]:
            trend["slope"] = round(float(slopes.slope[o]), publication.slope_decimals)
        trend["slope_ci95"] = None if slopes.low[o] != slopes.low[o] else [
            round(float(slopes.low[o]), publication.slope_decimals),
            round(float(slopes.high[o]), publication.slope_decimals)]


def _add_trails(content: PackContent, analysable) -> None:
    """Each shown office's letters and promises, with its change after each action
    (`analysis.letter_effect`: the cycles that led to it left out, set against offices of its
    department type with no action then). Only cells that may be published and analysed are
    used, the office's and its peers' alike (a pool that included a withheld cell could give
    it away by subtraction), and each side must pass the rules itself."""
    histories = histories_for(section.office.id for section in content.sections)
    kinds = department_types(analysable.offices) if histories else {}
    peer_dates = action_dates(kinds)
    peer_actions = {office: [axis_position(day, content.cycles) for day in days]
                    for office, days in peer_dates.items()}
    rules = content.rules
    for section in content.sections:
        section.history = histories.get(section.office.id, [])
        if not section.history:
            continue
        kind = kinds.get(section.office.id)
        peers = [office for office, other in kinds.items() if other == kind]
        section.effects = {
            action.id: publish_letter_effect(letter_effect(
                analysable, section.office.id, axis_position(action.acted_on, content.cycles),
                peers=peers, peer_actions=peer_actions,
                window_cycles=rules.comparison.window_cycles, rules=rules.before_after),
                rules.publication)
            for action in section.history}


def _answer_shares(office_id, cycles, office_cells, answers) -> list[dict]:
    rows = []
    for cycle, cell in zip(cycles, office_cells, strict=True):
        if cell is None or cell.share_7plus is None:  # under 10 leaders: no shares
            continue
        counts = answers.get((office_id, cycle.id), {})
        row = {"cycle": cycle}
        # shares of answers are distributions: they need as many answers as the rules ask
        needed = current_rules().publication.min_raters_distribution
        for key in ("respect", "work_done"):
            answered = sum(counts.get(key, {}).values())
            row[f"{key}_yes"] = (round(counts[key].get("yes", 0) / answered, 2)
                                 if answered >= needed else None)
        rows.append(row)
    return rows


def _approved_quotes(office_ids, cycles, cells) -> dict[int, list[tuple[Cycle, str]]]:
    """Consented, staff-approved comments of groups with 10 leaders, redacted."""
    by_id = {cycle.id: cycle for cycle in cycles}
    rows = db.session.execute(select(Rating.office_id, Rating.cycle_id, Rating.comment).where(
        Rating.office_id.in_(office_ids), Rating.cycle_id.in_(by_id),
        Rating.quote_consent.is_(True), Rating.quote_status == "approved",
        Rating.comment.is_not(None)).order_by(Rating.cycle_id, Rating.id)).all()
    if not rows:
        return {}
    names = [n for pair in db.session.execute(select(Officer.name_en, Officer.name_bn))
             for n in pair if n]
    names += [n for pair in db.session.execute(select(User.display_name, User.login)) for n in pair]
    quotes: dict[int, list] = {}
    for office_id, cycle_id, comment in rows:
        cell = cells.get(office_id, {}).get(cycle_id)
        if cell is None or cell.share_7plus is None:  # fewer than 10 leaders: no quotes
            continue
        quotes.setdefault(office_id, []).append((by_id[cycle_id], redact_quote(comment, names)))
    return quotes


def _fingerprint(network) -> str:
    """SHA-256 of the score counts the pack was computed from (offices, cycles, counts)."""
    digest = hashlib.sha256()
    digest.update(repr((network.offices, network.cycles)).encode())
    digest.update(network.counts.tobytes())
    return digest.hexdigest()
