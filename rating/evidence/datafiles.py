"""The pack's data for a third party: the CSVs with a byte-order mark (so that Excel reads
the Bengali names), the same tables as ``data.xlsx``, and ``data-dictionary.csv`` naming every
column, its unit and how it is computed."""

import csv
import io
from datetime import datetime

import xlsxwriter

# (file, column) -> (unit, meaning). A test checks that every column of every CSV is here.
DICTIONARY = {
    ("data.csv", "office_code"): ("code", "The office's code in the directory."),
    ("data.csv", "office_en"): ("text", "The office's name in English."),
    ("data.csv", "office_bn"): ("text", "The office's name in Bengali."),
    ("data.csv", "cycle"): ("cycle name", "The rating cycle (a quarter unless named otherwise)."),
    ("data.csv", "ratings"): (
        "count", "How many leaders rated the office in the cycle (exact); each leader counts "
        "once per office and cycle."),
    ("data.csv", "mean"): ("score 1-10", "The mean of the leaders' scores in the cycle."),
    ("data.csv", "mean_ci95_low"): (
        "score 1-10", "Lower end of the 95% interval of the mean (see methods: a bootstrap or "
        "t interval by the number of leaders)."),
    ("data.csv", "mean_ci95_high"): ("score 1-10", "Upper end of the same interval."),
    ("data.csv", "share_7plus"): (
        "proportion 0-1", "Share of leaders who gave 7 or more (shown from 10 leaders)."),
    ("data.csv", "share_7plus_ci95_low"): (
        "proportion 0-1", "Lower end of the Wilson 95% interval of that share."),
    ("data.csv", "share_7plus_ci95_high"): ("proportion 0-1", "Upper end of that interval."),
    ("data.csv", "respect_yes_share"): (
        "proportion 0-1", "Share of leaders who said they were treated with respect."),
    ("data.csv", "work_done_yes_share"): (
        "proportion 0-1", "Share of leaders who said the work they went for was done."),
    ("data.csv", "trend_verdict"): (
        "code word", "The office's trend over the pack's cycles (improving, declining, no clear "
        "change, not enough data)."),
    ("data.csv", "trend_slope_per_cycle"): (
        "score per cycle", "The fitted change of the mean per cycle."),
    ("data.csv", "trend_slope_ci95_low"): ("score per cycle", "Lower end of its 95% interval."),
    ("data.csv", "trend_slope_ci95_high"): ("score per cycle", "Upper end of its 95% interval."),
    ("data.csv", "latest_vs_network"): (
        "code word", "In the latest cycle only: below, above or not different from the other "
        "offices of the network, at a false discovery rate of 5%."),
    ("data.csv", "latest_diff_vs_rest"): (
        "score 1-10", "In the latest cycle only: the office's mean minus that of the other "
        "offices."),
    ("data.csv", "latest_q"): (
        "q-value 0-1", "In the latest cycle only: the Benjamini-Hochberg q-value of that "
        "difference."),
    ("escalation.csv", "office_code"): ("code", "The office's code in the directory."),
    ("escalation.csv", "office_en"): ("text", "The office's name in English."),
    ("escalation.csv", "office_bn"): ("text", "The office's name in Bengali."),
    ("escalation.csv", "action_date"): ("date", "When the letter, meeting or appeal happened."),
    ("escalation.csv", "action"): ("code word", "letter, meeting or appeal."),
    ("escalation.csv", "level"): ("code word", "The escalation level it was addressed to."),
    ("escalation.csv", "recipient"): ("text", "Whom it was addressed to."),
    ("escalation.csv", "asked"): ("text", "What was asked."),
    ("escalation.csv", "pack_manifest_sha256"): (
        "hex", "The reference of the evidence pack it cited (SHA-256 of its manifest.json)."),
    ("escalation.csv", "answers"): ("text", "Answers received: date and summary."),
    ("escalation.csv", "promises"): ("text", "Promises made: what, by whom, due date, status."),
    ("escalation.csv", "before_cycles"): (
        "count", "Cycles with ratings compared before the action (the nearest, up to 3)."),
    ("escalation.csv", "after_cycles"): (
        "count", "Cycles with ratings compared after the action (the nearest, up to 3)."),
    ("escalation.csv", "left_out_cycles"): (
        "count", "Cycles just before the action left out: the figures that led to it."),
    ("escalation.csv", "ratings_before_band"): ("count band", "Leaders' ratings before, banded."),
    ("escalation.csv", "ratings_after_band"): ("count band", "Leaders' ratings after, banded."),
    ("escalation.csv", "mean_before"): (
        "score 1-10", "Mean of the cycle means before, each weighted by its precision."),
    ("escalation.csv", "mean_after"): ("score 1-10", "The same after."),
    ("escalation.csv", "change"): ("score 1-10", "mean_after minus mean_before."),
    ("escalation.csv", "comparators"): (
        "count", "Offices of the same type with no action over these cycles, rated on both sides."),
    ("escalation.csv", "comparators_change"): (
        "score 1-10", "Their average change over the same cycles (empty: none)."),
    ("escalation.csv", "difference"): (
        "score 1-10", "change minus comparators_change (difference in differences)."),
    ("escalation.csv", "difference_ci95_low"): (
        "score 1-10", "Lower end of the 95% interval of the difference."),
    ("escalation.csv", "difference_ci95_high"): ("score 1-10", "Upper end of that interval."),
    ("escalation.csv", "before_after"): (
        "code word", "The before-and-after finding in words: a rise, a fall, or none shown."),
    ("escalation.csv", "withheld"): (
        "text", "Which side was withheld, and why (too few leaders to publish)."),
}
DATA_FILES = ("data.csv", "escalation.csv")


def with_bom(text: str) -> bytes:
    """A CSV as Excel opens it right: UTF-8 with a byte-order mark."""
    return text.encode("utf-8-sig")


def render_dictionary(tables: dict[str, str]) -> bytes:
    """data-dictionary.csv: one row per column of each CSV, in the CSV's order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "column", "unit", "meaning"])
    for name in DATA_FILES:
        header = next(csv.reader(io.StringIO(tables[name])))
        for column in header:
            unit, meaning = DICTIONARY[(name, column)]
            writer.writerow([name, column, unit, meaning])
    return with_bom(out.getvalue())


def _value(text: str):
    """A CSV cell as a spreadsheet value: numbers as numbers, everything else as text."""
    try:
        return float(text) if text and text.lstrip("-").replace(".", "", 1).isdigit() else text
    except ValueError:  # pragma: no cover - the test above admits only plain numbers
        return text


def render_xlsx(tables: dict[str, str], built_at: datetime) -> bytes:
    """data.xlsx: each CSV as a sheet, and the dictionary; the same bytes for the same pack
    (the workbook's creation time is the pack's build time)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    book.set_properties({"created": built_at.replace(tzinfo=None), "title": "Evidence pack data"})
    bold = book.add_format({"bold": True})
    dictionary = render_dictionary(tables).decode("utf-8-sig")
    for name, text in [*[(n, tables[n]) for n in DATA_FILES], ("data-dictionary.csv", dictionary)]:
        sheet = book.add_worksheet(name.removesuffix(".csv")[:31])
        for row_index, row in enumerate(csv.reader(io.StringIO(text))):
            for column, cell in enumerate(row):
                value = _value(cell) if row_index else cell
                if isinstance(value, float):
                    sheet.write_number(row_index, column, value)
                else:
                    sheet.write_string(row_index, column, value, bold if not row_index else None)
        sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
