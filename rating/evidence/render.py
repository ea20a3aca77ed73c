"""The files of a pack, each made from the same `PackContent`: PDF, HTML, CSV and letter."""

import base64
import csv
import ctypes
import ctypes.util
import gc
import gzip
import io
import json
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import segno
from flask import current_app, render_template
from flask_babel import force_locale, gettext

from analysis import ComparisonFlag, TrendVerdict
from rating import wording
from rating.csvio import safe_cell
from rating.cycles.services import axis_position
from rating.escalation.services import answer_due_on
from rating.evidence import charts, fonts, overview, pdftext
from rating.evidence.words import (
    LANGUAGES,
    cycle_name,
    level_name,
    make_day,
    make_number,
    make_say,
    translate,
)
from rating.survey.forms import ANSWER_LABELS, PURPOSE_LABELS
from rating.voice.questions import QUESTION_TEXTS

PLOTLY_BUNDLE = "vendor/plotly-cartesian-4.1.1.min.js.gz"


def _context(content, language: str, interactive: bool) -> dict:
    """What the report template needs to say everything in one language: its words, digits
    and dates, and the offices in the order its reader sorts names."""
    say = make_say(language)
    attention = overview.in_reading_order(overview.needing_attention(content), language)
    picked = {section.office.id for section in attention}
    collectives = [c for c, _ in content.participation.get("collectives", []) if c is not None]
    return {
        "content": content, "say": say, "language": language,
        "not_compared": (ComparisonFlag.NOT_COMPARED_FEW_RATERS,
                         ComparisonFlag.NOT_COMPARED_NO_REST),
        "no_trend_yet": TrendVerdict.NOT_ENOUGH_DATA,
        "number": make_number(language),
        "cycle_names": [cycle_name(cycle, language) for cycle in content.cycles],
        "cycle_label": lambda cycle: cycle_name(cycle, language),
        "level": level_name(content.params.recipient_level, language),
        "recipient": content.params.recipient_name,
        # the PDF reads the app's font files; report.html gets them inlined (`fonts`)
        "fonts": fonts.PLACEHOLDER if interactive else Path(
            current_app.static_folder, "fonts").as_uri() + "/",
        "interactive": interactive,
        "day": make_day(language),
        "level_of": lambda level: level_name(level, language),
        "effect_text": lambda figures: wording.before_after_sentence(
            with_counts(figures), say=say, number=_figure),
        "seal": seal_facts(content, language),
        "attention": attention,
        "others": overview.in_reading_order(
            [s for s in content.sections if s.office.id not in picked], language),
        "name": lambda office: overview.office_name(office, language),
        "officer_name": lambda officer: (officer.name_bn or officer.name_en)
        if language == "bn" else officer.name_en,
        "reasons": lambda section: "; ".join(
            wording.word(finding, language, wording.CONCERNS)
            for finding in overview.attention_reasons(section)),
        "in_post": overview.in_post,
        "cycle_rows": lambda section: _cycle_rows(section, content.cycles, say,
                                                  make_number(language), language),
        # the office page's cycle columns share the 146 mm beside the row labels
        "tab_mm": round(146 / max(len(content.cycles), 1), 1),
        "concern_columns": overview.CONCERN_COLUMNS, "concern_marks": overview.concern_marks,
        "concern": lambda code: translate(wording.CONCERNS[code], language),
        "answer_due": lambda action: answer_due_on(action.level, action.acted_on),
        "questions": _questions(language),
        "collectives": ", ".join(c.name(language) for c in sorted(
            collectives, key=lambda c: overview.name_key(language)(c.name(language)))),
        "leaders_total": sum(n for _, n in content.participation.get("collectives", [])),
    }


