"""The audit trail: logins, failed logins, locks, logouts and every change to accounts, cycles
and the directory are recorded; admins read them on /admin/audit; no row ever holds a PIN, a
password, or a link between a rating and its rater."""

import io
import json
import re
import uuid
from datetime import date

import pytest

from rating.audit import AuditEvent, record
from rating.auth.services import rater_key_for
from rating.extensions import db
from tests.conftest import TEST_PASSWORDS, TEST_PIN, Browser, csrf_from

PIN_ON_PAGE = re.compile(r'<code class="pin">([^<]+)</code>')


def _events():
    db.session.expire_all()
    return db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()


def _leaves(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _leaves(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _leaves(inner)
    elif value is not None:
        yield value


def _post_json(client, url, body):
    token = client.get("/api/session").json["csrf_token"]
    return client.post(url, json=body, headers={"X-CSRFToken": token})


@pytest.fixture
def scripted_session(app, make_user, make_collective, directory, make_office):
    """A day of the service, as its people would live it; returns every secret typed or shown."""
    secrets = {TEST_PIN, *TEST_PASSWORDS.values()}
    typed_as_username = []
    make_collective("BJ")
    make_user("admin")
    make_user("staff")
    office = make_office()
    admin = Browser(app.test_client())
    assert admin.login("admin", TEST_PASSWORDS["admin"]).status_code == 302

    # Staff and leaders created; a staff password chosen by the admin.
    secrets.add("a-brand-new-advocacy-pass")
    admin.post("/admin/users/staff", {"login": "advocate", "display_name": "Advocate",
                                      "role": "advocacy",
                                      "password": "a-brand-new-advocacy-pass"},
               page="/admin/users")
    csv = "member_code,display_name,collective\nBJ-301,Rupa Mondal,BJ\nBJ-302,Shefali Das,BJ\n"
    created = admin.post("/admin/users/leaders", {"file": (io.BytesIO(csv.encode()), "l.csv")},
                         page="/admin/users", content_type="multipart/form-data")
    pins = PIN_ON_PAGE.findall(created.get_data(as_text=True))
    assert len(pins) == 2
    secrets.update(pins)
    from rating.auth.models import User

    rupa = db.session.scalar(db.select(User).where(User.login == "BJ-301"))
    reset = admin.post(f"/admin/users/{rupa.id}/reset", page="/admin/users")
    (new_pin,) = PIN_ON_PAGE.findall(reset.get_data(as_text=True))
    secrets.add(new_pin)

    # Leaders log in, one types her PIN into the username box first, one gets locked out.
    phone = Browser(app.test_client())
    typed_as_username.append(new_pin)
    assert phone.login(new_pin, new_pin).status_code == 401
    secrets.add("0000")
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        Browser(app.test_client()).login("BJ-302", "0000")
    typed_as_username.append("BJ-404 my pin 9753")
    secrets.add("9753")
    assert phone.login("BJ-404 my pin 9753", "9753").status_code == 401
    assert phone.login("BJ-301", new_pin).status_code == 302

    # A cycle opened, ratings made through the page and the JSON endpoint.
    staff = Browser(app.test_client())
    staff.login("staff", TEST_PASSWORDS["staff"])
    staff.post("/cycles/", {"name": "2026 Q4", "starts_on": "2026-10-01",
                            "ends_on": "2026-12-31"})
    from rating.cycles.models import Cycle

    cycle = db.session.scalar(db.select(Cycle))
    # confirmed: on a day before the cycle's dates, opening asks first
    staff.post(f"/cycles/{cycle.id}/open", {"confirmed": "yes"}, page=f"/cycles/{cycle.id}")
    assert _post_json(phone.client, "/api/ratings", {
        "submission_id": uuid.uuid4().hex, "cycle_id": cycle.id, "office_id": office.id,
        "score": 3, "purpose": "housing", "comment": "They sent me away twice."}).status_code == 201
    phone.post(f"/leader/rate/{office.id}", {"submission_id": uuid.uuid4().hex, "score": "4",
                                            "purpose": "housing"})
    # The directory: an office by hand and a CSV import.
    staff.post("/directory/offices/new", {
        "code": "WDO-GAIGHATA", "department": directory["bdo"].id,
        "place": directory["gaighata"].id, "level": "", "name_en": "", "name_bn": ""})
    officers = "name_en,office_code,started_on\nA. Roy,BDO-GAIGHATA,2026-01-01\n"
    preview = staff.post("/directory/import", {
        "kind": "officers", "file": (io.BytesIO(officers.encode()), "o.csv")},
        content_type="multipart/form-data")
    staff.client.post("/directory/import/confirm", data={
        "csrf_token": csrf_from(preview.get_data(as_text=True)), "kind": "officers",
        "content": officers})
    staff.post(f"/cycles/{cycle.id}/close", {"confirmed": "yes"}, page=f"/cycles/{cycle.id}")
    phone.post("/logout", page="/leader/")
    return {"secrets": secrets, "typed_as_username": typed_as_username, "rupa": rupa,
            "admin": admin, "cycle": cycle}


def test_the_day_is_recorded(scripted_session):
    actions = {event.action for event in _events()}
    assert {"user.create", "user.reset_secret", "auth.login", "auth.login_failed", "auth.lock",
            "auth.logout", "cycle.create", "cycle.open", "cycle.close", "office.create",
            "officer.import"} <= actions


def test_no_audit_row_holds_a_secret_or_a_rater(scripted_session):
    from rating.auth.models import User

    forbidden = set(scripted_session["secrets"]) | set(scripted_session["typed_as_username"])
    leaders = db.session.scalars(db.select(User).where(User.role == "leader")).all()
    forbidden |= {rater_key_for(leader.id) for leader in leaders}
    forbidden |= {user.password_hash for user in db.session.scalars(db.select(User))}
    comments = {"They sent me away twice."}
    leaks = []
    events = _events()
    assert len(events) > 20
    for event in events:
        texts = [event.action, event.target_type, json.dumps(event.details, ensure_ascii=False),
                 *map(str, _leaves(event.details))]
        for secret in forbidden | comments:
            if any(secret in text for text in texts):
                leaks.append((event.action, event.details, secret))
        assert event.target_type not in ("rating", "submission"), event.action
    assert leaks == []


def test_a_failed_login_says_only_whether_the_account_exists(scripted_session):
    failures = [e for e in _events() if e.action == "auth.login_failed"]
    unknown = [e for e in failures if not e.details["account_exists"]]
    known = [e for e in failures if e.details["account_exists"]]
    assert len(unknown) == 2 and all(e.target_id is None for e in unknown)
    assert known and all(e.target_id is not None for e in known)
    for event in unknown:
        assert set(event.details) == {"account_exists", "reason", "own_phone"}


def test_the_audit_page_shows_the_day_without_its_secrets(scripted_session):
    admin = scripted_session["admin"]
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "auth.login_failed" in page and "cycle.open" in page
    for secret in scripted_session["secrets"] | set(scripted_session["typed_as_username"]):
        assert secret not in page, secret
    assert rater_key_for(scripted_session["rupa"].id) not in page


def test_the_audit_page_filters_by_action(scripted_session):
    admin = scripted_session["admin"]
    page = admin.get("/admin/audit?action=cycle.open").get_data(as_text=True)
    body = page.split("<tbody>", 1)[1]
    assert "cycle.open" in body and "auth.login" not in body and "user.create" not in body
    everything_auth = admin.get("/admin/audit?action=auth.").get_data(as_text=True)
    body = everything_auth.split("<tbody>", 1)[1]
    assert "auth.login_failed" in body and "auth.logout" in body and "cycle.open" not in body


def test_the_audit_page_is_paginated(app, client, login_as):
    login_as("admin")
    for number in range(120):
        record("office.update", "office", number + 1, code=f"CODE-{number:03d}")
    db.session.commit()
    first = client.get("/admin/audit?action=office.update").get_data(as_text=True)
    assert "CODE-119" in first and "CODE-000" not in first  # newest first, 50 a page
    third = client.get("/admin/audit?action=office.update&page=3").get_data(as_text=True)
    assert "CODE-000" in third and "CODE-119" not in third
    assert client.get("/admin/audit?page=99").status_code == 200


@pytest.mark.parametrize("role", ["leader", "staff", "advocacy"])
def test_only_admins_read_the_audit_trail(client, login_as, role):
    login_as(role)
    assert client.get("/admin/audit").status_code == 403


def test_deactivating_and_directory_changes_are_recorded(app, login_as, make_user, browser,
                                                         make_office):
    login_as("admin")
    leader = make_user("leader")
    browser.post(f"/admin/users/{leader.id}/deactivate", page="/admin/users")
    actions = [(e.action, e.target_id) for e in _events()]
    assert ("user.deactivate", leader.id) in actions
    from rating.directory.services import post_officer, save_officer

    officer = save_officer(None, name_en="B. Sen", name_bn="", notes="")
    post_officer(officer, make_office(), date(2026, 1, 1))
    assert {"officer.create", "posting.create"} <= {e.action for e in _events()}
