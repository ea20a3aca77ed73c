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
        "code", "The office's trend over the pack's cycles: improving, declining, "
        "no_clear_change or not_enough_data (see methods: a random-effects slope)."),
    ("data.csv", "trend_slope_per_cycle"): (
        "score per cycle", "The fitted change of the mean per cycle."),
    ("data.csv", "trend_slope_ci95_low"): ("score per cycle", "Lower end of its 95% interval."),
    ("data.csv", "trend_slope_ci95_high"): ("score per cycle", "Upper end of its 95% interval."),
    ("data.csv", "latest_vs_network"): (
        "code", "In the latest cycle's row only: below_leaders_other_offices, "
        "above_leaders_other_offices or no_clear_difference against how the same leaders rated "
        "the other offices they visited over latest_window_cycles cycles (or not_compared_...), "
        "at the methods' false discovery rate."),
    ("data.csv", "latest_diff_vs_rest"): (
        "score 1-10", "In the latest cycle's row only: the leader-adjusted difference between "
        "the office and the same leaders' other offices."),
    ("data.csv", "latest_q"): (
        "q-value 0-1", "In the latest cycle's row only: the Benjamini-Hochberg q-value of that "
        "difference."),
    ("data.csv", "sd"): (
        "score 1-10", "Standard deviation of the leaders' scores in the cycle (divisor n-1; "
        "shown from 10 leaders). With ratings and mean it gives the t interval: mean +/- "
        "t(0.975, ratings-1) * sd / sqrt(ratings)."),
    ("data.csv", "network_ratings"): (
        "count", "Ratings in the cycle of every office of the network whose figures may be "
        "shown (all of the network's offices, not only this pack's)."),
    ("data.csv", "network_mean"): ("score 1-10", "The mean of those ratings: the network mean."),
    ("data.csv", "network_sd"): ("score 1-10", "The standard deviation of those ratings."),
    ("data.csv", "network_mean_ci95_low"): (
        "score 1-10", "Lower end of the t 95% interval of the network mean."),
    ("data.csv", "network_mean_ci95_high"): ("score 1-10", "Upper end of that interval."),
    ("data.csv", "peer_type"): (
        "code", "The office's department type: its peers are the offices of this type."),
    ("data.csv", "peer_ratings"): (
        "count", "In the latest cycle's row only: ratings of every shown office of the network "
        "of this type."),
    ("data.csv", "peer_mean"): ("score 1-10", "Their mean: the peers' mean."),
    ("data.csv", "peer_sd"): ("score 1-10", "The standard deviation of the peers' ratings."),
    ("data.csv", "peer_mean_ci95_low"): ("score 1-10", "Lower end of its t 95% interval."),
    ("data.csv", "peer_mean_ci95_high"): ("score 1-10", "Upper end of that interval."),
    ("data.csv", "latest_diff_ci95_low"): (
        "score 1-10", "Lower end of the 95% interval of latest_diff_vs_rest."),
    ("data.csv", "latest_diff_ci95_high"): ("score 1-10", "Upper end of that interval."),
    ("data.csv", "latest_p"): (
        "p-value 0-1", "The stratified rank test's p-value of latest_diff_vs_rest (van "
        "Elteren)."),
    ("data.csv", "latest_window_cycles"): (
        "count", "How many cycles up to the latest the comparison with the same leaders' other "
        "offices pools."),
    ("data.csv", "latest_vs_peers"): (
        "code", "The same comparison within the department type: below_peers, above_peers, "
        "no_clear_difference or not_compared_..."),
    ("data.csv", "latest_peer_rank_from_lowest"): (
        "rank", "The office's place among the peers compared, 1 being the lowest."),
    ("data.csv", "latest_peers_compared"): ("count", "How many peers were compared."),
    ("data.csv", "monitor"): (
        "code", "The CUSUM watch for a sudden drop over the pack's cycles: step_drop, "
        "no_step_drop or not_monitored."),
    ("data.csv", "needs_attention"): (
        "0 or 1", "The report names the office among those needing attention (1) or not (0): "
        "1 for latest_vs_network below_..., latest_vs_peers below_peers, trend_verdict "
        "declining or monitor step_drop."),
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