def _cycle_rows(section, cycles, say, number, language) -> list[tuple[str, list[str]]]:
    """An office page's figures per cycle, formatted: (row label, one value per cycle), "*"
    where the publication rules withhold a figure."""
    def each(figure):
        return [figure(cell) if cell is not None and cell.publishable else "*"
                for cell in section.cells]

    def share(value):
        return "*" if value is None else number(value * 100, 0) + "%"

    rows = [(say("Cycle"), [cycle_name(cycle, language) for cycle in cycles]),
            (say("Ratings"), each(lambda cell: number(cell.n, 0))),
            (say("Mean"), each(lambda cell: number(cell.mean))),
            (say("SD"), each(lambda cell: "*" if cell.sd is None else number(cell.sd))),
            (say("95%\u00a0interval"), each(lambda cell: "–" if cell.ci95 is None else
                                            f"{number(cell.ci95[0])}–{number(cell.ci95[1])}")),
            (say("Share at 7 or more"), each(lambda cell: share(cell.share_7plus)))]
    if section.answers:
        by_cycle = {row["cycle"].id: row for row in section.answers}
        for key, label in (("respect_yes", "Treated with respect"), ("work_done_yes",
                                                                     "Work done")):
            rows.append((say(label), [
                "–" if by_cycle.get(cycle.id, {}).get(key) is None
                else share(by_cycle[cycle.id][key]) for cycle in cycles]))
    return rows


def _questions(language: str) -> dict:
    """The rating page's questions and answers, word for word as a leader sees them."""
    with force_locale(language):
        return {**{key: str(text) for key, text in QUESTION_TEXTS.items()},
                "low": gettext("1: they turned me away or treated me badly"),
                "high": gettext("10: they listened with respect and did the work"),
                "which": gettext("Which office did you go to?"),
                "purposes": ", ".join(str(label) for label in PURPOSE_LABELS.values()),
                "answers": " / ".join(str(label) for label in ANSWER_LABELS.values())}


def seal_facts(content, language: str | None = None) -> dict:
    """What every page shows of the pack's signature: its id and the manifest's SHA-256 (in
    the footer, in ``language`` or in each of the pack's), and a QR code that opens the
    public verification page."""
    seal = content.seal
    if not seal:
        return {}
    lines = []
    for line_language in ([language] if language else LANGUAGES[content.params.language]):
        def say(message, _language=line_language, **params):
            return translate(message, _language, **params)

        lines.append(say("Pack %(id)s · reference (SHA-256 of manifest.json) %(sha)s",
                         id=seal["pack"], sha=seal["manifest_sha256"]))
    return {**seal, "footer": " / ".join(lines),
            # CSS content string: the text has no quote or backslash, but be sure
            "footer_css": " / ".join(lines).replace("\\", "").replace('"', "").replace("<", ""),
            "qr": segno.make(seal["verify_url"], error="m").svg_data_uri(scale=3, border=2)}


def _figure(value):
    """A figure as `make_say` formats it: one decimal, in each language's digits."""
    return (value, 1)


def with_counts(figures: dict) -> dict:
    """Published before-and-after figures, with their counts as bands ("10-19")."""
    return {**figures, "before_n": figures.get("before_band"),
            "after_n": figures.get("after_band")}


def report_names(content) -> dict[str, tuple[str, str]]:
    """The report's files for each of the pack's languages: one language gives report.pdf
    and report.html; "both" a complete pair per language (report-bn.pdf, report-en.pdf ...),
    never one document with two languages interleaved."""
    languages = LANGUAGES[content.params.language]
    if len(languages) == 1:
        return {languages[0]: ("report.pdf", "report.html")}
    return {language: (f"report-{language}.pdf", f"report-{language}.html")
            for language in languages}


def render_pdf(content, language: str) -> bytes:
    """The PDF report in one language: WeasyPrint, with the fonts that ship with the app;
    a chart (SVG) for each office needing attention only."""
    from weasyprint import HTML  # a second to import: only when a PDF is made

    pdftext.install()
    context = _context(content, language, interactive=False)
    cycle_names = context["cycle_names"]
    context["images"] = {
        section.office.id: "data:image/svg+xml;base64," + base64.b64encode(
            charts.trend_svg(cycle_names, section.cells,
                             _action_positions(content, section)).encode()).decode()
        for section in context["attention"]}
    html = render_template("evidence/report.html", **context)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()


def render_htmls(content, languages) -> list[str]:
    """The same report as one web page in each language, charts drawn by plotly.js inlined,
    fonts embedded (`fonts.embed_fonts_in`): it works offline and names no path of the
    machine that built it."""
    pages = []
    for language in languages:
        context = _context(content, language, interactive=True)
        context["plotly_js"] = _plotly_js(current_app.static_folder)
        context["figures"] = {section.office.id: _trend_figure(
            context["cycle_names"], section, _action_positions(content, section), language)
            for section in context["attention"]}
        pages.append(render_template("evidence/report.html", **context))
    return fonts.embed_fonts_in(pages, Path(current_app.static_folder, "fonts"),
                                Path(current_app.instance_path, "cache", "fonts"))


