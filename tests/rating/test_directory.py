"""The directory as staff use it: offices and officers added, found, changed, deactivated;
advocacy may look but not touch; leaders may not look."""

from datetime import date

import pytest
from sqlalchemy import func, select

from rating.directory.models import Office, Officer, Posting
from rating.extensions import db
from rating.survey.models import Rating


def office_count() -> int:
    return db.session.scalar(select(func.count(Office.id)))


def office_by_code(code: str) -> Office | None:
    db.session.expire_all()
    return db.session.scalar(select(Office).where(Office.code == code))


@pytest.fixture
def staff(login_as, directory):
    return login_as("staff")


def office_form(directory, **changes) -> dict:
    form = {"code": "WDO-GAIGHATA", "department": directory["bdo"].id,
            "place": directory["gaighata"].id, "level": "", "name_en": "Women's office, Gaighata",
            "name_bn": "নারী উন্নয়ন দপ্তর, গাইঘাটা"}
    form.update(changes)
    return form


def test_staff_add_an_office_then_find_it(browser, staff, directory):
    response = browser.post("/directory/offices/new", office_form(directory))
    assert response.status_code == 302
    office = office_by_code("WDO-GAIGHATA")
    assert office is not None and office.level == "block" and office.active

    listing = browser.get("/directory/offices").get_data(as_text=True)
    assert "WDO-GAIGHATA" in listing
    for query in ("women", "নারী উন্নয়ন", "wdo-gai"):
        page = browser.get("/directory/offices", query_string={"q": query}).get_data(as_text=True)
        assert "WDO-GAIGHATA" in page, query
    page = browser.get("/directory/offices", query_string={"q": "nothing like it"})
    assert "WDO-GAIGHATA" not in page.get_data(as_text=True)


def test_blank_names_are_filled_from_department_and_place(browser, staff, directory):
    browser.post("/directory/offices/new", office_form(directory, code="bdo-bagdah", name_en="",
                                                       name_bn="", place=directory["bagdah"].id))
    office = office_by_code("BDO-BAGDAH")
    assert office.name_en == "Block Development Officer, Bagdah"
    assert office.name_bn == "ব্লক উন্নয়ন আধিকারিক, বাগদা"


@pytest.mark.parametrize("filters, shown, hidden", [
    ({"block": "gaighata"}, ["BDO-GAIGHATA"], ["BDO-BAGDAH", "DCPO-N24P"]),
    ({"block": "bagdah"}, ["BDO-BAGDAH"], ["BDO-GAIGHATA", "DCPO-N24P"]),
    ({"district": "district"}, ["BDO-GAIGHATA", "BDO-BAGDAH", "DCPO-N24P"], []),
    ({"department": "dcpo"}, ["DCPO-N24P"], ["BDO-GAIGHATA", "BDO-BAGDAH"]),
    ({"department": "bdo", "block": "bagdah"}, ["BDO-BAGDAH"], ["BDO-GAIGHATA", "DCPO-N24P"]),
])
def test_filters_in_the_url(browser, staff, directory, make_office, filters, shown, hidden):
    make_office("BDO-GAIGHATA")
    make_office("BDO-BAGDAH", place="bagdah")
    make_office("DCPO-N24P", place="district", department="dcpo")
    query = {name: directory[key].id for name, key in filters.items()}
    response = browser.get("/directory/offices", query_string=query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for code in shown:
        assert code in page
    for code in hidden:
        assert code not in page


@pytest.mark.parametrize("code", ["BDO-GAIGHATA", "bdo-gaighata", " Bdo-Gaighata "])
def test_duplicate_office_code_is_refused(browser, staff, directory, make_office, code):
    make_office("BDO-GAIGHATA")
    response = browser.post("/directory/offices/new", office_form(directory, code=code),
                            page="/directory/offices/new")
    assert response.status_code == 400
    assert "Office code BDO-GAIGHATA is already in use." in response.get_data(as_text=True)
    assert office_count() == 1


def test_edit_an_office(browser, staff, directory, make_office):
    office = make_office("BDO-GAIGHATA")
    url = f"/directory/offices/{office.id}/edit"
    form = office_form(directory, code="BDO-GAIGHATA", name_en="BDO office, Gaighata",
                       department=directory["bdo"].id)
    response = browser.post(url, form)
    assert response.status_code == 302
    page = browser.get(f"/directory/offices/{office.id}").get_data(as_text=True)
    assert "BDO office, Gaighata" in page


def test_edit_to_another_offices_code_is_refused(browser, staff, directory, make_office):
    make_office("BDO-GAIGHATA")
    other = make_office("BDO-BAGDAH", place="bagdah")
    response = browser.post(f"/directory/offices/{other.id}/edit",
                            office_form(directory, code="bdo-gaighata"))
    assert response.status_code == 400
    assert "BDO-GAIGHATA is already in use" in response.get_data(as_text=True)
    assert office_by_code("BDO-BAGDAH") is not None


def test_deactivate_an_office_with_ratings(browser, staff, make_office, make_cycle, make_user,
                                           make_rating):
    office = make_office("BDO-GAIGHATA")
    make_rating(make_cycle(), office, make_user("leader"), score=3)
    page = f"/directory/offices/{office.id}"
    response = browser.post(f"/directory/offices/{office.id}/deactivate", page=page)
    assert response.status_code == 302
    assert "BDO-GAIGHATA" not in browser.get("/directory/offices").get_data(as_text=True)
    shown = browser.get("/directory/offices", query_string={"inactive": "y"})
    assert "BDO-GAIGHATA" in shown.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Rating.id)).where(Rating.office_id == office.id)) \
        == 1
    assert "Deactivated" in browser.get(page).get_data(as_text=True)


