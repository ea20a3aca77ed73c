"""A phone shared by several leaders: what one leaves queued is unreadable by the next once her
session has ended there, the quick exit leaves nothing on the screen or in the history, and a
refused rating is shown once, with its reason, then leaves the phone."""

import pytest
from sqlalchemy import select

from rating.auth.models import User
from rating.cycles.models import Cycle, Rating
from rating.extensions import db
from tests.browser.leader_pages import log_in, wait_for_worker

pytestmark = pytest.mark.browser

NEUTRAL = "https://www.google.com/"
# Everything the outbox's database holds, as text: ciphertext (ArrayBuffers) shows as {}.
OUTBOX_TEXT = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("duty-bearer-ratings");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  if (!db.objectStoreNames.contains("outbox")) return "";
  const rows = await new Promise((resolve) => {
    const request = db.transaction("outbox").objectStore("outbox").getAll();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return JSON.stringify(rows);
}"""
COUNT_OUTBOX = """async () => {
  const db = await new Promise((resolve) => {
    const request = indexedDB.open("duty-bearer-ratings");
    request.onsuccess = () => resolve(request.result);
  });
  const count = await new Promise((resolve) => {
    const request = db.transaction("outbox").objectStore("outbox").count();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return count;
}"""


@pytest.fixture
def network(app, make_user, make_cycle, make_office):
    leader = make_user("leader", login="BJ-001", display_name="Rupa Mondal")
    cycle = make_cycle()
    offices = [make_office(), make_office(code="BDO-BAGDAH", place="bagdah")]
    return {"leader": leader, "cycle": cycle, "offices": offices}


def queue_offline(context, page, base, office, score=2):
    """Rate an office without network: the rating waits on the phone, shown as waiting."""
    context.set_offline(True)
    page.goto(f"{base}/leader/rate/{office.id}")
    page.wait_for_selector("#shell-rate:not([hidden])")
    page.click(f"label[for=score-{score}]")
    page.check("input[name=purpose][value=housing]")
    page.fill("textarea[name=comment]", "the clerk asked for money")
    page.click("#rating-form button[type=submit]")
    page.wait_for_selector("#saved-on-phone")
    page.wait_for_selector("#queue li")
    assert "the clerk asked for money" not in page.evaluate(OUTBOX_TEXT)


def office_name(office, page) -> str:
    return office.name_bn if page.evaluate("document.documentElement.lang") == "bn" \
        else office.name_en


def expire_outbox_key(context):
    """Her session's end, as the cookie carries it, moved into the past (as 10 hours later)."""
    cookie = next(c for c in context.cookies() if c["name"] == "outbox_key")
    tag, key, _end = cookie["value"].split(".")
    context.add_cookies([{**cookie, "value": f"{tag}.{key}.1"}])


@pytest.mark.parametrize("session_end", ["browser closed", "session over"])
def test_the_next_person_offline_sees_nothing_of_what_waits(live_server, phone, network,
                                                           session_end):
    office = network["offices"][1]
    context = phone()
    page = context.new_page()
    log_in(page, live_server)
    wait_for_worker(page)
    queue_offline(context, page, live_server, office)
    name = office_name(office, page)
    assert name in page.inner_text("#queue")
    page.close()
    # Her session ends on this phone without the logout button.
    if session_end == "browser closed":  # no "keep me logged in": session cookies go
        context.clear_cookies()
    else:
        expire_outbox_key(context)

    # The next person opens the app, still offline.
    page = context.new_page()
    page.goto(f"{live_server}/leader/")
    page.wait_for_selector("#shell")
    page.wait_for_load_state("networkidle")
    assert page.locator("#queue li").count() == 0  # (the office list shows every office)
    assert "the clerk asked for money" not in page.content()
    stored = page.evaluate(OUTBOX_TEXT)
    assert page.evaluate(COUNT_OUTBOX) == 1  # still there, for her next login ...
    for clear in (name, office.name_en, office.code, "the clerk asked for money", '"score"'):
        assert clear not in stored, clear  # ... but sealed


def test_after_her_next_login_what_waited_is_sent(live_server, phone, network, app):
    office = network["offices"][1]
    context = phone()
    page = context.new_page()
    log_in(page, live_server)
    wait_for_worker(page)
    queue_offline(context, page, live_server, office, score=3)
    page.close()
    context.set_offline(False)
    context.clear_cookies()
    page = context.new_page()
    log_in(page, live_server)
    page.wait_for_selector("body[data-queued='0']", state="attached")
    db.session.expire_all()
    assert [(r.office_id, r.score) for r in db.session.scalars(select(Rating))] == [
        (office.id, 3)]


def test_quick_exit_leaves_nothing_on_the_screen_or_in_the_history(live_server, phone,
                                                                   network):
    context = phone()
    context.route(f"{NEUTRAL}**", lambda route: route.fulfill(
        body="<title>Google</title><p>search</p>", content_type="text/html"))
    page = context.new_page()
    log_in(page, live_server)
    office = network["offices"][0]
    page.goto(f"{live_server}/leader/rate/{office.id}")
    page.wait_for_selector("#rating-form")
    assert "Rupa Mondal" in page.content()
    page.click("#quick-exit button")
    page.wait_for_url(f"{NEUTRAL}**")
    assert "outbox_key" not in {c["name"] for c in context.cookies()}
    # "Back" does not bring her rating page up: it was replaced in the history, and the
    # session it belonged to is over on the server.
    page.go_back()
    page.wait_for_load_state("networkidle")
    assert "Rupa Mondal" not in page.content()
    assert "/leader/rate/" not in page.url
    page.goto(f"{live_server}/leader/")
    assert page.url.startswith(f"{live_server}/login")


def test_quick_exit_works_without_the_script(live_server, chromium, network, app):
    playwright, browser = chromium
    neutral = f"{live_server}/static/icons/icon.svg"  # a redirect is not routed: a local page
    app.config["QUICK_EXIT_URL"] = neutral
    context = browser.new_context(**playwright.devices["Pixel 5"], java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server)
        page.goto(f"{live_server}/leader/offices")
        page.click("#quick-exit button")
        page.wait_for_url(neutral)
        page.goto(f"{live_server}/leader/")
        assert page.url.startswith(f"{live_server}/login")
    finally:
        context.close()


def test_a_refused_rating_is_shown_once_with_its_reason_then_leaves(live_server, phone,
                                                                   network):
    office = network["offices"][1]
    context = phone("en-IN")
    db.session.get(User, network["leader"].id).language = "en"
    db.session.commit()
    page = context.new_page()
    log_in(page, live_server)
    wait_for_worker(page)
    queue_offline(context, page, live_server, office)
    # The cycle closes before the phone finds network again.
    db.session.get(Cycle, network["cycle"].id).status = "closed"
    db.session.commit()
    context.set_offline(False)
    page.goto(f"{live_server}/leader/")
    page.wait_for_selector("#refused li.refused")
    shown = page.inner_text("#refused")
    assert office.name_en in shown and "Not sent" in shown
    assert "closed" in shown.lower()  # the reason, in her words
    assert page.locator("#queue").is_hidden()  # not "waiting to send"
    page.wait_for_function(f"async () => (await ({COUNT_OUTBOX})()) === 0")
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("#queue li, #refused li").count() == 0
    assert office.name_en not in page.inner_text("body")