@contextmanager
def documents_memory():
    """While the documents are made: what was alive before them (the app, the pack's figures)
    is set aside from the collector (`gc.freeze`), so that `release_memory` looks only at the
    documents' objects (a full collection of the whole process took 0.5 CPU s each time)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def trim_memory() -> None:
    """Give freed memory back to the system without a collection (`release_memory` without
    `gc.collect`): after the figures are assembled, most of what they used is already free."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def release_memory() -> None:
    """Give the memory of a document just written back to the system: WeasyPrint's boxes of a
    24-page report are ~45 MB of small objects in reference cycles, which only a collection
    frees, and which glibc then keeps for the process unless told (malloc_trim). Without this
    the next document is laid on top of them."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None


@lru_cache(maxsize=2)
def _plotly_js(static_folder: str) -> str:
    return gzip.decompress(Path(static_folder, PLOTLY_BUNDLE).read_bytes()).decode()


def _action_positions(content, section) -> list[float]:
    """Where the office's letters, meetings and appeals fall on the pack's cycle axis."""
    return [axis_position(action.acted_on, content.cycles) for action in section.history]


def _trend_figure(cycle_names, section, actions=(), language="en") -> str:
    office = section.office.name_bn if language == "bn" else section.office.name_en
    name = translate("Mean score, %(office)s", language, office=office)
    xs, means, lows, highs = [], [], [], []
    for label, cell in zip(cycle_names, section.cells, strict=True):
        if cell is not None and cell.publishable:
            xs.append(label)
            means.append(cell.mean)
            low, high = cell.ci95 or (cell.mean, cell.mean)
            lows.append(low)
            highs.append(high)
    figure = {"data": [
        {"type": "scatter", "x": xs, "y": highs, "mode": "lines", "line": {"width": 0},
         "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "x": xs, "y": lows, "mode": "lines", "fill": "tonexty",
         "fillcolor": "rgba(11,92,173,0.18)", "line": {"width": 0}, "hoverinfo": "skip",
         "showlegend": False},
        {"type": "scatter", "x": xs, "y": means, "mode": "lines+markers", "showlegend": False,
         "line": {"color": "#0b5cad"}, "name": name,
         # the hover names the office and the figure, never "trace 2"
         "hovertemplate": "%{x}: %{y:.1f}<extra>" + name + "</extra>"}],
        "layout": {"height": 260, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
                   "yaxis": {"range": [1, 10]},
                   "xaxis": {"type": "category", "categoryarray": cycle_names},
                   # a category axis puts cycle p at p: an action between two cycles at p + 0.5
                   "shapes": [{"type": "line", "x0": position, "x1": position, "y0": 0,
                               "y1": 1, "yref": "paper",
                               "line": {"color": charts.ORANGE, "dash": "dash", "width": 1.2}}
                              for position in actions]}}
    return json.dumps(figure)


CSV_COLUMNS = ["office_code", "office_en", "office_bn", "cycle", "ratings", "mean",
               "mean_ci95_low", "mean_ci95_high", "share_7plus", "share_7plus_ci95_low",
               "share_7plus_ci95_high", "respect_yes_share", "work_done_yes_share",
               "trend_verdict", "trend_slope_per_cycle", "trend_slope_ci95_low",
               "trend_slope_ci95_high", "latest_vs_network", "latest_diff_vs_rest",
               "latest_q", "sd", "network_ratings", "network_mean", "network_sd",
               "network_mean_ci95_low", "network_mean_ci95_high", "peer_type", "peer_ratings",
               "peer_mean", "peer_sd", "peer_mean_ci95_low", "peer_mean_ci95_high", "latest_diff_ci95_low",
               "latest_diff_ci95_high", "latest_p", "latest_window_cycles", "latest_vs_peers",
               "latest_peer_rank_from_lowest", "latest_peers_compared", "monitor",
               "needs_attention"]


def _english(finding) -> str | None:
    """A finding in the CSVs' language (their columns are named in English)."""
    return None if finding is None else wording.word(finding, "en")


def _code(finding) -> str | None:
    """A finding as its code ("declining", "below_peers"): what data-dictionary.csv names."""
    return None if finding is None else str(finding)


