"""The leaders' pages without JavaScript: choose an office, rate, change, saved; voice prompts;
the offline shell; nothing of one leader shown to the next on a shared phone."""

import io
import re

import pytest
from sqlalchemy import func, select

from rating.extensions import db
from rating.survey.models import Rating
from tests.conftest import TEST_PIN, Browser, csrf_from


@pytest.fixture
def leader_page(app, client, login_as, make_cycle, make_office):
    leader = login_as("leader", login="BJ-001")
    return {"leader": leader, "cycle": make_cycle(), "office": make_office(),
            "other": make_office(code="DCPO-N24P", place="district", department="dcpo")}


def form_values(html: str) -> dict:
    return {"csrf_token": csrf_from(html),
            "submission_id": re.search(r'name="submission_id" type="hidden" value="(\w+)"',
                                       html).group(1)}


def rate(client, office_id, **answers):
    html = client.get(f"/leader/rate/{office_id}").get_data(as_text=True)
    data = form_values(html)
    data.update({"purpose": "housing"}, **answers)
    return client.post(f"/leader/rate/{office_id}", data=data)


def ratings():
    db.session.expire_all()
    return db.session.scalars(select(Rating)).all()


def test_rate_page_has_ten_score_buttons_in_bengali_digits(client, leader_page):
    page = client.get(f"/leader/rate/{leader_page['office'].id}").get_data(as_text=True)
    assert page.count('type="radio" name="score"') == 10
    assert [int(v) for v in re.findall(r'name="score" id="score-\d+" value="(\d+)"', page)] == \
        list(range(1, 11))
    assert ">১০</span></label>" in page  # Bengali digits on a Bengali page
    for question in ("purpose", "respect", "resolved"):
        assert f'name="{question}"' in page
    assert 'name="comment"' in page and 'maxlength="1000"' in page
    assert 'name="quote_consent"' in page


def test_rate_change_and_see_it_saved(client, leader_page):
    office = leader_page["office"]
    response = rate(client, office.id, score="4", respect="no", resolved="partly",
                    comment="They sent me away twice.")
    assert response.status_code == 303
    saved = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "৪" in saved
    assert [r.score for r in ratings()] == [4]
    again = rate(client, office.id, score="8")  # a change, until the cycle closes
    assert again.status_code == 303
    assert [r.score for r in ratings()] == [8]
    home = client.get("/leader/").get_data(as_text=True)
    assert office.name_bn in home and "৮" in home


def test_same_form_posted_twice_stores_once(client, leader_page):
    office = leader_page["office"]
    html = client.get(f"/leader/rate/{office.id}").get_data(as_text=True)
    data = dict(form_values(html), score="6", purpose="documents")
    first = client.post(f"/leader/rate/{office.id}", data=data)
    second = client.post(f"/leader/rate/{office.id}", data=data)
    assert first.status_code == second.status_code == 303
    assert len(ratings()) == 1
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 1


@pytest.mark.parametrize("answers", [{}, {"score": "0"}, {"score": "11"}, {"score": "7.5"},
                                     {"score": "seven"}, {"score": "5", "purpose": ""},
                                     {"score": "5", "comment": "x" * 1001}])
def test_bad_answers_show_a_message_and_store_nothing(client, leader_page, answers):
    response = rate(client, leader_page["office"].id, **answers)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert ratings() == []


def test_closed_cycle_refuses_the_form(client, leader_page):
    html = client.get(f"/leader/rate/{leader_page['office'].id}").get_data(as_text=True)
    leader_page["cycle"].status = "closed"
    db.session.commit()
    response = client.post(f"/leader/rate/{leader_page['office'].id}",
                           data=dict(form_values(html), score="5", purpose="housing"))
    assert response.status_code == 409
    assert ratings() == []


def test_post_without_csrf_token_is_refused(client, leader_page):
    html = client.get(f"/leader/rate/{leader_page['office'].id}").get_data(as_text=True)
    data = form_values(html)
    del data["csrf_token"]
    response = client.post(f"/leader/rate/{leader_page['office'].id}",
                           data=dict(data, score="5", purpose="housing"))
    assert response.status_code == 400
    assert ratings() == []


