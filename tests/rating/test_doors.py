"""Doors at object level: a leader reads and changes only her own ratings; advocacy only reads;
only admins manage accounts; a `next=` link never leads off the site."""

import re
import uuid
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from rating.auth.models import User
from rating.extensions import db
from rating.survey.models import Rating, Submission
from tests.conftest import TEST_PASSWORDS, TEST_PIN, Browser, csrf_from


def _count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def two_leaders(app, make_user, make_office, make_cycle, make_rating):
    """Rupa (logged in on this phone) and Shefali, who rated office one with a 9 and a comment."""
    rupa = make_user("leader", login="BJ-001")
    shefali = make_user("leader", login="BJ-002")
    one, two = make_office("BDO-GAIGHATA"), make_office("BDO-BAGDAH", place="bagdah")
    cycle = make_cycle()
    theirs = make_rating(cycle, one, shefali, score=9, comment="Shefali's own words",
                         submission_id="shefali-submission-1", respect="no")
    db.session.add(Submission(submission_id=theirs.submission_id, rater_key=theirs.rater_key,
                              rating_id=theirs.id, response={"status": "stored"}))
    db.session.commit()
    phone = Browser(app.test_client())
    assert phone.login("BJ-001", TEST_PIN).status_code == 302
    token = phone.client.get("/api/session").json["csrf_token"]
    return {"rupa": rupa, "shefali": shefali, "one": one, "two": two, "cycle": cycle,
            "theirs": theirs, "phone": phone, "token": token}


def _rate(world, office, **changes):
    body = {"submission_id": uuid.uuid4().hex, "cycle_id": world["cycle"].id,
            "office_id": office.id, "score": 4, "purpose": "housing"}
    body.update(changes)
    return world["phone"].client.post("/api/ratings", json=body,
                                      headers={"X-CSRFToken": world["token"]})


def _shefalis_rating(world):
    db.session.expire_all()
    rating = db.session.get(Rating, world["theirs"].id)
    return rating.score, rating.comment, rating.respect, rating.submission_id


def test_another_leaders_submission_id_is_refused(two_leaders):
    before = _shefalis_rating(two_leaders), _count(Rating), _count(Submission)
    response = _rate(two_leaders, two_leaders["one"], submission_id="shefali-submission-1",
                     score=1, comment="overwritten")
    assert response.status_code == 409
    assert response.json["error"] == "submission_taken"
    assert "Shefali" not in response.get_data(as_text=True)  # nothing of hers comes back
    assert (_shefalis_rating(two_leaders), _count(Rating), _count(Submission)) == before


def test_another_leaders_submission_id_is_refused_on_the_page_too(two_leaders):
    office = two_leaders["one"]
    response = two_leaders["phone"].post(f"/leader/rate/{office.id}", {
        "submission_id": "shefali-submission-1", "score": "1", "purpose": "other"})
    assert response.status_code == 409
    assert _shefalis_rating(two_leaders)[0] == 9


def test_rating_the_same_office_makes_a_leaders_own_rating(two_leaders):
    assert _rate(two_leaders, two_leaders["one"], score=2).status_code == 201
    assert _shefalis_rating(two_leaders) == (9, "Shefali's own words", "no",
                                             "shefali-submission-1")
    assert _count(Rating) == 2


def test_my_ratings_lists_only_mine(two_leaders):
    phone = two_leaders["phone"].client
    assert phone.get("/api/ratings/mine").json["ratings"] == []
    _rate(two_leaders, two_leaders["two"], score=6)
    mine = phone.get("/api/ratings/mine").json["ratings"]
    assert [(r["office_id"], r["score"]) for r in mine] == [(two_leaders["two"].id, 6)]
    assert "Shefali" not in phone.get("/api/ratings/mine").get_data(as_text=True)


