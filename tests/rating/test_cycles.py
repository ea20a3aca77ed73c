"""Rating cycles as staff run them: draft, open (one at a time), closed; participation as
counts only."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from rating.cycles.models import Cycle
from rating.extensions import db
from rating.timeutil import local_today


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def cycle_named(name: str) -> Cycle | None:
    db.session.expire_all()
    return db.session.scalar(select(Cycle).where(Cycle.name == name))


def create(browser, name="2027 Q1", starts_on="2027-01-01", ends_on="2027-03-31"):
    return browser.post("/cycles/", {"name": name, "starts_on": starts_on, "ends_on": ends_on})


def change(browser, cycle: Cycle, action: str):
    return browser.post(f"/cycles/{cycle.id}/{action}", page=f"/cycles/{cycle.id}")


def test_create_open_close(browser, staff):
    # A cycle that has started and ended by today: no warning on opening, none on closing
    # (tests/rating/test_cycle_safety.py has the warnings).
    today = local_today()
    starts_on, ends_on = today - timedelta(days=20), today - timedelta(days=1)
    response = create(browser, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    assert response.status_code == 302
    cycle = cycle_named("2027 Q1")
    assert cycle.status == "draft" and not cycle.follows_dates  # the box was not ticked
    assert (cycle.starts_on, cycle.ends_on) == (starts_on, ends_on)
    assert "2027 Q1" in browser.get("/cycles/").get_data(as_text=True)

    assert change(browser, cycle, "open").status_code == 302
    cycle = cycle_named("2027 Q1")
    assert cycle.status == "open" and cycle.opened_at is not None
    assert "Cycle opened" in browser.get(f"/cycles/{cycle.id}").get_data(as_text=True)

    assert change(browser, cycle, "close").status_code == 302
    cycle = cycle_named("2027 Q1")
    assert cycle.status == "closed" and cycle.closed_at is not None


def test_a_second_open_cycle_is_refused(browser, staff, make_cycle):
    make_cycle("2026 Q4", status="open")
    draft = make_cycle("2027 Q1", status="draft", starts_on=date(2027, 1, 1),
                       ends_on=date(2027, 3, 31))
    response = change(browser, draft, "open")
    assert response.status_code == 409
    assert "Another cycle is open. Close it before opening this one." in \
        response.get_data(as_text=True)
    assert cycle_named("2027 Q1").status == "draft"


@pytest.mark.parametrize("status, action, message", [
    ("draft", "close", "Only an open cycle can be closed."),
    ("closed", "close", "Only an open cycle can be closed."),
    ("closed", "open", "Only a draft cycle can be opened."),
    ("open", "open", "Only a draft cycle can be opened."),
])
def test_status_changes_that_the_rules_forbid(browser, staff, make_cycle, status, action,
                                              message):
    cycle = make_cycle("2026 Q4", status=status)
    response = change(browser, cycle, action)
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert cycle_named("2026 Q4").status == status


@pytest.mark.parametrize("form, message", [
    ({"name": "2026 q4"}, "A cycle with that name already exists."),
    ({"starts_on": "2027-03-31", "ends_on": "2027-01-01"},
     "The end date is before the start date."),
    ({"name": ""}, "Give the cycle a name."),
    ({"starts_on": "someday"}, "Choose a start date."),
])
def test_a_bad_cycle_is_refused(browser, staff, make_cycle, form, message):
    make_cycle("2026 Q4", status="closed")
    response = create(browser, **form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Cycle.id))) == 1


def test_participation_shows_counts_and_no_leader(browser, login_as, make_user, make_cycle,
                                                  make_office, make_collective, make_rating):
    cycle = make_cycle()
    make_collective("UT", "Utthan", "উত্থান")
    bijoyini = [make_user("leader", login=f"BJ-00{n}", display_name=f"Bijoyini leader {n}")
                for n in range(1, 5)]
    utthan = [make_user("leader", login="UT-001", collective_code="UT",
                        display_name="Utthan leader 1")]
    first, second = make_office("BDO-GAIGHATA"), make_office("BDO-BAGDAH", place="bagdah")
    make_rating(cycle, first, bijoyini[0])
    make_rating(cycle, second, bijoyini[0])
    make_rating(cycle, first, bijoyini[1])
    other = make_cycle("2026 Q3", status="closed", starts_on=date(2026, 7, 1),
                       ends_on=date(2026, 9, 30))
    make_rating(other, first, bijoyini[2])  # another cycle: not counted here
    login_as("staff")

    def participation(shown):
        page = browser.get(f"/cycles/{shown.id}").get_data(as_text=True)
        for leader in bijoyini + utthan:
            assert leader.login not in page
            assert leader.display_name not in page
        return {name: counts for name, *counts in re.findall(
            r"<tr><td>(\w+)</td><td>(\d+)</td><td>([\d-]+)</td><td>([\d-]+)</td></tr>", page)}

    # open: in bands, so that one more rating does not show who just rated
    assert participation(cycle) == {"Bijoyini": ["4", "0-9", "0-9"], "Utthan": ["1", "0-9", "0-9"]}
    assert participation(other) == {"Bijoyini": ["4", "1", "1"], "Utthan": ["1", "0", "0"]}


def test_the_database_allows_one_open_cycle(app, make_cycle):
    make_cycle("2026 Q4", status="open")
    db.session.add(Cycle(name="2027 Q1", status="open", starts_on=date(2027, 1, 1),
                         ends_on=date(2027, 3, 31)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Any number of closed and draft cycles is fine.
    for n, status in enumerate(["closed", "closed", "draft", "draft"]):
        db.session.add(Cycle(name=f"old {n}", status=status, starts_on=date(2020, 1, 1),
                             ends_on=date(2020, 3, 31)))
    db.session.commit()


def test_advocacy_sees_cycles_but_cannot_change_them(browser, login_as, make_cycle):
    cycle = make_cycle("2026 Q4", status="draft")
    login_as("advocacy")
    index = browser.get("/cycles/")
    assert index.status_code == 200 and "2026 Q4" in index.get_data(as_text=True)
    assert "Create as draft" not in index.get_data(as_text=True)
    assert browser.get(f"/cycles/{cycle.id}").status_code == 200
    assert create(browser).status_code == 403
    assert change(browser, cycle, "open").status_code == 403
    assert cycle_named("2026 Q4").status == "draft"
    assert db.session.scalar(select(func.count(Cycle.id))) == 1


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_leaders_and_admins_do_not_run_cycles(browser, login_as, role):
    login_as(role)
    assert browser.get("/cycles/").status_code == 403
