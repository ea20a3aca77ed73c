"""CSV import of offices and officers through the real upload form: a preview that writes
nothing, then a confirmation that writes every row or none, with problems named by line."""

import html
import io
import re

import pytest
from sqlalchemy import func, select

from rating.directory.models import Office, Officer, Posting
from rating.extensions import db

HEADER = "code,department,district,block,name_en,name_bn\n"
GOOD = HEADER + ("WDO-GAIGHATA,BDO,North 24 Parganas,Gaighata,Women's office Gaighata,\n"
                 "BDO-BAGDAH,bdo,N24P,Bagdah,,\n"
                 "DCPO-N24P,DCPO,North 24 Parganas,,,\n")



@pytest.fixture
def staff(login_as, directory):
    return login_as("staff")


def office_count() -> int:
    return db.session.scalar(select(func.count(Office.id)))


def upload(browser, content: bytes | str, kind="offices", name="offices.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return browser.post("/directory/import", {"kind": kind, "file": (io.BytesIO(content), name)})


def confirm(browser, preview_html: str):
    """Press the preview's import button: post its hidden fields back, as a browser would."""
    form = preview_html[preview_html.index('action="/directory/import/confirm"'):]
    fields = dict(re.findall(r'<input[^>]*?name="([a-z_]+)"[^>]*?value="([^"]*)"', form))
    assert {"csrf_token", "kind", "content"} <= set(fields), fields
    data = {name: html.unescape(value) for name, value in fields.items()}
    return browser.client.post("/directory/import/confirm", data=data)


def problem_rows(page: str) -> list[str]:
    """The problem table's rows as plain text ("3 | block | Unknown block ...")."""
    table = page[page.index('class="list problems"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table, re.S)
    return [" | ".join(html.unescape(cell).strip() for cell in row) for row in rows]


def test_a_good_file_previews_then_imports(browser, staff):
    preview = upload(browser, GOOD)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "3 rows are ready to import." in page
    assert "WDO-GAIGHATA" in page and "BDO-BAGDAH" in page
    assert office_count() == 0

    response = confirm(browser, page)
    assert response.status_code == 302
    assert office_count() == 3
    listing = browser.get("/directory/offices").get_data(as_text=True)
    assert "Imported 3 rows." in listing
    for code in ("WDO-GAIGHATA", "BDO-BAGDAH", "DCPO-N24P"):
        assert code in listing
    dcpo = db.session.scalar(select(Office).where(Office.code == "DCPO-N24P"))
    assert dcpo.place.kind == "district" and dcpo.level == "district"


BAD_FILES = {
    "unknown block": (HEADER + "WDO-GAIGHATA,BDO,N24P,Gaighata,,\nBDO-X,BDO,N24P,Atlantis,,\n",
                      3, "block"),
    "unknown district": (HEADER + "BDO-X,BDO,Mordor,Gaighata,,\n", 2, "district"),
    "unknown department": (HEADER + "XYZ-GAIGHATA,XYZ,N24P,Gaighata,,\n", 2, "department"),
    "missing column": ("code,department,district\nBDO-X,BDO,N24P\n", 1, "block"),
    "blank line in the middle": (HEADER + "WDO-GAIGHATA,BDO,N24P,Gaighata,,\n\n"
                                 "BDO-BAGDAH,BDO,N24P,Bagdah,,\n", 3, None),
    "code used twice in the file": (HEADER + "BDO-X,BDO,N24P,Gaighata,,\n"
                                    "bdo-x,BDO,N24P,Bagdah,,\n", 3, "code"),
    "code already in the database": (HEADER + "BDO-GAIGHATA,BDO,N24P,Gaighata,,\n", 2, "code"),
    "not UTF-8": ("code,department,district,block,name_bn\nBDO-X,BDO,N24P,Gaighata,গাইঘাটা\n"
                  .encode("utf-16"), 1, None),
    "empty file": (b"", 1, None),
    "header only": (HEADER, 2, None),
    "bad level": ("code,department,district,block,level\nBDO-X,BDO,N24P,Gaighata,galactic\n",
                  2, "level"),
}


@pytest.mark.parametrize("content, line, column", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_whole(browser, staff, make_office, content, line, column):
    make_office("BDO-GAIGHATA")
    response = upload(browser, content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    rows = problem_rows(page)
    assert any(row.startswith(f"{line} |") and (column is None or column in row)
               for row in rows), rows
    assert office_count() == 1


def test_one_bad_line_names_only_that_line(browser, staff):
    content = HEADER + ("WDO-GAIGHATA,BDO,N24P,Gaighata,,\n"
                        "BDO-BAGDAH,BDO,N24P,Bagdah,,\n"
                        "BWO-X,BDO,N24P,Atlantis,,\n"
                        "BDO-Y,BDO,N24P,Gaighata,,\n")
    rows = problem_rows(upload(browser, content).get_data(as_text=True))
    assert len(rows) == 1 and rows[0].startswith("4 | block | Unknown block or municipality")
    assert "Atlantis" in rows[0]


def test_the_issue_scenario_fix_the_line_then_import(browser, staff):
    """From the issue: a CSV with one bad line imports nothing and names the line; fixed, it
    imports."""
    bad = HEADER + ("WDO-GAIGHATA,BDO,N24P,Gaighata,,\n"
                    "BDO-BAGDAH,BDO,N24P,Bagdha,,\n")
    response = upload(browser, bad)
    assert response.status_code == 422
    assert problem_rows(response.get_data(as_text=True))[0].startswith("3 | block")
    assert office_count() == 0

    preview = upload(browser, bad.replace("Bagdha", "Bagdah"))
    assert preview.status_code == 200
    assert confirm(browser, preview.get_data(as_text=True)).status_code == 302
    assert office_count() == 2


def test_confirm_checks_the_file_again(browser, staff, make_office):
    """Between the preview and the confirmation, someone else adds one of the offices."""
    preview = upload(browser, GOOD)
    assert preview.status_code == 200
    make_office("BDO-BAGDAH", place="bagdah")
    response = confirm(browser, preview.get_data(as_text=True))
    assert response.status_code == 422
    assert any(row.startswith("3 | code") for row in problem_rows(response.get_data(as_text=True)))
    assert office_count() == 1


def test_bengali_names_and_a_bengali_block_import_and_display(browser, staff):
    content = ("code,department,district,block,name_en,name_bn\n"
               "WDO-GAIGHATA,BDO,উত্তর ২৪ পরগনা,গাইঘাটা,,নারী উন্নয়ন আধিকারিক, গাইঘাটা\n")
    # A Bengali name with a comma must be quoted, as a spreadsheet writes it.
    content = content.replace("নারী উন্নয়ন আধিকারিক, গাইঘাটা", '"নারী উন্নয়ন আধিকারিক, গাইঘাটা"')
    preview = upload(browser, "\ufeff" + content)  # with the BOM Excel writes
    assert preview.status_code == 200, problem_rows(preview.get_data(as_text=True))
    assert "নারী উন্নয়ন আধিকারিক, গাইঘাটা" in preview.get_data(as_text=True)
    assert confirm(browser, preview.get_data(as_text=True)).status_code == 302
    office = db.session.scalar(select(Office).where(Office.code == "WDO-GAIGHATA"))
    assert office.name_bn == "নারী উন্নয়ন আধিকারিক, গাইঘাটা"
    assert office.place.name_en == "Gaighata"
    assert office.name_en == "Block Development Officer, Gaighata"
    page = browser.get(f"/directory/offices/{office.id}").get_data(as_text=True)
    assert "নারী উন্নয়ন আধিকারিক, গাইঘাটা" in page


OFFICERS = "name_en,office_code,started_on,ended_on\n"


def test_officers_import(browser, staff, make_office):
    make_office("BDO-GAIGHATA")
    content = OFFICERS + ("Tapas Mondal,BDO-GAIGHATA,2024-04-01,\n"
                          "Rina Das,bdo-gaighata,২০২৫-০৬-০১,\n")
    preview = upload(browser, content, kind="officers", name="officers.csv")
    assert preview.status_code == 200
    assert confirm(browser, preview.get_data(as_text=True)).status_code == 302
    postings = {p.officer.name_en: p.ended_on for p in db.session.scalars(select(Posting))}
    assert str(postings["Tapas Mondal"]) == "2025-05-31" and postings["Rina Das"] is None


@pytest.mark.parametrize("row, column", [
    ("Tapas Mondal,BDO-GAIGHATA,01/04/2024,", "started_on"),
    ("Tapas Mondal,BDO-GAIGHATA,2024-02-30,", "started_on"),
    ("Tapas Mondal,BDO-GAIGHATA,2024-04-01,soon", "ended_on"),
    ("Tapas Mondal,BDO-GAIGHATA,2024-04-01,2024-03-01", "ended_on"),
    ("Tapas Mondal,BDO-NOWHERE,2024-04-01,", "office_code"),
])
def test_officers_file_with_a_bad_line(browser, staff, make_office, row, column):
    make_office("BDO-GAIGHATA")
    content = OFFICERS + "Rina Das,BDO-GAIGHATA,2023-01-01,\n" + row + "\n"
    response = upload(browser, content, kind="officers", name="officers.csv")
    assert response.status_code == 422
    rows = problem_rows(response.get_data(as_text=True))
    assert len(rows) == 1 and rows[0].startswith(f"3 | {column} |"), rows
    assert db.session.scalar(select(func.count(Officer.id))) == 0


def test_upload_without_a_file_is_refused(browser, staff):
    response = browser.post("/directory/import", {"kind": "offices"})
    assert response.status_code == 400
    assert "Choose a CSV file." in response.get_data(as_text=True)
