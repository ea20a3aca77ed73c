"""The rating page comes from the phone's shell once the service worker runs, online too: only
the personal part (name, token, earlier answers) crosses the network, and nothing of it stays
on the phone. Logged out or with no open cycle, the server's own page explains."""

from datetime import timedelta

import pytest

from rating.extensions import db
from rating.timeutil import local_today
from tests.browser.leader_pages import log_in, wait_for_worker
from tests.browser.test_leader_offline import choose_score

pytestmark = pytest.mark.browser


@pytest.fixture
def world(app, make_user, make_cycle, make_office):
    return {"leader": make_user("leader", login="BJ-001"), "cycle": make_cycle(),
            "office": make_office()}


def served_by_worker(page) -> bool:
    return page.evaluate("""() => !!document.getElementById("shell") &&
        performance.getEntriesByType("navigation")[0].transferSize === 0""")


@pytest.mark.parametrize("locale,language,earlier_text",
                         [("bn-IN", "bn", "৩"), ("en-IN", "en", "3")])
def test_the_rating_page_from_the_shell_is_the_leaders_own(live_server, phone, world, app,
                                                           locale, language, earlier_text):
    from rating.auth.models import User
    from rating.directory.services import post_officer, save_officer

    user = db.session.get(User, world["leader"].id)
    user.language = language
    db.session.commit()
    office = world["office"]
    officer = save_officer(None, name_en="Tapas Ghosh", name_bn="তাপস ঘোষ", notes="")
    post_officer(officer, office, local_today() - timedelta(days=30))  # in post on any day
    page = phone(locale).new_page()
    log_in(page, live_server)
    wait_for_worker(page)
    page.goto(f"{live_server}/leader/rate/{office.id}")
    assert served_by_worker(page)
    page.wait_for_selector("#shell-who:not([hidden])")
    assert page.inner_text("#shell-who .who") == user.display_name
    assert ("তাপস ঘোষ" if language == "bn" else "Tapas Ghosh") in page.inner_text("#shell-officer")
    choose_score(page, 3)
    page.check("input[name=purpose][value=health]")
    page.fill("textarea[name=comment]", "kept waiting all day")
    page.click("#rating-form button[type=submit]")
    page.wait_for_url(f"{live_server}/leader/saved/{office.id}")

    # Again: the earlier answers are filled in, from the server, on the shell.
    page.goto(f"{live_server}/leader/rate/{office.id}")
    assert served_by_worker(page)
    page.wait_for_selector("#shell-earlier:not([hidden])")
    assert earlier_text in page.inner_text("#shell-earlier")
    assert page.is_checked("#score-3") and page.is_checked("input[name=purpose][value=health]")
    assert page.input_value("textarea[name=comment]") == "kept waiting all day"
    assert page.locator("#shell-offline").is_hidden()
    # Nothing personal was stored by the worker: its caches hold the shell, assets, offices.
    cached = page.evaluate("""async () => {
        const names = await caches.keys(), bodies = [];
        for (const name of names) {
          const cache = await caches.open(name);
          for (const request of await cache.keys()) {
            bodies.push(request.url + " " + await (await cache.match(request)).text());
          }
        }
        return bodies.join("\\n");
    }""")
    assert "kept waiting all day" not in cached and user.display_name not in cached
    assert all("/api/rate/" not in line.split(" ")[0] for line in cached.splitlines()
               if line.startswith("http"))

    # Logging out from the shell: the next visit goes to the server, which asks for a login.
    page.click("#logout-form button")
    page.wait_for_url(f"{live_server}/login**")
    page.goto(f"{live_server}/leader/rate/{office.id}")
    page.wait_for_url(f"{live_server}/login**")


def test_no_open_cycle_shows_the_servers_page(live_server, phone, world):
    office = world["office"]
    page = phone().new_page()
    log_in(page, live_server)
    wait_for_worker(page)
    world["cycle"].status = "closed"
    db.session.commit()
    page.goto(f"{live_server}/leader/rate/{office.id}")
    page.wait_for_url(f"{live_server}/leader/rate/{office.id}?page=server")
    assert page.locator("#shell").count() == 0
    assert page.locator("input[name=score]").count() == 0  # the "no cycle is open" page


def test_changing_language_on_the_shell_page(live_server, phone, world):
    """The shell page has the language button of the server's pages; after it, the page and
    then the shell come in the new language."""
    office = world["office"]
    page = phone("bn-IN").new_page()
    log_in(page, live_server)
    wait_for_worker(page)
    page.goto(f"{live_server}/leader/rate/{office.id}")
    assert served_by_worker(page)
    page.wait_for_selector("#shell-who:not([hidden])")
    assert page.evaluate("document.documentElement.lang") == "bn"
    page.click("#language-form button")
    page.wait_for_url(f"{live_server}/leader/rate/{office.id}?page=server")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.wait_for_load_state("networkidle")
    for _ in range(3):  # the English shell is fetched in the background on the way
        page.goto(f"{live_server}/leader/rate/{office.id}")
        if served_by_worker(page):
            break
    assert served_by_worker(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.wait_for_selector("#shell-who:not([hidden])")
    assert page.url.endswith(f"/leader/rate/{office.id}")