def test_the_rate_page_prefills_only_my_own_answers(two_leaders):
    phone = two_leaders["phone"].client
    page = phone.get(f"/leader/rate/{two_leaders['one'].id}").get_data(as_text=True)
    assert "Shefali's own words" not in page and "Shefali&#39;s own words" not in page
    assert not re.search(r'name="score"[^>]*value="9"[^>]*checked', page)
    assert 'value="no" checked' not in page.replace('checked value="no"', "")
    _rate(two_leaders, two_leaders["one"], score=3, comment="my own words")
    page = phone.get(f"/leader/rate/{two_leaders['one'].id}").get_data(as_text=True)
    assert "my own words" in page and "Shefali" not in page
    assert re.search(r'value="3" checked', page)


def test_home_and_saved_pages_show_nothing_of_another_leader(two_leaders):
    phone = two_leaders["phone"].client
    home = phone.get("/leader/").get_data(as_text=True)
    assert "BDO-GAIGHATA (bn)" not in home  # she rated it, Rupa did not
    saved = phone.get(f"/leader/saved/{two_leaders['one'].id}")
    assert saved.status_code == 302 and "/leader/rate/" in saved.headers["Location"]


# --- Roles on every changing endpoint, taken from the URL map ---------------------------------

AUTH_ENDPOINTS = {"auth.login", "auth.logout", "auth.quick_exit", "auth.language",
                  "auth.change_pin"}  # her own account
# What advocacy may write: its own work, not the directory, cycles, clips or accounts.
# Building an evidence pack, and recording the escalation trail (issue #8: "advocacy and staff").
ADVOCACY_WRITES = {"evidence.index", "escalation.new", "escalation.add_response",
                   "escalation.add_commitment", "escalation.resolve"}


@pytest.fixture
def ids(app, make_user, make_office, make_cycle):
    from datetime import date

    from rating.directory.services import post_officer, save_officer
    from rating.survey.models import VoicePrompt

    office = make_office()
    officer = save_officer(None, name_en="A. Roy", name_bn="", notes="")
    posting = post_officer(officer, office, date(2026, 1, 1))
    prompt = VoicePrompt(question="score", language="bn", mime_type="audio/ogg",
                         audio=b"OggS....")
    db.session.add(prompt)
    db.session.commit()
    victim = make_user("leader", login="BJ-050")
    return {"office_id": office.id, "officer_id": officer.id, "posting_id": posting.id,
            "cycle_id": make_cycle(status="draft").id, "prompt_id": prompt.id,
            "user_id": victim.id}


def _post_urls(app, ids):
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in AUTH_ENDPOINTS:
            continue
        choices = [{}]
        for argument in rule.arguments:
            any_of = re.search(rf"<any\(([^)]*)\):{argument}>", rule.rule)
            values = [v.strip() for v in any_of.group(1).split(",")] if any_of else \
                [str(ids.get(argument, 1))]
            choices = [dict(c, **{argument: v}) for c in choices for v in values]
        for values in choices:
            url = rule.rule
            for name, value in values.items():
                url = re.sub(rf"<[^>]*:{name}>|<{name}>", value, url)
            yield rule.endpoint, url


def _fingerprint():
    from tests.rating.test_hostile_input import fingerprint

    return fingerprint()


def test_advocacy_cannot_change_anything(app, client, login_as, ids):
    login_as("advocacy")
    token = csrf_from(client.get("/cycles/").get_data(as_text=True))
    tried = set()
    before = _fingerprint()
    for endpoint, url in _post_urls(app, ids):
        if endpoint in ADVOCACY_WRITES:
            continue
        response = client.post(url, data={"csrf_token": token, "name": "x", "code": "X-1",
                                          "name_en": "x", "starts_on": "2026-01-01",
                                          "ends_on": "2026-02-01", "ended_on": "2026-02-01"},
                               headers={"X-CSRFToken": token})
        assert response.status_code == 403, (endpoint, url, response.status_code)
        tried.add(endpoint.split(".")[0])
    assert {"directory", "cycles", "voice", "admin", "api"} <= tried
    assert _fingerprint() == before


