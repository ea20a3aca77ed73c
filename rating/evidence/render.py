"""The files of a pack, each made from the same `PackContent`: PDF, HTML, CSV and letter."""

import base64
import csv
import gzip
import io
import json
from pathlib import Path

import segno
from flask import current_app, render_template

from analysis import ComparisonFlag, TrendVerdict
from rating import wording
from rating.csvio import safe_cell
from rating.cycles.services import axis_position
from rating.evidence import charts, fonts, pdftext
from rating.evidence.words import (
    LANGUAGES,
    level_name,
    make_day,
    make_number,
    make_say,
    translate,
)

PLOTLY_BUNDLE = "vendor/plotly-cartesian-4.1.1.min.js.gz"


def _context(content, interactive: bool) -> dict:
    cycle_names = [cycle.name for cycle in content.cycles]
    return {
        "content": content, "say": make_say(content.params.language),
        "not_compared": (ComparisonFlag.NOT_COMPARED_FEW_RATERS,
                         ComparisonFlag.NOT_COMPARED_NO_REST),
        "no_trend_yet": TrendVerdict.NOT_ENOUGH_DATA,
        "number": make_number(content.params.language),
        "languages": LANGUAGES[content.params.language], "cycle_names": cycle_names,
        "level": {language: level_name(content.params.recipient_level, language)
                  for language in ("bn", "en")},
        # the PDF reads the app's font files; report.html gets them inlined (`fonts`)
        "fonts": fonts.PLACEHOLDER if interactive else Path(
            current_app.static_folder, "fonts").as_uri() + "/",
        "interactive": interactive,
        "day": make_day(content.params.language),
        "level_of": lambda level: " / ".join(level_name(level, language) for language
                                             in LANGUAGES[content.params.language]),
        "effect_text": lambda figures: wording.before_after_sentence(
            with_counts(figures), say=make_say(content.params.language), number=_figure),
        "seal": seal_facts(content),
    }


def seal_facts(content) -> dict:
    """What every page shows of the pack's signature: its id and the manifest's SHA-256 (in
    the footer), and a QR code that opens the public verification page."""
    seal = content.seal
    if not seal:
        return {}
    lines = []
    for language in LANGUAGES[content.params.language]:
        def say(message, _language=language, **params):
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


def render_pdf(content) -> bytes:
    """report.pdf: WeasyPrint, with the fonts that ship with the app named in the CSS."""
    from weasyprint import HTML  # a second to import: only when a PDF is made

    pdftext.install()
    context = _context(content, interactive=False)
    context["images"] = {
        section.office.id: "data:image/svg+xml;base64," + base64.b64encode(
            charts.trend_svg(context["cycle_names"], section.cells,
                             _action_positions(content, section)).encode()).decode()
        for section in content.sections}
    html = render_template("evidence/report.html", **context)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()


def render_html(content) -> str:
    """report.html: the same report in one file, charts drawn by plotly.js inlined, offline."""
    context = _context(content, interactive=True)
    bundle = Path(current_app.static_folder, PLOTLY_BUNDLE).read_bytes()
    context["plotly_js"] = gzip.decompress(bundle).decode()
    context["figures"] = {section.office.id: _trend_figure(
        context["cycle_names"], section, _action_positions(content, section),
        LANGUAGES[content.params.language][0])
        for section in content.sections}
    return fonts.embed_fonts(render_template("evidence/report.html", **context),
                             Path(current_app.static_folder, "fonts"))


def _action_positions(content, section) -> list[float]:
    """Where the office's letters, meetings and appeals fall on the pack's cycle axis."""
    return [axis_position(action.acted_on, content.cycles) for action in section.history]


def _trend_figure(cycle_names, section, actions=(), language="en") -> str:
    office = section.office.name_bn if language == "bn" else section.office.name_en
    name = translate("Mean score, %(office)s", language, office=office)
    xs, means, lows, highs = [], [], [], []
    for name, cell in zip(cycle_names, section.cells, strict=True):
        if cell is not None and cell.publishable:
            xs.append(name)
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
               "latest_q"]


def _english(finding) -> str | None:
    """A finding in the CSVs' language (their columns are named in English)."""
    return None if finding is None else wording.word(finding, "en")


def render_csv(content) -> str:
    """data.csv: one row per office and cycle, publishable groups only, formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for section in content.sections:
        trend = section.trend or {}
        slope_ci = trend.get("slope_ci95") or (None, None)
        comparison = section.comparison or {}
        answers = {row["cycle"].id: row for row in section.answers}
        for cycle, cell in zip(content.cycles, section.cells, strict=True):
            if cell is None or not cell.publishable:
                continue
            ci = cell.ci95 or (None, None)
            share_ci = cell.share_7plus_ci95 or (None, None)
            answer = answers.get(cycle.id, {})
            latest = cycle.id == content.latest.id
            writer.writerow([safe_cell(v) for v in (
                section.office.code, section.office.name_en, section.office.name_bn, cycle.name,
                cell.n, cell.mean, ci[0], ci[1], cell.share_7plus, share_ci[0], share_ci[1],
                answer.get("respect_yes"), answer.get("work_done_yes"),
                _english(trend.get("verdict")), trend.get("slope"), slope_ci[0], slope_ci[1],
                _english(comparison.get("flag")) if latest else None,
                comparison.get("diff_vs_rest") if latest else None,
                comparison.get("q") if latest else None)])
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
