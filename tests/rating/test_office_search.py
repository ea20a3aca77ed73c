"""Office search on the staff overview: partial words, either language, any order; one match
goes straight to the office's page."""

import pytest

from rating.dashboard.search import find_offices
from rating.extensions import db


@pytest.fixture
def offices(make_office):
    amdanga = make_office("BDO-AMDANGA")
    amdanga.name_en, amdanga.name_bn = "BDO, Amdanga", "বিডিও, আমডাঙা"
    deganga = make_office("BDO-DEGANGA", place="bagdah")
    deganga.name_en, deganga.name_bn = "BDO, Deganga", "বিডিও, দেগঙ্গা"
    dcpo = make_office("DCPO-N24P", department="dcpo", place="district")
    dcpo.name_en, dcpo.name_bn = "DCPO, North 24 Parganas", "ডিসিপিও, উত্তর ২৪ পরগনা"
    db.session.commit()
    return {"amdanga": amdanga, "deganga": deganga, "dcpo": dcpo}


@pytest.mark.parametrize("query, found", [
    ("amdan", ["amdanga"]),
    ("bdo", ["amdanga", "deganga"]),
    ("DEGAN bdo", ["deganga"]),  # any order, any case
    ("আমডা", ["amdanga"]),  # Bengali, in part
    ("বিডিও দেগ", ["deganga"]),
    ("bagdah", ["deganga"]),  # its place
    ("child protection", ["dcpo"]),  # its department
    ("২৪", ["dcpo"]),  # Bengali digits
    ("amdanga deganga", []),  # every word must match
    ("100%", []),  # a % is a character, not a wildcard
    ("   ", []),
])
def test_partial_words_in_either_language(offices, query, found):
    assert [o.id for o in find_offices(query)] == [offices[name].id for name in found]


def test_one_match_goes_to_the_office_page(browser, login_as, offices):
    login_as("staff")
    response = browser.get("/dashboard/search?q=amdan")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/dashboard/offices/{offices['amdanga'].id}")


def test_several_matches_are_listed(browser, login_as, offices):
    login_as("advocacy")
    page = browser.get("/dashboard/search?q=bdo").get_data(as_text=True)
    assert "2 offices found" in page
    assert "BDO, Amdanga" in page and "BDO, Deganga" in page and "DCPO" not in page
    nothing = browser.get("/dashboard/search?q=zzz").get_data(as_text=True)
    assert "No office has every one of these words." in nothing


def test_the_overview_has_the_search_box(browser, login_as):
    login_as("staff")
    page = browser.get("/dashboard/").get_data(as_text=True)
    assert 'action="/dashboard/search"' in page and 'name="q"' in page


def test_an_over_long_search_is_refused_with_its_message(browser, login_as):
    login_as("staff")
    response = browser.get("/dashboard/search?q=" + "a" * 101)
    assert response.status_code == 400
    assert "100" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_only_staff_and_advocacy_search(browser, login_as, role):
    login_as(role)
    assert browser.get("/dashboard/search?q=bdo").status_code == 403
