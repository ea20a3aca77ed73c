"""Staff charts in Debian's Chromium with the internet cut off: plotly is served by the app,
every chart is drawn, its "show as table" agrees with the histogram query, the console is
clean, and each page is photographed in English and Bengali for a person to look at."""

from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rating.extensions import db
from rating.histograms import RatingFilter, count_scores
from tests.browser.conftest import WAIT_MS
from tests.conftest import TEST_PASSWORDS

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/dashboard-shots")
ASCII_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
# Scores by office and cycle: the i-th score of a cell is leader i's.
SCORES = {
    "BDO-GAIGHATA": [[9, 8, 8, 7, 9, 8, 7, 8, 9, 8, 6], [8, 7, 8, 7, 6, 8, 7, 7, 9, 6],
                     [7, 6, 7, 6, 5, 7, 6, 8, 6, 5, 7], [5, 4, 5, 3, 4, 5, 6, 4, 5, 3, 4]],
    "BDO-BAGDAH": [[2, 3, 2, 4, 3, 2], [3, 3, 4, 4, 2, 3], [4, 5, 3, 4, 5, 4],
                   [6, 7, 5, 6, 7, 6]],
    "DCPO-N24P": [[5, 6, 4, 5], [6, 5, 5, 7], [3, 4], [6, 4, 5, 7, 6, 8, 5]],
}
PLACES = {"BDO-GAIGHATA": ("gaighata", "bdo"), "BDO-BAGDAH": ("bagdah", "bdo"),
          "DCPO-N24P": ("district", "dcpo")}


@pytest.fixture
def charts_network(app, make_user, make_office, make_cycle, make_rating, directory):
    leaders = [make_user("leader", login=f"BJ-{i + 1:03d}") for i in range(11)]
    offices = {code: make_office(code=code, place=place, department=department)
               for code, (place, department) in PLACES.items()}
    cycles = [make_cycle(name=f"2025 Q{q}", status="closed", starts_on=date(2025, 3 * q - 2, 1),
                         ends_on=date(2025, 3 * q, 28)) for q in range(1, 5)]
    for code, per_cycle in SCORES.items():
        for cycle, scores in zip(cycles, per_cycle, strict=True):
            for leader, score in zip(leaders, scores, strict=False):
                make_rating(cycle, offices[code], leader, score=score, respect="yes")
    return {"offices": offices, "cycles": cycles}


@pytest.fixture
def staff_page(chromium, live_server, make_user):
    """A laptop-sized page logged in as staff, every request off the app's origin aborted
    and recorded, console errors collected."""
    playwright, browser = chromium
    make_user("staff", login="staff", language="en")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-IN")
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    blocked, errors = [], []

    def only_the_app(route):
        if route.request.url.startswith(live_server + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app)
    page = context.new_page()
    def console(message):
        if message.type == "error":
            errors.append((urlsplit(page.url).path, message.text, message.location["url"]))

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append((urlsplit(page.url).path, str(error), "")))
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", TEST_PASSWORDS["staff"])
    page.click("button.primary")
    page.wait_for_load_state("load")
    page.blocked, page.console_errors = blocked, errors
    yield page
    context.close()


def switch_language(page, language):
    if page.evaluate("document.documentElement.lang") != language:
        page.click(f"button[name=language][value={language}]")
        page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == language


def wait_for_charts(page) -> list[str]:
    """The names of the charts on the page, once plotly has drawn every one of them."""
    names = page.eval_on_selector_all("[data-chart]", "els => els.map(e => e.dataset.chart)")
    assert names, "no chart on the page"
    for name in names:
        page.wait_for_selector(f"[data-chart={name}] .main-svg", state="attached")
    return names