def test_office_with_ratings_cannot_be_deleted(browser, staff, make_office, make_cycle, make_user,
                                               make_rating):
    office = make_office("BDO-GAIGHATA")
    make_rating(make_cycle(), office, make_user("leader"))
    response = browser.post(f"/directory/offices/{office.id}/delete",
                            page=f"/directory/offices/{office.id}")
    assert response.status_code == 409
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert office_by_code("BDO-GAIGHATA") is not None


def test_office_without_ratings_can_be_deleted(browser, staff, make_office):
    office = make_office("BDO-GAIGHATA")
    response = browser.post(f"/directory/offices/{office.id}/delete",
                            page=f"/directory/offices/{office.id}")
    assert response.status_code == 302
    assert office_by_code("BDO-GAIGHATA") is None


def new_officer(browser, name="Tapas Mondal") -> Officer:
    response = browser.post("/directory/officers/new", {"name_en": name, "name_bn": "তাপস মণ্ডল"})
    assert response.status_code == 302
    return db.session.scalar(select(Officer).where(Officer.name_en == name))


def test_create_an_officer(browser, staff):
    officer = new_officer(browser)
    assert officer is not None
    assert "Tapas Mondal" in browser.get("/directory/officers").get_data(as_text=True)
    assert "Tapas Mondal" in browser.get("/directory/officers?q=tapas").get_data(as_text=True)


def test_officer_without_a_name_is_refused(browser, staff):
    response = browser.post("/directory/officers/new", {"name_en": ""})
    assert response.status_code == 400
    assert "Write the officer" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Officer.id))) == 0


def postings_of(office) -> list[Posting]:
    db.session.expire_all()
    return list(db.session.scalars(select(Posting).where(Posting.office_id == office.id)
                                   .order_by(Posting.started_on)))


def test_a_new_posting_ends_the_previous_one(browser, staff, make_office):
    office = make_office("BDO-GAIGHATA")
    first, second = new_officer(browser, "Tapas Mondal"), new_officer(browser, "Rina Das")
    response = browser.post(f"/directory/officers/{first.id}",
                            {"office": office.id, "started_on": "2025-01-01"})
    assert response.status_code == 302
    response = browser.post(f"/directory/officers/{second.id}",
                            {"office": office.id, "started_on": "2026-04-01"})
    assert response.status_code == 302
    earlier, later = postings_of(office)
    assert (earlier.officer_id, earlier.ended_on) == (first.id, date(2026, 3, 31))
    assert (later.officer_id, later.ended_on) == (second.id, None)
    page = browser.get(f"/directory/offices/{office.id}").get_data(as_text=True)
    assert "Tapas Mondal" in page and "Rina Das" in page


