"""axe-core (WCAG 2.1 AA) finds nothing on the results pages (the choice of block, a block's
page as the server sends it and as the phone keeps it, an office's page, her own ratings),
in Bengali and in English, on a Pixel 5 and at 1280 px; every tap target is at least 44x44
CSS px. The score card is a PDF (tests/rating/test_results.py reads it)."""

import pytest

from rating.extensions import db
from tests.browser.conftest import WAIT_MS
from tests.browser.leader_pages import log_in
from tests.browser.test_leader_accessible import AXE, WCAG_AA, check

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def device(chromium, request):
    """A new phone (Pixel 5) or desktop browser with empty storage, in the given locale."""
    playwright, browser = chromium
    contexts = []

    def make(kind, locale):
        options = playwright.devices["Pixel 5"] if kind == "phone" else DESKTOP
        context = browser.new_context(**options, locale=locale)
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(WAIT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("kind", ["phone", "desktop"])
@pytest.mark.parametrize("locale,language", [("bn-IN", "bn"), ("en-IN", "en")])
def test_results_pages_pass_axe(live_server, device, rated_block, make_office, kind, locale,
                                language):
    from rating.auth.models import User

    make_office(code="BDO-BAGDAH", place="bagdah")  # an office elsewhere: "Other blocks"
    for user in db.session.scalars(db.select(User)):
        user.language = language
    db.session.commit()
    base, block = live_server, rated_block["block"].id
    context = device(kind, locale)
    page = context.new_page()
    log_in(page, base)
    page.evaluate("navigator.serviceWorker.ready")
    block_url = f"{base}/leader/results/block/{block}"
    page.goto(block_url)
    assert page.evaluate("document.documentElement.lang") == language
    check(page, f"{kind} {language}: block")
    # The kept copy, from the phone, marked for her from the server.
    page.wait_for_function(
        "path => caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
        ".then(c => c.match(path, {ignoreSearch: true}))))).then(hits => hits.some(Boolean))",
        arg=f"/leader/results/block/{block}")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.goto(block_url)
    page.wait_for_selector("body[data-personal='1']", state="attached")
    assert page.locator("#results-personal").count() == 1
    check(page, f"{kind} {language}: block (kept copy)")
    page.goto(f"{base}/leader/results/office/{rated_block['bdo'].id}?page=server")
    check(page, f"{kind} {language}: office")
    page.goto(f"{base}/leader/results/office/{rated_block['small'].id}?page=server")
    check(page, f"{kind} {language}: office not shown")
    page.goto(f"{base}/leader/results/mine")
    check(page, f"{kind} {language}: her own ratings")
    page.wait_for_function(
        "() => caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
        ".then(c => c.match('/leader/results/mine', {ignoreSearch: true})))))"
        ".then(hits => hits.some(Boolean))")
    page.goto(f"{base}/leader/results/mine")
    page.wait_for_selector("#mine-table tbody tr", state="attached")
    check(page, f"{kind} {language}: her own ratings (kept frame)")

    context.set_offline(True)
    page.goto(block_url)
    page.wait_for_selector("body[data-personal='0']", state="attached")
    check(page, f"{kind} {language}: block (offline)")
    page.goto(f"{base}/leader/results/mine")
    page.wait_for_selector("#mine-offline", state="visible")
    check(page, f"{kind} {language}: her own ratings (offline)")
    context.set_offline(False)

    # The choice of block: a leader with no block recorded (BJ-002 rated the BDO too).
    other = device(kind, locale).new_page()
    log_in(other, base, login="BJ-002")
    other.goto(f"{base}/leader/results/")
    other.wait_for_selector("main h1")
    assert other.url == f"{base}/leader/results/"
    check(other, f"{kind} {language}: choose a block")


@pytest.mark.parametrize("kind", ["block", "office"])
def test_score_card_source_passes_axe(app, device, rated_block, kind):
    """The card's HTML as WeasyPrint gets it (always in Bengali), in a browser at A4 width."""
    from pathlib import Path

    from flask import render_template
    from flask_babel import force_locale

    from rating.results import services

    results = (services.block_results(rated_block["block"]) if kind == "block"
               else services.office_results(rated_block["bdo"]))
    with app.test_request_context(), force_locale("bn"):
        html = render_template("results/card.html", results=results,
                               fonts=Path(app.static_folder, "fonts").as_uri() + "/")
    page = device("desktop", "bn-IN").new_page()
    page.set_viewport_size({"width": 794, "height": 1123})
    page.set_content(html)
    assert "৭.২" in page.locator("table").inner_text()
    results = AXE.Axe().run(page, options=WCAG_AA).response
    assert [v["id"] for v in results["violations"]] == []
    assert len(results["passes"]) >= 5  # a page with no links or forms: fewer rules apply
