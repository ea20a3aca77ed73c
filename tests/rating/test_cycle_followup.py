"""Who still has to rate: each leader's number of offices rated (never a score), those who
rated nothing, the printable call list, and participation over cycles."""

import re
from datetime import date

import pytest

from rating.cycles import followup
from rating.extensions import db


@pytest.fixture
def rated(make_cycle, make_user, make_office, make_rating, make_collective, directory):
    """Four leaders: one rated two offices (scores 9 and 2), one rated one, two nothing."""
    cycle = make_cycle()
    make_collective("UT", "Utthan", "উত্থান")
    leaders = [make_user("leader", login=f"BJ-00{n}", display_name=f"Leader {n}")
               for n in range(1, 4)]
    leaders.append(make_user("leader", login="UT-001", collective_code="UT",
                             display_name="Leader 4"))
    leaders[0].home_place = directory["gaighata"]
    leaders[3].home_place = directory["bagdah"]
    db.session.commit()
    office, other = make_office("BDO-GAIGHATA"), make_office("BDO-BAGDAH", place="bagdah")
    make_rating(cycle, office, leaders[0], score=9)
    make_rating(cycle, other, leaders[0], score=2)
    make_rating(cycle, office, leaders[1], score=7)
    return cycle, leaders


def test_each_leader_with_her_offices_rated_and_no_score(browser, login_as, rated):
    cycle, leaders = rated
    login_as("staff")
    page = browser.get(f"/cycles/{cycle.id}/leaders").get_data(as_text=True)
    table = page[page.index('id="leader-progress"'):]
    # each cell carries its column's name, which a phone shows before the value
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td data-label="Member code">([^<]+)'
                      r'</td><td data-label="Collective">([^<]+)</td><td data-label="Home block">'
                      r'([^<]*)</td><td data-label="Offices rated so far">(\d+)</td></tr>', table)
    assert rows == [("Leader 1", "BJ-001", "Bijoyini", "Gaighata", "2"),
                    ("Leader 2", "BJ-002", "Bijoyini", "", "1"),
                    ("Leader 3", "BJ-003", "Bijoyini", "", "0"),
                    ("Leader 4", "UT-001", "Utthan", "Bagdah", "0")]
    assert "2 leaders have rated nothing" in page
    nothing = page[page.index('id="without-rating"'):page.index("</ul>", page.index(
        'id="without-rating"'))]
    assert "BJ-003" in nothing and "UT-001" in nothing and "BJ-001" not in nothing
    for office in ("BDO-GAIGHATA", "BDO-BAGDAH"):  # never which offices ...
        assert office not in page
    assert ">9<" not in page and ">7<" not in page  # ... nor any score given


def test_the_call_list_prints_those_who_rated_nothing(browser, login_as, rated):
    cycle, _leaders = rated
    login_as("staff")
    page = browser.get(f"/cycles/{cycle.id}/call-list").get_data(as_text=True)
    assert re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td>', page) == [
        ("Leader 3", "BJ-003"), ("Leader 4", "UT-001")]
    assert 'href="/static/css/print.css' in page and 'media="print"' in page
    assert "2 leaders to call." in page


def test_participation_over_cycles_bands_the_open_cycle(browser, login_as, rated, make_cycle,
                                                        make_rating, make_office):
    cycle, leaders = rated
    closed = make_cycle("2026 Q3", status="closed", starts_on=date(2026, 7, 1),
                        ends_on=date(2026, 9, 30))
    office = make_office("BDO-DEGANGA")
    for leader in leaders[:3]:
        make_rating(closed, office, leader)
    turnout = followup.count_participation_over_cycles()
    assert [(row.cycle.name, row.raters, row.leaders, row.share) for row in turnout] == [
        ("2026 Q3", 3, 4, 0.75), ("2026 Q4", "0-9", 4, None)]
    login_as("staff")
    page = browser.get("/cycles/participation").get_data(as_text=True)
    assert "75%" in page and 'id="participation-chart"' in page
    assert re.search(r"2026 Q4</a></th><td>open</td><td>0-9</td>", page)


@pytest.mark.parametrize("role", ["advocacy", "leader", "admin"])
def test_only_staff_see_who_still_has_to_rate(browser, login_as, rated, role):
    cycle, _leaders = rated
    login_as(role)
    for url in (f"/cycles/{cycle.id}/leaders", f"/cycles/{cycle.id}/call-list",
                "/cycles/participation"):
        assert browser.get(url).status_code == 403


