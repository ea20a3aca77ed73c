"""The escalation trail through the real app: a letter citing a pack, its answer with a scan, a
promise that falls overdue as the calendar moves on (time-machine moves the clock, nothing is
mocked), the marks on the office chart, the due list, the suggested next level, and the next
pack with its before-and-after figures checked against scipy on the raw scores."""

import csv
import html
import io
import json
import re
import zipfile
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine
from scipy import stats
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from rating.extensions import db
from tests.conftest import TEST_PASSWORDS, Browser, csrf_from
from tests.rating.test_evidence import SCORES, wait_for_pack

KOLKATA = ZoneInfo("Asia/Kolkata")
LETTER_DAY = date(2025, 8, 10)  # inside 2025 Q3: that cycle straddles the letter
PROMISE_DUE = date(2026, 12, 20)
SCAN = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@contextmanager
def on(day: date, browser: Browser):
    """The clock at noon in Kolkata on that day, for the app and everything it calls. The team
    logs in afresh on arriving, and again on coming back, from a new browser each time: whether
    the earlier session would still be alive depends on how far the clock moved, which depends
    on the day the suite runs."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=KOLKATA),
                             tick=False):
        _log_in_afresh(browser)
        yield
    _log_in_afresh(browser)


def _log_in_afresh(browser: Browser) -> None:
    browser.client = browser.client.application.test_client()
    assert browser.login("roy", TEST_PASSWORDS["advocacy"]).status_code == 302


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def team(app, network, make_user):
    """The advocacy team's browser, logged in, with inline pack builds."""
    make_user("advocacy", login="roy")
    client = app.test_client()
    browser = Browser(client)
    assert browser.login("roy", TEST_PASSWORDS["advocacy"]).status_code == 302
    app.config["PACK_BUILD_INLINE"] = True
    yield browser
    app.config["PACK_BUILD_INLINE"] = False


def build_pack(browser, query: dict) -> tuple[int, bytes]:
    """Preview a pack with these fields, press "Build this pack", download the zip."""
    preview = browser.get("/evidence/", query_string=query)
    assert preview.status_code == 200, preview.get_data(as_text=True)[:800]
    assert "Build this pack" in preview.get_data(as_text=True)
    response = browser.client.post("/evidence/", data={
        **query, "build": "1", "csrf_token": csrf_from(preview.get_data(as_text=True))})
    assert response.status_code == 302
    pack_id = int(re.search(r"/evidence/packs/(\d+)$", response.headers["Location"]).group(1))
    return pack_id, wait_for_pack(browser.client, pack_id)


def record_letter(browser, network, pack_hash: str | None = None, **changes):
    body = {"kind": "letter", "acted_on": LETTER_DAY.isoformat(), "level": "block",
            "recipient": "Block Development Officer, Gaighata",
            "asked": "Clear the pending housing applications of survivors.",
            "offices": [str(network.offices["bdo"].id)], "pack": pack_hash or ""}
    body.update(changes)
    return browser.post("/escalation/new", body)


def speak(browser, language: str) -> None:
    """Choose the page language as a user does (it is saved on the account)."""
    assert browser.post("/language", {"language": language, "next": "/"},
                        page="/escalation/").status_code == 302


def office_page(browser, network, key="bdo", language="en"):
    speak(browser, language)
    response = browser.get(f"/dashboard/offices/{network.offices[key].id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def trend_figure(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="figure-trend">(.*?)</script>', page,
                    re.S).group(1)
    return json.loads(raw)


LETTERS, PROMISES = "triangle-down", "diamond"  # how the chart marks each


def trace(figure: dict, symbol: str) -> dict:
    return next(t for t in figure["data"] if t.get("marker", {}).get("symbol") == symbol)


def pooled(key: str, positions) -> np.ndarray:
    return np.array([s for p in positions for s in SCORES[key][p]], dtype=float)


def welch(after: np.ndarray, before: np.ndarray):
    result = stats.ttest_ind(after, before, equal_var=False)
    low, high = result.confidence_interval(0.95)
    return after.mean() - before.mean(), (low, high)


def band(n: int) -> str:
    return "5-9" if n < 10 else "10-19" if n < 20 else "20+"


# ---- the whole story --------------------------------------------------------------------------