def test_end_a_posting(browser, staff, make_office):
    office = make_office("BDO-GAIGHATA")
    officer = new_officer(browser)
    browser.post(f"/directory/officers/{officer.id}", {"office": office.id,
                                                      "started_on": "2025-01-01"})
    (posting,) = postings_of(office)
    response = browser.post(f"/directory/postings/{posting.id}/end", {"ended_on": "2025-06-30"},
                            page=f"/directory/officers/{officer.id}")
    assert response.status_code == 302
    assert postings_of(office)[0].ended_on == date(2025, 6, 30)


def test_posting_that_ends_before_it_starts_is_refused(browser, staff, make_office):
    office = make_office("BDO-GAIGHATA")
    officer = new_officer(browser)
    response = browser.post(f"/directory/officers/{officer.id}", {
        "office": office.id, "started_on": "2025-01-01", "ended_on": "2024-12-31"})
    assert response.status_code == 400
    assert "The posting ends before it starts." in response.get_data(as_text=True)
    assert postings_of(office) == []


def test_ending_a_posting_before_it_started_is_refused(browser, staff, make_office):
    office = make_office("BDO-GAIGHATA")
    officer = new_officer(browser)
    browser.post(f"/directory/officers/{officer.id}", {"office": office.id,
                                                      "started_on": "2025-01-01"})
    (posting,) = postings_of(office)
    response = browser.post(f"/directory/postings/{posting.id}/end", {"ended_on": "2024-06-30"},
                            page=f"/directory/officers/{officer.id}")
    assert response.status_code == 400
    assert "The posting ends before it starts." in response.get_data(as_text=True)
    assert postings_of(office)[0].ended_on is None


@pytest.fixture
def filled_directory(make_office, make_cycle, make_user, make_rating):
    """One office with a rating and an officer in post, made before anyone logs in."""
    office = make_office("BDO-GAIGHATA")
    make_rating(make_cycle(), office, make_user("leader"))
    officer = Officer(name_en="Tapas Mondal")
    posting = Posting(officer=officer, office=office, started_on=date(2025, 1, 1))
    db.session.add_all([officer, posting])
    db.session.commit()
    return {"office": office, "officer": officer, "posting": posting}


def test_advocacy_reads_the_directory(browser, login_as, filled_directory):
    login_as("advocacy")
    office, officer = filled_directory["office"], filled_directory["officer"]
    for url in ("/directory/offices", f"/directory/offices/{office.id}", "/directory/officers",
                f"/directory/officers/{officer.id}"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert "BDO-GAIGHATA" in response.get_data(as_text=True) or \
            "Tapas Mondal" in response.get_data(as_text=True)


def _advocacy_posts(directory, filled):
    office, officer, posting = filled["office"], filled["officer"], filled["posting"]
    return [
        ("/directory/offices/new", office_form(directory)),
        (f"/directory/offices/{office.id}/edit", office_form(directory, code="CHANGED")),
        (f"/directory/offices/{office.id}/deactivate", {}),
        (f"/directory/offices/{office.id}/delete", {}),
        ("/directory/officers/new", {"name_en": "New Officer"}),
        (f"/directory/officers/{officer.id}/edit", {"name_en": "Changed Name"}),
        (f"/directory/officers/{officer.id}", {"office": office.id, "started_on": "2026-01-01"}),
        (f"/directory/postings/{posting.id}/end", {"ended_on": "2026-01-01"}),
        ("/directory/import", {"kind": "offices"}),
        ("/directory/import/confirm", {"kind": "offices", "content": "code\n"}),
    ]


def snapshot():
    db.session.expire_all()
    return (
        [(o.code, o.active, o.name_en) for o in db.session.scalars(select(Office))],
        [o.name_en for o in db.session.scalars(select(Officer))],
        [(p.started_on, p.ended_on) for p in db.session.scalars(select(Posting))],
    )


def test_advocacy_cannot_change_anything(browser, login_as, directory, filled_directory):
    login_as("advocacy")
    before = snapshot()
    for url, form in _advocacy_posts(directory, filled_directory):
        response = browser.post(url, form, page="/directory/offices")
        assert response.status_code == 403, url
    assert snapshot() == before


@pytest.mark.parametrize("url", ["/directory/offices", "/directory/officers",
                                 "/directory/offices/new", "/directory/import"])
def test_leaders_get_403(browser, login_as, url):
    login_as("leader")
    assert browser.get(url).status_code == 403