def read_tables(page) -> dict[str, list[list[str]]]:
    """Open every "show as table" and read the tables as a person would see them."""
    closed = page.locator("details.chart-table:not([open]) > summary")
    while closed.count():
        closed.first.click()
    return page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll("details.chart-table table")].map(t => [
            t.caption.textContent.trim(),
            [...t.querySelectorAll("tr")].map(r =>
                [...r.children].map(c => c.textContent.trim()))]))""")


def as_number(text: str):
    text = text.translate(ASCII_DIGITS)
    return None if text == "–" else float(text)


def expected_cells() -> dict:
    """(office code, cycle name) -> (n, mean) from the histogram query itself."""
    from rating.cycles.models import Cycle
    from rating.directory.models import Office

    network = count_scores(RatingFilter())
    codes = {o.id: o.code for o in db.session.scalars(db.select(Office))}
    names = {c.id: c.name for c in db.session.scalars(db.select(Cycle))}
    cells = {}
    for o, office in enumerate(network.offices):
        for c, cycle in enumerate(network.cycles):
            counts = network.counts[o, c]
            n = int(counts.sum())
            mean = float((counts * range(1, 11)).sum() / n) if n else None
            cells[codes[office], names[cycle]] = (n, mean, counts.tolist())
    return cells


def check_rows(rows, expected, code_column, cycle_column, n_column, mean_column, latest=None):
    header, body = rows[0], rows[1:]
    checked = 0
    for row in body:
        code = row[header.index(code_column)] if code_column else None
        cycle = row[header.index(cycle_column)] if cycle_column else latest
        n, mean, _ = expected[code, cycle]
        shown_n, shown_mean = as_number(row[n_column]), as_number(row[mean_column])
        if n < 3:
            assert shown_n is None and shown_mean is None, row
        else:
            assert shown_n == n and shown_mean == pytest.approx(mean, abs=0.005), row
            checked += 1
    assert checked, "no row compared"


@pytest.mark.parametrize("language", ["en", "bn"])
def test_charts_draw_offline_and_their_tables_match_the_histogram_query(
        staff_page, live_server, charts_network, language):
    page = staff_page
    SHOTS.mkdir(exist_ok=True)
    expected = expected_cells()
    gaighata = charts_network["offices"]["BDO-GAIGHATA"]
    latest = charts_network["cycles"][-1].name

    page.goto(f"{live_server}/dashboard/")
    switch_language(page, language)
    assert wait_for_charts(page) == ["funnel", "ranking"]
    tables = read_tables(page)
    ranked = next(rows for caption, rows in tables.items() if caption and rows[0][0])
    check_rows(ranked, expected, ranked[0][0], None, 2, 3, latest=latest)
    page.screenshot(path=SHOTS / f"overview-{language}.png", full_page=True)

    page.goto(f"{live_server}/dashboard/heatmap")
    assert wait_for_charts(page) == ["heatmap"]
    (rows,) = read_tables(page).values()
    check_rows(rows, expected, rows[0][0], rows[0][2], 3, 4)
    assert len(rows) - 1 == len(SCORES) * len(charts_network["cycles"])
    # the cell with two ratings is grey: no value in the drawn heatmap
    grey = page.evaluate("""() => {
        const trace = document.querySelector('[data-chart=heatmap]').data[0];
        return trace.z.flat().filter(v => v === null).length; }""")
    assert grey == 1
    # the colour bar is drawn: charts.js sends plotly's style resets through the CSSOM
    fills = page.eval_on_selector_all("[data-chart=heatmap] rect.cbfill",
                                      "els => els.map(e => getComputedStyle(e).fill)")
    assert fills and all(fill.startswith("url(") for fill in fills), fills
    page.screenshot(path=SHOTS / f"heatmap-{language}.png", full_page=True)

    page.goto(f"{live_server}/dashboard/offices/{gaighata.id}")
    assert wait_for_charts(page) == ["trend", "spread", "answers"]
    trend, spread, _answers = read_tables(page).values()
    for row in trend[1:]:
        n, mean, _ = expected["BDO-GAIGHATA", row[0]]
        assert as_number(row[1]) == n and as_number(row[2]) == pytest.approx(mean, abs=0.005)
    for row in spread[1:]:
        assert [int(as_number(c)) for c in row[1:11]] == expected["BDO-GAIGHATA", row[0]][2]
    page.screenshot(path=SHOTS / f"office-{language}.png", full_page=True)

    page.goto(f"{live_server}/dashboard/offices/{charts_network['offices']['DCPO-N24P'].id}")
    wait_for_charts(page)
    page.screenshot(path=SHOTS / f"office-small-{language}.png", full_page=True)

    assert page.blocked == [], "a dashboard page reached for another host"
    assert page.console_errors == []


def test_plotly_comes_from_the_app_compressed_and_cached(staff_page, live_server,
                                                         charts_network):
    page = staff_page
    with page.expect_response(lambda r: "/dashboard/plotly.js" in r.url) as bundle:
        page.goto(f"{live_server}/dashboard/heatmap")
    response = bundle.value
    assert response.status == 200
    assert response.header_value("content-encoding") == "gzip"
    assert "max-age=31536000" in response.header_value("cache-control")
    wait_for_charts(page)
    assert page.evaluate("typeof Plotly.newPlot") == "function"
