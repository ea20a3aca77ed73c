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
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td>'
                      r'<td>([^<]*)</td><td>(\d+)</td></tr>', table)
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
