"""The figures behind each chart as a table: shown under the chart ("show as table") and
downloaded as CSV. One definition serves both, so the two can never disagree."""

import csv
import io
from dataclasses import dataclass
from numbers import Number

from flask_babel import gettext as _

from rating.csvio import safe_cell
from rating.directory.forms import LEVEL_LABELS
from rating.escalation.wording import KINDS, STATUSES
from rating.i18n import current_locale, local_digits
from rating.wording import sharing_note, word


@dataclass
class Table:
    name: str  # also the ?csv= value and the file name
    columns: list[str]
    rows: list[list]


def shown_cells(table: Table) -> list[list[str]]:
    """The table's cells as the page writes them: a dash for nothing, numbers in the page's
    digits. The locale is looked up once for the table, not once a cell (a table of 25
    cycles x 10 scores looked it up 250 times, a tenth of the office page's time)."""
    locale = current_locale()
    return [["–" if value is None else local_digits(value, locale)
             if isinstance(value, Number) else value for value in row] for row in table.rows]


def _round(value, digits=2):
    return None if value is None else round(value, digits)


def _pair(pair, digits=2):
    return (None, None) if pair is None else (round(pair[0], digits), round(pair[1], digits))


def ranking_table(overview) -> Table:
    rows = []
    for row in overview.rows:
        low, high = _pair(row.ci95)
        diff_low, diff_high = _pair(row.diff_ci95)
        rows.append([row.office.code, row.office.name(current_locale()), row.n,
                     _round(row.mean), low, high, _round(row.eb_mean),
                     _round(row.diff_vs_rest), diff_low, diff_high, _round(row.q, 4),
                     word(row.flag), word(row.peer_flag),
                     _("%(place)s of %(peers)s", place=row.peer_rank[0], peers=row.peer_rank[1])
                     if row.peer_rank else None,
                     word(row.verdict), word(row.monitor), word(row.funnel_position),
                     sharing_note(row.not_for_sharing)])
    return Table("offices", [
        _("office code"), _("office"), _("ratings"), _("mean"), _("low (95%)"), _("high (95%)"),
        _("shrunk mean"), _("difference from the same leaders' other offices"),
        _("difference low (95%)"), _("difference high (95%)"),
        _("q (false discovery adjusted)"), _("compared with network"),
        _("compared with its peers"), _("place among peers, from the lowest"), _("trend"),
        _("sudden drop"), _("funnel"), _("sharing")], rows)


def heatmap_table(view) -> Table:
    rows = []
    for o, office in enumerate(view.offices):
        for c, cycle in enumerate(view.cycles):
            rows.append([office.code, office.name(current_locale()), cycle.name,
                         None if view.means[o][c] is None else view.counts[o][c],
                         _round(view.means[o][c]), sharing_note(view.reasons[o][c])])
    return Table("heatmap", [_("office code"), _("office"), _("cycle"), _("ratings"), _("mean"),
                             _("note")], rows)


def office_table(page) -> Table:
    rows = []
    for point in page.points:
        summary = point.summary
        if summary is None:
            rows.append([point.cycle.name, None, None, None, None, None, None, None, None,
                         sharing_note(point.hidden)])
            continue
        low, high = _pair(summary.ci95)
        share_low, share_high = _pair(summary.share_7plus_ci95)
        rows.append([point.cycle.name, point.n, _round(summary.mean), low, high,
                     _round(summary.sd), _round(summary.share_7plus), share_low, share_high,
                     sharing_note(point.not_for_sharing)])
    return Table("cycles", [_("cycle"), _("ratings"), _("mean"), _("low (95%)"), _("high (95%)"),
                            _("SD"), _("share at 7 or more"), _("share low (95%)"),
                            _("share high (95%)"), _("note")], rows)


def answers_table(page) -> Table:
    rows = []
    for point in page.points:
        if point.summary is None:
            continue
        rows.append([point.cycle.name,
                     *(point.respect.get(a, 0) for a in ("yes", "partly", "no")),
                     *(point.work_done.get(a, 0) for a in ("yes", "partly", "no")),
                     sharing_note(point.not_for_sharing)])
    return Table("answers", [_("cycle"), _("respect: yes"), _("respect: partly"),
                             _("respect: no"), _("work done: yes"), _("work done: partly"),
                             _("work done: no"), _("note")], rows)


def spread_table(page) -> Table:
    # Score counts are a distribution: under 10 leaders they must carry the same mark as
    # the cycle's mean, or the CSV could leave the network unmarked.
    rows = [[point.cycle.name, *point.histogram.counts, sharing_note(point.not_for_sharing)]
            for point in page.points if point.summary is not None]
    return Table("spread", [_("cycle"), *[str(s) for s in range(1, 11)], _("note")], rows)


def group_table(view) -> Table:
    rows = []
    for row in view.rows:
        low, high = _pair(row.ci95)
        rows.append([row.office.code, row.office.name(current_locale()), row.n, _round(row.mean),
                     low, high, word(row.verdict), sharing_note(row.not_for_sharing)])
    return Table("offices", [_("office code"), _("office"), _("ratings (latest cycle)"),
                             _("mean"), _("low (95%)"), _("high (95%)"), _("trend"), _("sharing")],
                 rows)


def escalation_table(trail) -> Table:
    """The office's letters and promises, as the trend chart marks them."""
    rows = []
    for mark in trail.markers:
        action = mark.action
        if mark.kind == "action":
            rows.append([mark.day.isoformat(), str(KINDS[action.kind]),
                         str(LEVEL_LABELS.get(action.level, action.level)), action.recipient,
                         action.asked, None, None])
        else:
            rows.append([mark.day.isoformat(), _("promise due"), None,
                         mark.commitment.by_whom, mark.commitment.what,
                         str(STATUSES[mark.status]), action.acted_on.isoformat()])
    return Table("escalation", [_("date"), _("what"), _("level"), _("to or by whom"),
                                _("asked or promised"), _("status"),
                                _("promised in answer to the action of")], rows)


def participation_table(collectives, blocks) -> Table:
    rows = [[c.collective.name(current_locale()), c.leaders, c.raters, c.ratings]
            for c in collectives]
    rows += [[b.place.name(current_locale()), b.leaders, b.raters, None] for b in blocks]
    return Table("participation", [_("collective or block"), _("leaders"),
                                   _("leaders who rated"), _("ratings")], rows)


def to_csv(table: Table) -> str:
    """CSV text, every cell safe against formula injection in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
