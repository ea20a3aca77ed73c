"""Cycles in Debian's Chromium, as staff click through them: an early close asks first and
"no" changes nothing, "yes" closes; the closed cycle reopens with a reason; an early opening
warns; the call list prints (as a PDF, photographed for a person to look at). The console
stays clean: no CSP violation on any of these pages."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rating.cycles.models import Cycle
from rating.extensions import db
from rating.timeutil import local_today
from tests.browser.conftest import WAIT_MS
from tests.conftest import TEST_PASSWORDS

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/cycles-shots")


@pytest.fixture
def staff_in_chromium(chromium, live_server, make_user):
    """A phone-sized page (360 px) logged in as staff, console errors collected."""
    playwright, browser = chromium
    make_user("staff", login="staff", language="en")
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-IN")
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(
        (urlsplit(page.url).path, message.text)))
    page.on("pageerror", lambda error: errors.append((urlsplit(page.url).path, str(error))))
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", TEST_PASSWORDS["staff"])
    page.click("button.primary")
    page.wait_for_load_state("load")
    page.console_errors = errors
    SHOTS.mkdir(exist_ok=True)
    yield page
    context.close()


def status_of(cycle_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Cycle, cycle_id).status


@pytest.fixture
def leaders_and_ratings(make_user, make_office, make_rating, directory):
    leaders = [make_user("leader", login=f"BJ-00{n}", display_name=f"Leader {n}")
               for n in range(1, 5)]
    leaders[2].home_place = directory["gaighata"]
    db.session.commit()
    offices = [make_office("BDO-GAIGHATA"), make_office("BDO-BAGDAH", place="bagdah")]
    return leaders, offices, make_rating


def test_close_early_asks_first_then_reopen_with_a_reason(staff_in_chromium, live_server,
                                                          make_cycle, leaders_and_ratings):
    page, today = staff_in_chromium, local_today()
    leaders, offices, make_rating = leaders_and_ratings
    cycle = make_cycle("Now", status="open", starts_on=today - timedelta(days=60),
                       ends_on=today + timedelta(days=9))
    make_rating(cycle, offices[0], leaders[0])
    make_rating(cycle, offices[1], leaders[0])
    make_rating(cycle, offices[0], leaders[1])

    page.goto(f"{live_server}/cycles/{cycle.id}")
    page.click("text=Close the cycle")
    page.wait_for_selector("#close-warning")
    impact = page.inner_text("#close-impact")
    assert "2 leaders have rated so far" in impact and "3 ratings" in impact
    assert "2 leaders have rated nothing yet." in impact
    warning = page.inner_text("#close-warning")  # 9 if midnight in Kolkata passed meanwhile
    assert "10 more days" in warning or (local_today() > today and "9 more days" in warning)
    page.screenshot(path=str(SHOTS / "close-warning-360.png"), full_page=True)
    page.click("text=No, keep it open")
    page.wait_for_load_state("load")
    assert status_of(cycle.id) == "open"

    page.click("text=Close the cycle")
    page.click("text=Yes, close it now")
    page.wait_for_selector("text=Cycle closed: its ratings can no longer change.")
    assert status_of(cycle.id) == "closed"

    page.click("#reopen-heading ~ form button")  # no reason: refused, nothing changes
    page.wait_for_selector("text=Say why the cycle is reopened")
    assert status_of(cycle.id) == "closed"
    page.fill("textarea[name=reason]", "Closed by mistake: nine days were left")
    page.click("#reopen-heading ~ form button")
    page.wait_for_selector("text=Cycle reopened")
    assert status_of(cycle.id) == "open"
    page.screenshot(path=str(SHOTS / "reopened-360.png"), full_page=True)
    # the one refusal (no reason) is a 422, which Chromium logs; nothing else, no CSP error
    assert page.console_errors == [(f"/cycles/{cycle.id}/reopen", "Failed to load resource: "
                                    "the server responded with a status of 422 "
                                    "(UNPROCESSABLE ENTITY)")]


def test_opening_before_the_start_warns(staff_in_chromium, live_server, make_cycle):
    page, today = staff_in_chromium, local_today()
    cycle = make_cycle("Next", status="draft", starts_on=today + timedelta(days=31),
                       ends_on=today + timedelta(days=120))
    page.goto(f"{live_server}/cycles/{cycle.id}")
    page.click("text=Open for rating")
    page.wait_for_selector("#open-warning")
    assert "This cycle starts on" in page.inner_text("#open-warning")
    page.click("text=No, keep it a draft")
    page.wait_for_load_state("load")
    assert status_of(cycle.id) == "draft"
    page.click("text=Open for rating")
    page.click("text=Yes, open it now")
    page.wait_for_selector("text=Cycle opened: leaders can rate now.")
    assert status_of(cycle.id) == "open"
    assert page.console_errors == []


def test_the_call_list_prints_who_rated_nothing(staff_in_chromium, live_server, make_cycle,
                                                leaders_and_ratings):
    page, today = staff_in_chromium, local_today()
    leaders, offices, make_rating = leaders_and_ratings
    cycle = make_cycle("Now", status="open", starts_on=today - timedelta(days=10),
                       ends_on=today + timedelta(days=30))
    make_rating(cycle, offices[0], leaders[0])
    page.goto(f"{live_server}/cycles/{cycle.id}/leaders")
    page.click("text=Printable call list")
    page.wait_for_selector("#call-list")
    names = page.eval_on_selector_all("#call-list tbody th", "cells => cells.map(c => c.textContent)")
    assert names == ["Leader 3", "Leader 2", "Leader 4"]  # her home block first, then none
    page.emulate_media(media="print")
    assert not page.is_visible("header.top")  # the print stylesheet hides the menu
    page.pdf(path=str(SHOTS / "call-list.pdf"), format="A4")
    assert (SHOTS / "call-list.pdf").stat().st_size > 1000
    page.emulate_media(media="screen")
    page.screenshot(path=str(SHOTS / "call-list-360.png"), full_page=True)
    page.goto(f"{live_server}/cycles/participation")
    page.wait_for_selector("#participation-chart")
    page.screenshot(path=str(SHOTS / "participation-360.png"), full_page=True)
    assert page.console_errors == []
