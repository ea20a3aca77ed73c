"""Every staff, advocacy and admin page in Debian's Chromium: the console reports no Content
Security Policy violation, and axe-core (WCAG 2.1 AA) finds nothing, in both languages, at
1280 px and at phone width (390 px)."""

from datetime import date
from urllib.parse import urlsplit

import pytest

from rating.escalation.models import AdvocacyAction, Commitment
from rating.extensions import db
from tests.browser.conftest import WAIT_MS
from tests.browser.test_dashboard_browser import charts_network  # noqa: F401 (a fixture)
from tests.conftest import TEST_PASSWORDS

pytestmark = pytest.mark.browser
CSP_WORDS = ("Content Security Policy", "Refused to apply inline style",
             "Applying inline style violates")
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def every_page(charts_network, directory):  # noqa: F811
    """The paths of every page a staff member, an advocate or an admin opens."""
    from rating.cycles.models import Cycle

    offices, cycles = charts_network["offices"], charts_network["cycles"]
    letter = AdvocacyAction(kind="letter", acted_on=date(2025, 8, 1), level="block",
                            recipient="BDO Gaighata", asked="Housing",
                            offices=[offices["BDO-GAIGHATA"]])
    db.session.add_all([letter, Commitment(action=letter, what="Houses", by_whom="BDO",
                                           due_on=date(2025, 12, 1))])
    db.session.commit()
    gaighata, cycle = offices["BDO-GAIGHATA"], cycles[-1]
    assert db.session.get(Cycle, cycle.id)
    return [
        "/dashboard/", f"/dashboard/offices/{gaighata.id}", "/dashboard/heatmap",
        f"/dashboard/blocks/{directory['gaighata'].id}",
        f"/dashboard/departments/{directory['bdo'].id}", "/dashboard/search?q=BDO",
        "/escalation/", "/escalation/due", "/escalation/new", f"/escalation/{letter.id}",
        "/cycles/", f"/cycles/{cycle.id}", f"/cycles/{cycle.id}/leaders",
        f"/cycles/{cycle.id}/call-list", "/cycles/participation",
        "/evidence/", "/evidence/quotes",
        "/directory/offices", f"/directory/offices/{gaighata.id}", "/directory/officers",
        "/directory/import", "/voice/", "/account/", "/admin/users", "/admin/audit",
    ]


def open_as(chromium, live_server, make_user, role, language, viewport):
    playwright, browser = chromium
    make_user(role, login=role, language=language)
    context = browser.new_context(viewport=viewport, locale=f"{language}-IN")
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    page = context.new_page()
    page.console_seen = []
    page.on("console", lambda m: page.console_seen.append(
        (urlsplit(page.url).path, m.type, m.text)))
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", TEST_PASSWORDS[role])
    page.click("button.primary")
    page.wait_for_load_state("load")
    return context, page


def visit(page, url):
    """Open a page and wait until its charts, if any, are drawn; False if the role may not."""
    response = page.goto(url)
    if response.status == 403:
        return False
    assert response.status == 200, (url, response.status)
    for name in page.eval_on_selector_all("[data-chart]", "els => els.map(e => e.dataset.chart)"):
        page.wait_for_selector(f"[data-chart={name}] .main-svg", state="attached")
    return True


@pytest.mark.parametrize("role", ["staff", "advocacy", "admin"])
def test_no_page_breaks_the_content_security_policy(chromium, live_server, make_user,
                                                    every_page, role):
    context, page = open_as(chromium, live_server, make_user, role, "en", WIDTHS["desktop"])
    opened = [path for path in every_page if visit(page, live_server + path)]
    assert len(opened) >= (2 if role == "admin" else 15), opened
    violations = [seen for seen in page.console_seen
                  if any(words in seen[2] for words in CSP_WORDS)]
    assert violations == []
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", ["bn", "en"])
@pytest.mark.parametrize("role", ["staff", "advocacy", "admin"])
def test_axe_finds_nothing_on_any_page(chromium, live_server, make_user, every_page, role,
                                       language, width):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-playwright-python not installed").Axe()
    context, page = open_as(chromium, live_server, make_user, role, language, WIDTHS[width])
    assert page.evaluate("document.documentElement.lang") == language
    problems, checked = [], 0
    for path in every_page:
        if not visit(page, live_server + path):
            continue
        found = axe.run(page, options=WCAG_AA).response
        assert len(found["passes"]) > 10, path  # the rules did run
        checked += 1
        problems += [(path, v["id"], [n["target"] for n in v["nodes"]][:3])
                     for v in found["violations"]]
    assert checked >= (2 if role == "admin" else 15)
    assert problems == [], "\n".join(map(str, problems))
    context.close()


PHONE_SHOTS = "/tmp/phone-shots"
# Every piece of text plotly drew, with its box against its chart's: none may stick out.
TEXT_OUTSIDE = """() => {
  const out = [];
  for (const chart of document.querySelectorAll('[data-chart]')) {
    const box = chart.getBoundingClientRect();
    for (const text of chart.querySelectorAll('.main-svg text')) {
      const r = text.getBoundingClientRect();
      if (!r.width || !text.textContent.trim()) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
          r.bottom > box.bottom + 1)
        out.push([chart.dataset.chart, text.textContent.slice(0, 60), Math.round(r.left),
                  Math.round(r.right), Math.round(box.right)]);
    }
  }
  return out;
}"""


# What makes the page wider than the phone (the page scrolls sideways).
WIDER_THAN_PHONE = """() => [...document.querySelectorAll('body *')].filter(el => {
  const r = el.getBoundingClientRect();
  return r.right > document.documentElement.clientWidth + 1 && !el.closest('.table-scroll');
}).map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').slice(0, 50))"""


@pytest.mark.parametrize("language", ["bn", "en"])
def test_charts_fit_a_phone(chromium, live_server, make_user, every_page, charts_network,  # noqa: F811
                            language):
    from pathlib import Path

    shots = Path(PHONE_SHOTS)
    shots.mkdir(exist_ok=True)
    context, page = open_as(chromium, live_server, make_user, "staff", language,
                            {"width": 360, "height": 780})
    office = charts_network["offices"]["BDO-GAIGHATA"]
    for name, path in (("overview", "/dashboard/"), ("office", f"/dashboard/offices/{office.id}"),
                       ("heatmap", "/dashboard/heatmap")):
        assert visit(page, live_server + path)
        page.screenshot(path=shots / f"{name}-{language}.png", full_page=True)
        assert page.evaluate(TEXT_OUTSIDE) == [], name
        assert page.evaluate(WIDER_THAN_PHONE) == [], name
        if name == "office":  # the trend with its interval comes first, before any box
            first = page.evaluate("""() => { const f = document.querySelector('main figure');
                const before = [...document.querySelectorAll('main .suggestion')].filter(
                    s => s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
                return [f.querySelector('[data-chart]').dataset.chart, before.length]; }""")
            assert first == ["trend", 0]
    context.close()
