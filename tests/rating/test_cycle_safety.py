"""Cycles that a slip cannot break: an early close asks first and says who is affected, a
closed cycle reopens within the grace period with a reason, an early opening warns first, and
the hourly job follows the dates only of the cycles that staff let it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rating.audit import AuditEvent
from rating.cycles import services
from rating.cycles.models import Cycle
from rating.extensions import db
from rating.timeutil import local_today, utcnow

DAY = timedelta(days=1)


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def reload(cycle: Cycle) -> Cycle:
    db.session.expire_all()
    return db.session.get(Cycle, cycle.id)


def post(browser, cycle, action, **data):
    return browser.post(f"/cycles/{cycle.id}/{action}", data, page=f"/cycles/{cycle.id}")


def test_closing_before_the_end_asks_first_and_says_who_is_affected(
        browser, staff, make_cycle, make_user, make_office, make_rating):
    today = local_today()
    cycle = make_cycle("Now", status="open", starts_on=today - 30 * DAY, ends_on=today + 9 * DAY)
    leaders = [make_user("leader", login=f"BJ-00{n}") for n in range(1, 5)]
    office, other = make_office("BDO-GAIGHATA"), make_office("BDO-BAGDAH", place="bagdah")
    make_rating(cycle, office, leaders[0])
    make_rating(cycle, other, leaders[0])
    make_rating(cycle, office, leaders[1])

    asked = post(browser, cycle, "close")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert reload(cycle).status == "open"  # nothing changed
    # 10 days with today; 9 if midnight in Kolkata passed since `today` was read
    assert "10 more days" in page or (local_today() > today and "9 more days" in page)
    assert "2 leaders have rated so far (of 4 active leaders), 3 ratings in all." in page
    assert "2 leaders have rated nothing yet." in page
    assert "cannot see ratings saved on phones" in page

    done = post(browser, cycle, "close", confirmed="yes")
    assert done.status_code == 302 and reload(cycle).status == "closed"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cycle.close"))
    assert event.details == {"before_end": True}


def test_closing_after_the_end_needs_no_confirmation(browser, staff, make_cycle):
    today = local_today()
    cycle = make_cycle("Past", status="open", starts_on=today - 30 * DAY, ends_on=today - DAY)
    assert post(browser, cycle, "close").status_code == 302
    assert reload(cycle).status == "closed"


def test_opening_before_the_start_warns_first(browser, staff, make_cycle):
    today = local_today()
    cycle = make_cycle("Next", status="draft", starts_on=today + 31 * DAY,
                       ends_on=today + 120 * DAY)
    warned = post(browser, cycle, "open")
    assert warned.status_code == 200
    assert "before its dates?" in warned.get_data(as_text=True)
    assert reload(cycle).status == "draft"
    assert post(browser, cycle, "open", confirmed="yes").status_code == 302
    assert reload(cycle).status == "open"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cycle.open"))
    assert event.details == {"before_start": True}


def test_a_cycle_that_has_started_opens_without_a_warning(browser, staff, make_cycle):
    today = local_today()
    cycle = make_cycle("Now", status="draft", starts_on=today, ends_on=today + 60 * DAY)
    assert post(browser, cycle, "open").status_code == 302
    assert reload(cycle).status == "open"


def test_reopen_within_the_grace_period_with_a_reason(browser, staff, make_cycle):
    cycle = make_cycle("Q", status="closed")
    cycle.closed_at, cycle.follows_dates = utcnow() - timedelta(days=13), True
    db.session.commit()
    page = browser.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert "Reopen the cycle" in page

    refused = post(browser, cycle, "reopen", reason="   ")
    assert refused.status_code == 422
    assert "Say why the cycle is reopened" in refused.get_data(as_text=True)
    assert reload(cycle).status == "closed"

    done = post(browser, cycle, "reopen", reason="Closed by mistake on the 1st")
    assert done.status_code == 302
    cycle = reload(cycle)
    assert cycle.status == "open" and cycle.closed_at is None
    assert not cycle.follows_dates  # the hourly job would close it again at once
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cycle.reopen"))
    assert event.details["reason"] == "Closed by mistake on the 1st"
    assert event.actor_id == staff.id


def test_reopen_is_refused_after_the_grace_period(browser, staff, make_cycle, app):
    app.config["CYCLE_REOPEN_DAYS"] = 7
    cycle = make_cycle("Q", status="closed")
    cycle.closed_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert "can no longer be reopened" in browser.get(f"/cycles/{cycle.id}").get_data(
        as_text=True)
    refused = post(browser, cycle, "reopen", reason="late")
    assert refused.status_code == 409
    assert "only within 7 days of closing" in refused.get_data(as_text=True)
    assert reload(cycle).status == "closed"


def test_reopen_is_refused_while_another_cycle_is_open(app, make_cycle):
    make_cycle("Open one", status="open")
    closed = make_cycle("Closed one", status="closed", starts_on=date(2026, 7, 1),
                        ends_on=date(2026, 9, 30))
    closed.closed_at = utcnow()
    db.session.commit()
    with pytest.raises(services.CycleError) as refused:
        services.reopen_cycle(closed, "mistake", 14)
    assert refused.value.code == "another_open"
    assert reload(closed).status == "closed"


def test_reopen_counts_the_grace_from_the_closing_time(app, make_cycle):
    cycle = make_cycle("Q", status="closed")
    closed_at = utcnow()
    cycle.closed_at = closed_at
    db.session.commit()
    with pytest.raises(services.CycleError) as refused:
        services.reopen_cycle(cycle, "mistake", 14, now=closed_at + timedelta(days=14, seconds=1))
    assert refused.value.code == "grace_over"
    services.reopen_cycle(cycle, "mistake", 14, now=closed_at + timedelta(days=14))
    assert reload(cycle).status == "open"


def test_staff_turn_following_the_dates_on_and_off(browser, staff, make_cycle):
    cycle = make_cycle("Next", status="draft", starts_on=date(2026, 10, 1),
                       ends_on=date(2026, 12, 31))
    assert post(browser, cycle, "dates", follows_dates="y").status_code == 302
    assert reload(cycle).follows_dates
    assert services.follow_cycle_dates(date(2026, 10, 1)) == {"closed": [], "opened": ["Next"]}
    assert post(browser, cycle, "dates").status_code == 302  # the box unticked
    assert not reload(cycle).follows_dates
    assert services.follow_cycle_dates(date(2027, 1, 1)) == {"closed": [], "opened": []}
    assert reload(cycle).status == "open"


def test_the_job_closes_after_the_last_day_and_opens_the_next(app, make_cycle):
    first = make_cycle("Q4", status="open", starts_on=date(2026, 10, 1),
                       ends_on=date(2026, 12, 31))
    second = make_cycle("Q1", status="draft", starts_on=date(2027, 1, 1),
                        ends_on=date(2027, 3, 31))
    first.follows_dates = second.follows_dates = True
    db.session.commit()
    assert services.follow_cycle_dates(date(2026, 12, 31)) == {"closed": [], "opened": []}
    assert services.follow_cycle_dates(date(2027, 1, 1)) == {"closed": ["Q4"], "opened": ["Q1"]}


@pytest.mark.parametrize("role", ["advocacy", "leader", "admin"])
def test_only_staff_reopen_or_change_the_dates(browser, login_as, make_cycle, role):
    cycle = make_cycle("Q", status="closed")
    cycle.closed_at = utcnow()
    db.session.commit()
    login_as(role)
    token_page = "/pin"  # a page every role may open
    assert browser.post(f"/cycles/{cycle.id}/reopen", {"reason": "x"},
                        page=token_page).status_code == 403
    assert browser.post(f"/cycles/{cycle.id}/dates", {"follows_dates": "y"},
                        page=token_page).status_code == 403
    assert reload(cycle).status == "closed"