def render_csv(content) -> str:
    """data.csv: one row per office and cycle, publishable groups only, formula-safe; every
    figure the report prints, with the network's and the peers' values beside each row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    network = {cycle.id: figures for cycle, figures in content.network_means}
    for section in content.sections:
        trend = section.trend or {}
        slope_ci = trend.get("slope_ci95") or (None, None)
        comparison = section.comparison or {}
        answers = {row["cycle"].id: row for row in section.answers}
        department = content.departments.get(section.office.department_type_id)
        peers = content.peer_means.get(section.office.department_type_id)
        rank = comparison.get("peer_rank") or (None, None)
        attention = int(bool(overview.attention_reasons(section)))
        for cycle, cell in zip(content.cycles, section.cells, strict=True):
            if cell is None or not cell.publishable:
                continue
            ci = cell.ci95 or (None, None)
            share_ci = cell.share_7plus_ci95 or (None, None)
            answer = answers.get(cycle.id, {})
            latest = cycle.id == content.latest.id
            pooled = network.get(cycle.id)
            pooled_ci = (pooled.ci95 if pooled else None) or (None, None)
            peer = peers if latest else None
            peer_ci = (peer.ci95 if peer else None) or (None, None)
            diff_ci = (comparison.get("diff_ci95") if latest else None) or (None, None)
            writer.writerow([safe_cell(v) for v in (
                section.office.code, section.office.name_en, section.office.name_bn, cycle.name,
                cell.n, cell.mean, ci[0], ci[1], cell.share_7plus, share_ci[0], share_ci[1],
                answer.get("respect_yes"), answer.get("work_done_yes"),
                _code(trend.get("verdict")), trend.get("slope"), slope_ci[0], slope_ci[1],
                _code(comparison.get("flag")) if latest else None,
                comparison.get("diff_vs_rest") if latest else None,
                comparison.get("q") if latest else None,
                cell.sd, pooled.n if pooled else None, pooled.mean if pooled else None,
                pooled.sd if pooled else None, pooled_ci[0], pooled_ci[1],
                department.code if department else None, peer.n if peer else None,
                peer.mean if peer else None, peer.sd if peer else None, peer_ci[0], peer_ci[1],
                diff_ci[0], diff_ci[1], comparison.get("p") if latest else None,
                comparison.get("window") if latest else None,
                _code(comparison.get("peer_flag")) if latest else None,
                rank[0] if latest else None, rank[1] if latest else None,
                _code(section.monitor),
                attention)])
    return out.getvalue()


TRAIL_COLUMNS = ["office_code", "office_en", "office_bn", "action_date", "action", "level",
                 "recipient", "asked", "pack_manifest_sha256", "answers", "promises",
                 "before_cycles", "after_cycles", "left_out_cycles", "ratings_before_band",
                 "ratings_after_band", "mean_before", "mean_after", "change", "comparators",
                 "comparators_change", "difference", "difference_ci95_low",
                 "difference_ci95_high", "before_after", "withheld"]


def _withheld(sides: dict | None) -> str | None:
    """Which side of a before-and-after was withheld, and why: "before: ...; after: ..."."""
    if not sides:
        return None
    return "; ".join(f"{side}: {_english(reason)}" for side, reason in sides.items())


def render_trail_csv(content) -> str:
    """escalation.csv: each office's actions, answers and promises, with the published
    before-and-after figures; formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TRAIL_COLUMNS)
    for section in content.sections:
        for action in section.history:
            figures = section.effects[action.id]
            ci = figures.get("ci95") or (None, None)
            answers = " | ".join(f"{r.received_on.isoformat()}: {r.summary}"
                                 for r in action.responses)
            promises = " | ".join(
                f"{c.what} ({c.by_whom}, due {c.due_on.isoformat()}: {c.status(content.as_of)})"
                for c in action.commitments)
            writer.writerow([safe_cell(v) for v in (
                section.office.code, section.office.name_en, section.office.name_bn,
                action.acted_on.isoformat(), action.kind, action.level, action.recipient,
                action.asked, action.pack_sha256, answers, promises, figures["before_cycles"],
                figures["after_cycles"], figures["left_out_cycles"], figures["before_band"],
                figures["after_band"], figures["before_mean"], figures["after_mean"],
                figures["change"], figures["comparators"], figures["comparator_change"],
                figures["diff"], ci[0], ci[1], _english(figures["verdict"]),
                _withheld(figures["withheld"]))])
    return out.getvalue()