def test_office_list_puts_offices_rated_before_first_and_searches_both_languages(
        client, leader_page):
    rate(client, leader_page["other"].id, score="5")
    page = client.get("/leader/offices").get_data(as_text=True)
    assert page.index(leader_page["other"].name_bn) < page.index(leader_page["office"].name_bn)
    found = client.get("/leader/offices", query_string={"q": "DCPO"}).get_data(as_text=True)
    assert leader_page["other"].name_bn in found and leader_page["office"].name_bn not in found
    found = client.get("/leader/offices", query_string={"q": leader_page["office"].name_bn})
    assert leader_page["office"].name_bn in found.get_data(as_text=True)


def test_shared_phone_next_leader_sees_nothing_of_the_first(app, client, leader_page, make_user):
    rate(client, leader_page["office"].id, score="2", comment="private words")
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    make_user("leader", login="BJ-002")
    Browser(client).login("BJ-002", TEST_PIN)
    for url in ("/leader/", "/leader/offices", f"/leader/rate/{leader_page['office'].id}"):
        page = client.get(url).get_data(as_text=True)
        assert "private words" not in page and 'class="score s2"' not in page, url
        assert "BJ-001" not in page


def test_leader_pages_are_not_cached_by_the_browser(client, leader_page):
    for url in ("/leader/", "/leader/offices", f"/leader/rate/{leader_page['office'].id}"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_offline_shell_holds_nothing_personal(client, leader_page):
    for language in ("bn", "en"):
        page = client.get(f"/leader/offline/{language}").get_data(as_text=True)
        assert f'lang="{language}"' in page
        assert "BJ-001" not in page and "csrf" not in page.lower()
        assert 'name="score"' in page


def test_service_worker_and_manifest_are_served_for_the_leader_scope(client):
    with client.get("/leader/sw.js") as worker:
        assert worker.headers["Service-Worker-Allowed"] == "/leader/"
        assert "javascript" in worker.mimetype
    manifest = client.get("/leader/manifest.webmanifest")
    assert manifest.json["scope"] == "/leader/"


MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 200


def test_staff_upload_a_voice_prompt_and_leaders_get_a_play_button(app, leader_page, client):
    staff = Browser(app.test_client())
    from rating.admin.services import create_user

    create_user(login="staff7", display_name="s", role="staff", secret="staff-password-7")
    staff.login("staff7", "staff-password-7")
    token = csrf_from(staff.get("/voice/").get_data(as_text=True))
    response = staff.client.post("/voice/", data={
        "csrf_token": token, "question": "score", "language": "bn",
        "clip": (io.BytesIO(MP3), "score-bn.mp3", "audio/mpeg")})
    assert response.status_code == 302
    page = client.get(f"/leader/rate/{leader_page['office'].id}").get_data(as_text=True)
    # One large speaker button (a link that the script plays in the page), no native audio bar.
    assert "<audio" not in page
    assert page.count('class="speak"') == 1 and 'href="/voice/score/bn" data-clip="score"' in page
    clip = client.get("/voice/score/bn")
    assert clip.data == MP3 and clip.mimetype == "audio/mpeg"


def test_a_document_is_not_accepted_as_a_voice_prompt(app, login_as, browser):
    login_as("staff")
    token = csrf_from(browser.get("/voice/").get_data(as_text=True))
    response = browser.client.post("/voice/", data={
        "csrf_token": token, "question": "score", "language": "bn",
        "clip": (io.BytesIO(b"%PDF-1.4 not audio"), "x.mp3", "audio/mpeg")})
    assert response.status_code == 422
    assert browser.get("/voice/score/bn").status_code == 404


def test_the_worker_is_a_bodiless_304_until_it_changes(client):
    """The browser asks for the worker on every visit; unchanged, the answer has no body."""
    first = client.get("/leader/sw.js")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/leader/sw.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    stale = client.get("/leader/sw.js", headers={"If-None-Match": '"0123456789ab"'})
    assert stale.status_code == 200 and stale.data == first.data