def test_a_letter_its_answer_and_a_promise_held_against_the_ratings(app, network, team):
    from analysis import NETWORK_RULES
    from rating.escalation.models import ActionResponse, AdvocacyAction, Commitment
    from rating.evidence.signing import verify_pack

    # a one-cycle comparison window: the fixture's five cycles leave a cycle before the letter
    app.config["STATISTICS_RULES"] = replace(NETWORK_RULES, comparison=replace(
        NETWORK_RULES.comparison, window_cycles=1))

    bdo = network.offices["bdo"]
    with on(date(2025, 8, 5), team):
        first_id, first_zip = build_pack(team, {
            "scope": "office", "office": bdo.id, "language": "en", "recipient_level": "block",
            "recipient_name": "Block Development Officer, Gaighata"})
    first_hash = re.search(r"<code>([0-9a-f]{64})</code>",
                           team.get(f"/evidence/packs/{first_id}").get_data(as_text=True)).group(1)
    # The pack's page leads to the form, filled in from the pack.
    pack_page = team.get(f"/evidence/packs/{first_id}").get_data(as_text=True)
    assert f"/escalation/new?pack={first_hash}" in pack_page
    form = team.get(f"/escalation/new?pack={first_hash}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{bdo.id}">|<option value="{bdo.id}" selected',
                     form)
    assert re.search(rf'<option selected value="{first_hash}">|'
                     rf'<option value="{first_hash}" selected', form)
    assert "Block Development Officer, Gaighata" in form

    # The letter, citing the pack.
    response = record_letter(team, network, first_hash)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    action = db.session.scalar(select(AdvocacyAction))
    assert action.pack_sha256 == first_hash and [o.id for o in action.offices] == [bdo.id]
    page = team.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/evidence/packs/{first_id}" in page and first_hash in page

    # The answer, with its scan, and the promise made in it.
    url = f"/escalation/{action.id}"
    response = team.post(f"{url}/responses", {
        "received_on": "2025-09-02", "summary": "The applications will be cleared.",
        "scan": (io.BytesIO(SCAN), "answer.pdf", "application/pdf")}, page=url,
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    answer = db.session.scalar(select(ActionResponse))
    scan = team.get(f"/escalation/responses/{answer.id}/scan")
    assert scan.data == SCAN and scan.mimetype == "application/pdf"
    assert scan.headers["Content-Disposition"].startswith("attachment;")
    response = team.post(f"{url}/commitments", {
        "what": "Clear the 14 pending housing applications", "by_whom": "BDO Gaighata",
        "due_on": PROMISE_DUE.isoformat(), "response": str(answer.id)}, page=url)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    promise = db.session.scalar(select(Commitment))
    assert promise.response_id == answer.id and promise.resolution == "pending"

    # Ten days before it is due: in the due list, pending on the chart, no suggestion yet.
    with on(date(2026, 12, 10), team):
        due = team.get("/escalation/due").get_data(as_text=True)
        overdue_part, due_part = due.split("Due in the next 30 days")
        assert "Clear the 14 pending housing applications" in due_part
        assert "Clear the 14 pending housing applications" not in overdue_part
        page = office_page(team, network)
        promises = trace(trend_figure(page), PROMISES)
        assert "(pending)" in promises["text"][0] and promises["marker"]["color"] == ["#7f8c8d"]
        assert "Next step suggested" not in page

    # The day after it was due, nobody having marked it: overdue everywhere.
    with on(date(2026, 12, 21), team):
        due = team.get("/escalation/due").get_data(as_text=True)
        overdue_part, due_part = due.split("Due in the next 30 days")
        assert "Clear the 14 pending housing applications" in overdue_part
        assert "Clear the 14 pending housing applications" not in due_part
        page = office_page(team, network)
        figure = trend_figure(page)
        letters = trace(figure, LETTERS)
        promises = trace(figure, PROMISES)
        # 2025 Q3 is cycle 2 (1 Jul - 30 Sep): 10 August sits inside it, a little before middle.
        assert 1.5 < letters["x"][0] < 2.0
        assert "Block Development Officer, Gaighata" in letters["text"][0]
        assert "(overdue)" in promises["text"][0] and promises["marker"]["color"] == ["#c0392b"]
        assert promises["x"] == [4.5]  # after the last closed cycle
        assert any(shape["x0"] == letters["x"][0] for shape in figure["layout"]["shapes"])
        history = page[page.index('id="escalation"'):]
        assert "overdue" in history[:history.index("Officers in post")]
        # The office is declining and its promise at the Block is overdue: go to the District.
        assert "Next step suggested: write to the District level." in page
        link = re.search(r'href="(/evidence/\?[^"]+)">Prepare a pack for the District level',
                         page).group(1).replace("&amp;", "&")
        assert "recipient_level=district" in link and f"office={bdo.id}" in link
        overview = team.get("/dashboard/").get_data(as_text=True)
        assert "Next step suggested: write to the District level." in overview
        # The suggested pack: previewed from the link as it stands, then built.
        preview = team.get(link)
        assert preview.status_code == 200 and "Build this pack" in preview.get_data(as_text=True)
        query = dict(re.findall(r"([a-z_]+)=([^&]*)", link.split("?", 1)[1]))
        query["recipient_name"] = "District Magistrate, North 24 Parganas"
        query["language"] = "en"
        _, second_zip = build_pack(team, query)

    ok, problems = verify_pack(second_zip)
    assert ok, problems
    with zipfile.ZipFile(io.BytesIO(second_zip)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    assert "escalation.csv" in manifest["files"] and manifest["escalation_actions"] == 1
    assert manifest["promises_as_of"] == "2026-12-21"

    # Before and after: the comparison window is one cycle here, so 2025 Q2 (which led to
    # the letter) is left out, Q1 is before, Q3 is left out (the letter came during it), Q4
    # and 2026 Q1 are after; BDO Bagdah (the other BDO, no letter) is set against it.
    before = pooled("bdo", (0,))
    after_means = [pooled("bdo", (p,)).mean() for p in (3, 4)]
    rows = list(csv.DictReader(io.StringIO(files["escalation.csv"].decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["office_code"], row["action_date"], row["action"], row["level"]) == (
        "BDO-GAIGHATA", "2025-08-10", "letter", "block")
    assert row["pack_manifest_sha256"] == first_hash
    assert "Clear the 14 pending housing applications" in row["promises"]
    assert "overdue" in row["promises"] and "2025-09-02" in row["answers"]
    assert (row["before_cycles"], row["after_cycles"], row["left_out_cycles"]) == ("1", "2", "1")
    assert (row["ratings_before_band"], row["ratings_after_band"]) == (
        band(len(before)), band(len(pooled("bdo", (3, 4)))))
    assert float(row["mean_before"]) == round(before.mean(), 1)
    # the mean of cycle means, weighted: between the two cycles' means
    assert min(after_means) - 0.05 <= float(row["mean_after"]) <= max(after_means) + 0.05
    assert float(row["change"]) == pytest.approx(
        float(row["mean_after"]) - float(row["mean_before"]), abs=0.11)
    # the fixture's offices are all of one department type: the other four rated on both
    # sides (BLDO and NOSK are withheld whole) are set against it
    assert row["comparators"] == "4"
    peer_changes = [np.mean([pooled(key, (p,)).mean() for p in (3, 4)])
                    - pooled(key, (0,)).mean() for key in ("bwo", "wdo", "bagdah", "dcpo")]
    assert min(peer_changes) - 0.05 <= float(row["comparators_change"]) <= \
        max(peer_changes) + 0.05
    diff = float(row["change"]) - float(row["comparators_change"])
    assert float(row["difference"]) == pytest.approx(diff, abs=0.11)
    low, high = float(row["difference_ci95_low"]), float(row["difference_ci95_high"])
    assert low < float(row["difference"]) < high
    assert row["before_after"] == ("lower after" if high < 0 else "higher after" if low > 0
                                   else "no clear change")
    diff = float(row["difference"])

    # The report and the letter carry the history and the figures, in words.
    report = files["report.html"].decode()
    assert "Escalation so far" in report and "Block Development Officer, Gaighata" in report
    assert "Clear the 14 pending housing applications" in report and "overdue" in report
    sentence = f"What is left is {abs(diff):.1f} points {'lower' if diff < 0 else 'higher'}"
    assert sentence in report
    assert "regression to the mean" in report
    assert "does not show that the action caused it" in report
    figure = json.loads(html.unescape(re.search(r"data-figure='([^']+)'", report).group(1)))
    [mark] = figure["layout"]["shapes"]  # the letter on the chart, inside 2025 Q3
    assert 1.5 < mark["x0"] == mark["x1"] < 2.0
    with zipfile.ZipFile(io.BytesIO(files["letter.docx"])) as docx:
        letter = docx.read("word/document.xml").decode()
    assert "we wrote to Block Development Officer, Gaighata (Block level), asking" in letter
    assert "Block Development Officer, Gaighata" in letter
    assert "Clear the 14 pending housing applications" in letter and "overdue" in letter
    # The letter asks after the overdue promise, by a date; the before-and-after figures, with
    # their explanation, are the report's (the letter encloses it).
    assert re.search(r"Please tell us by [A-Z][a-z]{2} \d{1,2}, \d{4} when this promise of "
                     r"[^<]+, will be kept: Clear the 14 pending housing applications", letter)
    assert sentence not in letter


def test_a_promise_marked_kept_leaves_the_due_list(app, network, team):
    from rating.audit import AuditEvent
    from rating.escalation.models import Commitment

    assert record_letter(team, network).status_code == 302
    action_url = team.get("/escalation/").get_data(as_text=True)
    url = re.search(r'href="(/escalation/\d+)"', action_url).group(1)
    with on(date(2026, 12, 1), team):
        assert team.post(f"{url}/commitments", {"what": "A ramp at the office door",
                                                "by_whom": "BDO", "due_on": "2026-12-05"},
                         page=url).status_code == 302
        promise = db.session.scalar(select(Commitment))
        assert "A ramp at the office door" in team.get("/escalation/due").get_data(as_text=True)
        response = team.post(f"/escalation/commitments/{promise.id}/kept",
                             {"back": "due", "resolved_on": "2026-12-04"}, page="/escalation/due")
        assert response.status_code == 302 and response.headers["Location"] == "/escalation/due"
        assert "A ramp at the office door" not in team.get("/escalation/due").get_data(
            as_text=True)
    db.session.expire_all()
    promise = db.session.get(Commitment, promise.id)
    assert (promise.resolution, promise.resolved_on) == ("kept", date(2026, 12, 4))
    assert promise.status(date(2030, 1, 1)) == "kept"  # a kept promise never falls overdue
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "escalation.resolve")) == 1


def test_a_pack_leaves_out_the_cycle_that_led_to_the_letter(app, network, team):
    """BWO's 2025 Q3 had 4 leaders (withheld in the pack, shown to staff). A letter during
    2025 Q4 with a one-cycle comparison window: Q3 led to it and is left out of both, Q1 and
    Q2 are before, 2026 Q1 after."""
    from analysis import NETWORK_RULES

    app.config["STATISTICS_RULES"] = replace(NETWORK_RULES, comparison=replace(
        NETWORK_RULES.comparison, window_cycles=1))
    bwo = network.offices["bwo"]
    day = date(2025, 10, 15)  # inside 2025 Q4
    assert record_letter(team, network, acted_on=day.isoformat(),
                         offices=[str(bwo.id)]).status_code == 302
    with on(date(2026, 6, 1), team):
        _, data = build_pack(team, {"scope": "office", "office": bwo.id, "language": "en",
                                    "recipient_level": "block", "recipient_name": "BDO"})
        page = office_page(team, network, "bwo")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        row = next(csv.DictReader(io.StringIO(archive.read("escalation.csv").decode("utf-8-sig"))))
    before_means = [pooled("bwo", (p,)).mean() for p in (0, 1)]
    after = pooled("bwo", (4,))
    assert min(before_means) - 0.05 <= float(row["mean_before"]) <= max(before_means) + 0.05
    assert float(row["mean_after"]) == round(after.mean(), 1)
    assert (row["before_cycles"], row["left_out_cycles"], row["comparators"]) == ("2", "1", "4")
    # Staff see the same cycles, with exact counts, and the same words.
    assert "leaving out the 1 cycles whose figures led to it" in page
    assert f"({len(pooled('bwo', (0, 1)))} ratings)" in page
    # staff pages set it against the peers' cells of 3 ratings or more (the pack: publishable)
    assert re.search(r"\d comparable offices that got no letter changed by", page), \
        re.findall(r"[^.]*comparable[^.]*", page)
    assert "regression to the mean" in page


def test_an_action_before_any_ratings_says_there_is_not_enough_to_compare(app, network, team):
    assert record_letter(team, network, acted_on="2026-05-01").status_code == 302
    page = office_page(team, network)
    assert "Not enough ratings to compare before and after this action yet" in page


# ---- refusals: a clear message, nothing changed -----------------------------------------------

@pytest.mark.parametrize("changes, message", [
    ({"offices": []}, "Choose the offices it was about."),
    ({"offices": ["999999"]}, "Choose the offices it was about."),
    ({"offices": ["abc"]}, "Choose the offices it was about."),
    ({"acted_on": "31/02/2026"}, "Give the date."),
    ({"recipient": ""}, "Say whom it went to."),
    ({"asked": "x" * 2001}, "2000"),
    ({"level": "galaxy"}, "Not a valid choice."),
    ({"pack": "f" * 64}, "Not a valid choice."),
])
def test_a_bad_action_is_refused_and_changes_nothing(app, network, team, changes, message):
    from rating.escalation.models import AdvocacyAction

    response = record_letter(team, network, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(AdvocacyAction) == 0


@pytest.mark.parametrize("scan, received_on, message", [
    ((b"just some text, renamed", "answer.pdf", "application/pdf"), "2025-09-01",
     "That file is not a PDF, JPEG or PNG scan."),
    ((b"%PDF-1.4" + b"0" * (1950 * 1024), "big.pdf", "application/pdf"), "2025-09-01",
     "The scan is larger than 2 MB."),
    (None, "2025-08-01", "The answer cannot be dated before the action."),
])
def test_a_bad_answer_is_refused_and_changes_nothing(app, network, team, scan, received_on,
                                                      message):
    from rating.escalation.models import ActionResponse

    assert record_letter(team, network).status_code == 302
    url = re.search(r'href="(/escalation/\d+)"',
                    team.get("/escalation/").get_data(as_text=True)).group(1)
    fields = MultiDict({"received_on": received_on, "summary": "They said yes.",
                        "csrf_token": csrf_from(team.get(url).get_data(as_text=True))})
    if scan:
        fields.add("scan", FileStorage(io.BytesIO(scan[0]), filename=scan[1],
                                       content_type=scan[2]))
    # Encoded in memory: the test client would spool a big body to a file nothing closes.
    boundary, body = encode_multipart(fields)
    response = team.client.post(f"{url}/responses", data=body,
                                content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(ActionResponse) == 0


def test_the_trail_is_for_the_team_only(app, network, client, login_as, make_user):
    from rating.escalation.models import AdvocacyAction

    for role in ("leader", "admin"):
        login_as(role, login=f"someone-{role}" if role != "leader" else "BJ-900")
        for url in ("/escalation/", "/escalation/due", "/escalation/new"):
            assert client.get(url).status_code == 403, (role, url)
        client.post("/logout", data={"csrf_token": csrf_from(
            client.get("/", follow_redirects=True).get_data(as_text=True))})
    assert _count(AdvocacyAction) == 0


def test_bengali_pages_use_bengali_digits(app, network, team):
    assert record_letter(team, network).status_code == 302
    speak(team, "bn")
    page = team.get("/escalation/").get_data(as_text=True)
    assert 'lang="bn"' in page and "২০২৫" in page
    page = office_page(team, network, language="bn")
    letters = trace(trend_figure(page), LETTERS)
    assert "২০২৫" in letters["text"][0]


def test_an_older_pack_can_still_be_cited_from_its_link(app, network, team):
    """The form lists the 50 newest packs; a link from an older pack's page still works."""
    from rating.escalation.models import AdvocacyAction
    from rating.evidence.models import Pack

    hashes = [f"{n:064x}" for n in range(1, 53)]
    db.session.add_all(Pack(scope="office", scope_id=network.offices["bdo"].id,
                            scope_label="BDO Gaighata", language="en",
                            recipient_level="block", recipient_name="BDO", status="done",
                            parameters={}, manifest_sha256=sha,
                            created_at=datetime(2026, 1, 1, tzinfo=KOLKATA) + timedelta(days=n))
                       for n, sha in enumerate(hashes))
    db.session.commit()
    oldest = hashes[0]
    form = team.get(f"/escalation/new?pack={oldest}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{oldest}">|<option value="{oldest}" selected',
                     form)
    assert record_letter(team, network, oldest).status_code == 302
    assert db.session.scalar(select(AdvocacyAction.pack_sha256)) == oldest
