"""axe-core (WCAG 2.1 AA) finds nothing on any leader page, in Bengali and in English, online
and offline, with the speaker buttons in; every tap target is at least 44x44 CSS px."""

import pytest
from sqlalchemy import select

from rating.extensions import db
from rating.voice import synthetic
from tests.conftest import TEST_PIN

pytestmark = pytest.mark.browser
AXE = pytest.importorskip("axe_playwright_python.sync_playwright",
                          reason="axe-playwright-python not installed")
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# What a finger taps: links, buttons, boxes; a radio or checkbox by its label.
SMALL_TARGETS = """() => {
  const seen = [];
  for (const el of document.querySelectorAll('a[href], button, select, summary, textarea, input')) {
    if (el.type === 'hidden' || el.closest('template') || el.offsetParent === null) continue;
    let target = el;
    if (el.type === 'radio' || el.type === 'checkbox') target = el.closest('label') ||
      document.querySelector('label[for="' + el.id + '"]') || el;
    const box = target.getBoundingClientRect();
    if (box.width < 44 || box.height < 44) seen.push([target.outerHTML.slice(0, 160),
      Math.round(box.width), Math.round(box.height)]);
  }
  return seen;
}"""


@pytest.fixture
def network(app, make_user, make_cycle, make_office):
    if not synthetic.synthesiser_found():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    leader = make_user("leader", login="BJ-001")
    cycle, office = make_cycle(), make_office()
    synthetic.add_synthetic_clips(progress=lambda *_: None)
    return {"leader": leader, "cycle": cycle, "office": office}


def check(page, where):
    results = AXE.Axe().run(page, options=WCAG_AA)
    problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in results.response["violations"]]
    assert problems == [], (where, problems)
    assert len(results.response["passes"]) > 10, where  # the rules did run
    small = page.evaluate(SMALL_TARGETS)
    assert small == [], (where, "\n".join(map(str, small)))


@pytest.mark.parametrize("locale,language", [("bn-IN", "bn"), ("en-IN", "en")])
def test_every_leader_page_passes_axe_online_and_offline(live_server, phone, network, locale,
                                                         language):
    from rating.auth.models import User
    from rating.survey.models import Rating

    db.session.get(User, network["leader"].id).language = language
    db.session.commit()
    base, office = live_server, network["office"]
    context = phone(locale)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.wait_for_load_state("networkidle")
    check(page, "login")
    page.fill("input[name=username]", "BJ-001")
    page.fill("input[name=password]", TEST_PIN)
    page.click("button.primary")
    page.wait_for_url(f"{base}/leader/")
    assert page.evaluate("document.documentElement.lang") == language
    check(page, "home")
    page.goto(f"{base}/leader/offices")
    check(page, "office list")
    page.goto(f"{base}/leader/rate/{office.id}?page=server")
    check(page, "rating form")
    page.goto(f"{base}/pin")
    check(page, "PIN change")
    page.goto(f"{base}/leader/")
    page.evaluate("navigator.serviceWorker.ready")  # installed from a leader page
    page.goto(f"{base}/leader/rate/{office.id}")  # the shell, filled in online
    page.wait_for_selector("#rating-form[data-cycle-id]", state="attached")
    check(page, "rating form (shell)")
    page.click("label[for=score-8]")
    page.check("input[name=purpose][value=health]")
    page.click("#rating-form button[type=submit]")
    page.wait_for_url(f"{base}/leader/saved/{office.id}")
    check(page, "saved")
    db.session.expire_all()
    assert db.session.scalar(select(Rating.score)) == 8
    page.wait_for_selector("body[data-clips-kept]", state="attached")

    context.set_offline(True)
    page.goto(f"{base}/leader/")
    page.wait_for_selector("#shell-list:not([hidden]) #office-list li")
    check(page, "office list (offline)")
    page.goto(f"{base}/leader/rate/{office.id}")
    page.wait_for_selector("#shell-rate:not([hidden])")
    check(page, "rating form (offline)")
    page.click("label[for=score-3]")
    page.check("input[name=purpose][value=documents]")
    page.click("#rating-form button[type=submit]")
    page.wait_for_selector("#saved-on-phone")
    check(page, "saved on the phone (offline)")