@pytest.mark.parametrize("role", ["leader", "staff", "advocacy"])
def test_nobody_but_admin_manages_users(app, client, login_as, ids, role):
    admin_endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                       if rule.endpoint.startswith("admin.")}
    assert {"admin.create_staff", "admin.import_leaders", "admin.reset_secret",
            "admin.set_active", "admin.users", "admin.audit"} <= admin_endpoints
    for endpoint in admin_endpoints:
        assert app.view_functions[endpoint].allowed_roles == frozenset({"admin"}), endpoint
    login_as(role)
    token = client.get("/api/session").json["csrf_token"]
    users_before = [(u.id, u.active, u.session_version, u.password_hash)
                    for u in db.session.scalars(select(User).order_by(User.id))]
    for endpoint, url in _post_urls(app, ids):
        if endpoint in admin_endpoints:
            response = client.post(url, data={"csrf_token": token, "login": "intruder",
                                              "display_name": "x", "role": "admin",
                                              "password": "intruder-password"})
            assert response.status_code == 403, (endpoint, url)
    db.session.expire_all()
    assert [(u.id, u.active, u.session_version, u.password_hash)
            for u in db.session.scalars(select(User).order_by(User.id))] == users_before


# --- next= stays on the site ----------------------------------------------------------------

SITE = "https://rating.example"
HOSTILE_NEXT = [
    "https://evil.example/", "http://evil.example", "//evil.example", "///evil.example",
    "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\\/evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "https:evil.example", "https:/evil.example",
    "%2F%2Fevil.example", "/%2F%2Fevil.example", "/%5Cevil.example", "%5C%5Cevil.example",
    "/\t/evil.example", "/\n/evil.example", "\t//evil.example", " //evil.example",
    "/.//evil.example", "/\u3000/evil.example", "//evil.example@rating.example",
    "/\x00/evil.example", "http://rating.example@evil.example/",
]


def _refused_or_on_site(response, target) -> bool:
    """A next= holding a NUL is refused outright (400); any other is followed only on-site."""
    if response.status_code == 400:
        return "\x00" in target
    return response.status_code == 302 and _stays_on_site(response.headers["Location"])


def _stays_on_site(location: str) -> bool:
    target = urlsplit(urljoin(SITE + "/login", location))
    return target.scheme == "https" and target.netloc == "rating.example" \
        and not location.lower().lstrip().startswith(("javascript:", "data:"))


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_next_stays_on_the_site(browser, make_user, target):
    make_user("staff")
    page = browser.get("/login", query_string={"next": target}, base_url=SITE)
    token = csrf_from(page.get_data(as_text=True))
    response = browser.client.post("/login", base_url=SITE, headers={"Referer": SITE + "/login"},
                                   query_string={"next": target}, data={
                                       "username": "staff", "password": TEST_PASSWORDS["staff"],
                                       "next": target, "csrf_token": token})
    assert _refused_or_on_site(response, target), response.headers.get("Location")


def test_a_site_path_in_next_is_followed(browser, make_user):
    make_user("staff")
    response = browser.post("/login?next=/cycles/", {
        "username": "staff", "password": TEST_PASSWORDS["staff"], "next": "/cycles/"})
    assert response.headers["Location"] == "/cycles/"


@pytest.fixture
def language_form(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))

    def switch(target):
        return client.post("/language", data={"language": "en", "next": target,
                                              "csrf_token": token})

    return switch


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_language_switch_next_stays_on_the_site(language_form, target):
    response = language_form(target)
    assert _refused_or_on_site(response, target), response.headers.get("Location")


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.one_of(
    st.text(),
    st.builds("".join, st.lists(st.sampled_from(
        ["/", "\\", "//", "%2F", "%5C", ":", "@", "evil.example", "javascript", "\t", " ",
         "\u3000", ".", "http", "s"]), max_size=8))))
def test_any_next_stays_on_the_site(language_form, target):
    """The language switch is public and shares the login's check, so it is fuzzed here. The
    fixture is the same for every example (one client that only switches language)."""
    response = language_form(target)
    assert _refused_or_on_site(response, target), response.headers.get("Location")
