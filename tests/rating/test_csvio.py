"""CSV cells are safe in a spreadsheet whatever separator it splits lines on."""

import csv
import io
import re

import pytest

from rating.csvio import safe_cell

SEPARATORS = (",", ";", "\t", "|")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def fields_as_read(line: str, separator: str) -> list[str]:
    """The fields a spreadsheet that splits on ``separator`` makes of one written line."""
    return next(csv.reader(io.StringIO(line), delimiter=separator))


def written(cell: str) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell(cell), "next"])
    return out.getvalue().rstrip("\r\n")


@pytest.mark.parametrize("cell", [
    "Office;=cmd|' /C calc'!A0",
    "Office|=cmd|' /C calc'!A0",
    "Office\t=cmd|' /C calc'!A0",
    "Office, =1+1",  # comma: quoted by the writer, still checked
    "a;+cmd;b",
    "a;b;@SUM(A1)",
    "x|-2+3",
    "=HYPERLINK(\"x\")",
    "\t=1",
    "\r=1",
    "a;\t=1",
])
@pytest.mark.parametrize("separator", SEPARATORS)
def test_no_field_starts_a_formula_whatever_the_separator(cell, separator):
    fields = fields_as_read(written(cell), separator)
    dangerous = [f for f in fields
                 if f.startswith(FORMULA_START) and not re.fullmatch(r"-?[0-9.]+", f)]
    assert not dangerous, (cell, separator, fields)


@pytest.mark.parametrize("cell,expected", [
    ("Office;=cmd|' /C calc'!A0", "Office;'=cmd|' /C calc'!A0"),
    ("-3.5", "-3.5"),  # a number stays a number
    ("2;-1", "2;-1"),
    ("Police station, Amdanga", "Police station, Amdanga"),
    ("", ""),
    (None, ""),
    (7, "7"),
])
def test_plain_text_and_numbers_are_left_as_they_are(cell, expected):
    assert safe_cell(cell) == expected
