"""A leader on a Pixel 5 reads what came of the offices she rated, online and then offline,
and finds an office by partial words in either language."""

import pytest

from tests.browser.leader_pages import log_in

pytestmark = pytest.mark.browser


def test_leader_reads_results_online_then_offline(live_server, phone, rated_block, tmp_path):
    context = phone("bn-IN")
    page = context.new_page()
    log_in(page, live_server)
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.click("text=ফলাফল দেখুন")  # from her home page
    block_url = f"{live_server}/leader/results/block/{rated_block['block'].id}"
    page.wait_for_url(block_url)
    bdo = page.locator(f"#office-{rated_block['bdo'].id}")
    assert "৭.২" in bdo.locator(".figure").inner_text()
    assert bdo.locator(".mine-mark").is_visible()  # online, logged in: marked as hers
    assert page.locator(".not-shown").inner_text().count("শিশু সুরক্ষা, গাইঘাটা") == 1
    page.screenshot(path=str(tmp_path / "results-bn.png"), full_page=True)
    # The worker keeps the unmarked copy in the background: wait until it is on the phone.
    page.wait_for_function(
        "path => caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
        ".then(c => c.match(path, {ignoreSearch: true}))))).then(hits => hits.some(Boolean))",
        arg=f"/leader/results/block/{rated_block['block'].id}")

    # Online again: the kept copy comes from the phone at once, and only what is hers comes
    # from the server (never stored): her mark, her name, her link to her own ratings.
    page.goto(block_url)
    assert page.locator("#results-personal").count() == 1  # the copy the phone kept
    page.wait_for_selector("body[data-personal='1']", state="attached")
    assert bdo.locator(".mine-mark").is_visible()
    assert page.locator(".not-shown .mine-mark").count() == 0  # she did not rate that one
    assert page.locator("#mine-link").is_visible() and page.locator("#pin-link").is_visible()
    assert "BJ-001" in page.locator("#shell-who .who").inner_text()
    page.screenshot(path=str(tmp_path / "results-kept-bn.png"), full_page=True)
    kept = page.evaluate(
        "path => caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
        ".then(c => c.match(path + '?copy=plain&language=bn')))))"
        ".then(hits => hits.filter(Boolean)[0].text())",
        f"/leader/results/block/{rated_block['block'].id}")
    assert "mine-mark" not in kept and "BJ-001" not in kept and "csrf" not in kept
    page.click("#mine-link")
    page.wait_for_url(f"{live_server}/leader/results/mine")
    assert page.locator("table.mine tbody tr").count() == 2
    page.goto(f"{live_server}/leader/results/")  # her own ratings: from the kept frame now
    page.goto(f"{live_server}/leader/results/mine")
    assert page.locator("#mine-table").count() == 1
    page.wait_for_selector("#mine-table tbody tr", state="attached")
    rows = page.locator("#mine-table tbody tr")
    assert rows.count() == 2 and rows.first.locator(".score").inner_text() == "৪"
    frame = page.evaluate(
        "() => caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
        ".then(c => c.match('/leader/results/mine?copy=plain&language=bn')))))"
        ".then(hits => hits.filter(Boolean)[0].text())")
    assert "বিডিও, গাইঘাটা" not in frame and "<tr><td>" not in frame

    context.set_offline(True)
    page.goto(block_url)
    check_kept_copy(page, rated_block)
    page.goto(f"{live_server}/leader/")  # offline: the app shell, with a way to the results
    page.click("#shell-results a")
    page.wait_for_url(f"{live_server}/leader/results/")
    check_kept_copy(page, rated_block)
    page.goto(f"{live_server}/leader/results/mine")  # her own ratings: never on the phone
    page.wait_for_selector("#mine-offline", state="visible")
    assert page.locator("table.mine tbody tr").count() == 0
    assert "বিডিও, গাইঘাটা" not in page.content()

    # Online again after her session ended: the kept copy sends the next person to log in.
    context.set_offline(False)
    context.clear_cookies()
    page.goto(block_url)
    page.wait_for_url(f"{live_server}/login**")


def check_kept_copy(page, rated_block):
    """The block's page as the phone kept it: the published figure, nothing of hers."""
    bdo = page.locator(f"#office-{rated_block['bdo'].id}")
    assert "৭.২" in bdo.locator(".figure").inner_text()
    assert page.locator(".mine-mark").count() == 0
    assert "BJ-001" not in page.content()
    assert page.locator("#shell-who").is_hidden() and page.locator("#mine-link").is_hidden()


@pytest.mark.parametrize("q", ["গাইঘা বিডি", "bdo gaigh"])
def test_search_finds_an_office_by_partial_words(live_server, phone, rated_block, q):
    page = phone("bn-IN").new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/leader/offices")
    page.fill("input[name=q]", q)
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/leader/offices?*")
    assert page.locator(f"a[href$='/leader/rate/{rated_block['bdo'].id}']").count() >= 1


def test_block_of_fewer_than_five_raters_shows_nothing_to_recover(live_server, phone,
                                                                  small_block, make_user):
    make_user("leader", login="BJ-001")
    page = phone("bn-IN").new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/leader/results/block/{small_block['block'].id}")
    main = page.locator("main")
    assert page.locator(".result, .faces, .peerbar, .figure").count() == 0
    assert "বিডিও, বাগদা" in page.locator(".not-shown").inner_text()
    # The only numbers on the page: the rule's 5 and the 2 closed cycles.
    numbers = set(page.evaluate(
        "text => text.match(/[০-৯0-9]+/g) || []", main.inner_text()))
    assert numbers <= {"৫", "২"}
