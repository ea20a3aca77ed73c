"""Reading uploaded CSV files so that every problem names its line and its field.

Importers check every row first and write nothing unless the whole file is clean.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

MAX_ROWS = 20_000


@dataclass(frozen=True)
class Problem:
    line: int  # 1 is the header line, as a spreadsheet shows it
    column: str | None
    message: object  # a lazy string, rendered in the reader's language

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class CsvRows:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def decode_upload(raw: bytes) -> tuple[str | None, Problem | None]:
    """Text of an uploaded file (UTF-8, with or without the BOM that Excel writes)."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, Problem(1, None, _l("The file is not UTF-8 text. In your spreadsheet, "
                                         "save it as “CSV UTF-8” and try again."))


def read_rows(text: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> CsvRows:
    """Split CSV text into (line number, row) pairs, reporting shape problems.

    Column names are matched without regard to case or surrounding spaces. Missing required
    columns, blank lines and rows with too many cells are problems; values are stripped.
    """
    result = CsvRows()
    if not text.strip():
        result.problems.append(Problem(1, None, _l("The file is empty.")))
        return result
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        result.problems.append(Problem(1, None, _l("The file is not valid CSV: %(error)s",
                                                   error=str(error))))
        return result
    missing = [name for name in required if name not in header]
    if missing:
        result.problems.append(Problem(1, None, _l("Missing column(s): %(names)s. The first line "
                                                   "must name the columns.",
                                                   names=", ".join(missing))))
        return result
    known = set(required) | set(optional)
    unknown = [name for name in header if name and name not in known]
    if unknown:
        result.problems.append(Problem(1, None, _l("Unknown column(s): %(names)s.",
                                                   names=", ".join(unknown))))
        return result
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                result.problems.append(Problem(line, None, _l("This line is empty. Delete it or "
                                                              "fill it in.")))
                continue
            if len(cells) > len(header):
                result.problems.append(Problem(line, None, _l("This line has more cells than the "
                                                              "header has columns.")))
                continue
            row = {name: (cells[i].strip() if i < len(cells) else "")
                   for i, name in enumerate(header) if name}
            result.rows.append((line, row))
            if len(result.rows) > MAX_ROWS:
                result.problems.append(Problem(line, None, _l("The file has more than %(max)d "
                                                              "rows; split it.", max=MAX_ROWS)))
                break
    except csv.Error as error:
        result.problems.append(Problem(reader.line_num, None,
                                       _l("The file is not valid CSV: %(error)s",
                                          error=str(error))))
    return result


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets split a line on the separator of their locale, not on ours: LibreOffice and
# Excel in many locales use ";", others tab or "|". A cell is safe only if every field it
# could be split into is (OWASP CSV injection), so each is checked, not just the first.
# Where a field begins, whichever separator splits the line: at the start of the cell or
# right after any separator, and followed by a character that starts a formula.
_FIELD_START = re.compile(r"(?<![^,;\t|])(?=[=+\-@\t\r])")
_FIELD = re.compile(r"[^,;\t|]*")


def safe_cell(value) -> str:
    """A cell that a spreadsheet will show as text, never run as a formula, whatever separator
    it splits lines on: every field that would start with ``= + - @``, a tab or a carriage
    return gets a leading ``'`` (numbers such as ``-3.5`` stay numbers)."""
    text = "" if value is None else str(value)

    def quote(match: re.Match) -> str:
        field = _FIELD.match(text, match.start()).group()
        return "" if field and _is_number(field) else "'"

    return _FIELD_START.sub(quote, text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