# ---- found by a search, read page by page (128 leaders were 24,000 px on a phone) ---------

LISTED = re.compile(r'<tr><th scope="row">([^<]+)</th><td data-label="Member code">([^<]+)')


def _without(page: str) -> list[str]:
    if 'id="without-rating"' not in page:
        return []
    start = page.index('id="without-rating"')
    return re.findall(r"\((BJ-\d+|UT-\d+)\)", page[start:page.index("</ul>", start)])


def test_a_search_finds_leaders_in_both_lists_in_either_language(browser, login_as, rated):
    cycle, _leaders = rated
    login_as("staff")
    url = f"/cycles/{cycle.id}/leaders"
    page = browser.get(f"{url}?q=bagdah").get_data(as_text=True)
    assert [code for _, code in LISTED.findall(page)] == ["UT-001"] and _without(page) == [
        "UT-001"]
    assert "1 of 4 leaders has every word of the search." in page
    page = browser.get(f"{url}?q=বাগদা").get_data(as_text=True)  # the block in Bengali
    assert [code for _, code in LISTED.findall(page)] == ["UT-001"]
    page = browser.get(f"{url}?q=bijoy+00").get_data(as_text=True)  # every word, in part
    assert [code for _, code in LISTED.findall(page)] == ["BJ-001", "BJ-002", "BJ-003"]
    assert _without(page) == ["BJ-003"]
    page = browser.get(f"{url}?q=gaighata").get_data(as_text=True)
    assert _without(page) == [] and "None of the leaders found has rated nothing." in page
    page = browser.get(f"{url}?q=nobody").get_data(as_text=True)
    assert LISTED.findall(page) == [] and "None of the leaders found." in page


def test_an_over_long_search_is_refused_in_her_language(browser, login_as, rated):
    cycle, _leaders = rated
    login_as("staff", language="bn")
    response = browser.get(f"/cycles/{cycle.id}/leaders?q={'ক' * 101}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="leader-search-error" role="alert">([^<]+)</p>',
                      page).group(1)
    assert re.search("[\u0980-\u09ff]", error), error  # in Bengali
    assert page.count("<tr><th scope=\"row\">") == 4  # the lists as without a search


def test_the_lists_come_in_pages_of_25_keeping_the_search(browser, login_as, rated, make_user):
    cycle, _leaders = rated
    for n in range(10, 40):
        make_user("leader", login=f"BJ-{n:03d}", display_name=f"Leader {n}")
    login_as("staff")
    url = f"/cycles/{cycle.id}/leaders"
    first = browser.get(url).get_data(as_text=True)
    codes = [code for _, code in LISTED.findall(first)]
    assert len(codes) == 25 and "Leaders 1–25 of 34" in first and "Page 1 of 2" in first
    assert len(_without(first)) == 25  # 32 rated nothing: 25, then 7
    second = browser.get(f"{url}?page=2").get_data(as_text=True)
    rest = [code for _, code in LISTED.findall(second)]
    assert len(rest) == 9 and not set(rest) & set(codes) and "Leaders 26–34 of 34" in second
    assert _without(second) == _without(first)  # the other list keeps its own page
    later = browser.get(f"{url}?without_page=2").get_data(as_text=True)
    assert len(_without(later)) == 7 and not set(_without(later)) & set(_without(first))
    assert f'href="{url}?without_page=2&amp;page=2"' in later  # each list's page kept
    found = browser.get(f"{url}?q=bj-0&page=2").get_data(as_text=True)
    assert f'href="{url}?q=bj-0&amp;page=1"' in found and "Leaders 26–33 of 33" in found
    assert "Page 2 of 2" in browser.get(f"{url}?page=99").get_data(as_text=True)


def test_a_call_list_for_one_block(browser, login_as, rated):
    cycle, _leaders = rated
    login_as("staff")
    url = f"/cycles/{cycle.id}/call-list"
    calls = re.compile(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td>')
    page = browser.get(f"{url}?q=bagdah").get_data(as_text=True)
    assert calls.findall(page) == [("Leader 4", "UT-001")] and "1 leader to call." in page
    assert "Only the leaders matching “bagdah”." in page
    page = browser.get(f"{url}?q=gaighata").get_data(as_text=True)
    assert calls.findall(page) == [] and "None of the leaders found has rated nothing." in page
    assert browser.get(f"{url}?q={'x' * 101}").status_code == 400
    assert len(calls.findall(browser.get(url).get_data(as_text=True))) == 2
