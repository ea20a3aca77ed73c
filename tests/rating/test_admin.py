"""Accounts as the administrator manages them: leaders in bulk with PINs shown once, PIN
resets and deactivation that end existing sessions, staff accounts with real passwords."""

import io
import re

import pytest
from sqlalchemy import func, select

from rating.auth.models import User
from rating.extensions import db

TEST_PIN = "1357"
LEADERS = ("member_code,display_name,collective\n"
           "BJ-201,Rupa Mondal,BJ\n"
           "bj-202,Shefali Das,Bijoyini\n"
           "UT-201,Mita Sarkar,UT\n")



class Visitor:
    """Another person's browser: its own cookies, so its own session."""

    def __init__(self, app):
        self.client = app.test_client()

    def login(self, login, secret):
        page = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        return self.client.post("/login", data={"username": login, "password": secret,
                                                "csrf_token": token})


@pytest.fixture
def admin(login_as, make_collective):
    make_collective("BJ", "Bijoyini", "বিজয়িনী")
    make_collective("UT", "Utthan", "উত্থান")
    return login_as("admin")


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def user(login: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.login == login))


def upload_leaders(browser, content: str):
    return browser.post("/admin/users/leaders",
                        {"file": (io.BytesIO(content.encode("utf-8")), "leaders.csv")},
                        page="/admin/users")


def pins_on(page: str) -> dict[str, str]:
    return dict(re.findall(r"<td><code>([A-Z]+-\d+)</code></td><td>[^<]*</td>"
                           r'<td><code class="pin">(\d+)</code></td>', page))


def test_bulk_create_leaders_shows_each_pin_once(browser, admin, app):
    response = upload_leaders(browser, LEADERS)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    pins = pins_on(page)
    assert set(pins) == {"BJ-201", "BJ-202", "UT-201"}
    for pin in pins.values():
        assert re.fullmatch(r"\d{4}", pin)
    assert user("UT-201").collective.code == "UT"
    assert user("BJ-202").language == "bn"
    listing = browser.get("/admin/users").get_data(as_text=True)
    assert "<td><code>BJ-201</code></td><td>Rupa Mondal</td><td>Leader</td>" in listing
    assert not any(f'class="pin">{pin}<' in listing for pin in pins.values())

    leader = Visitor(app)
    assert leader.login("bj-202", pins["BJ-202"]).status_code == 302
    assert leader.client.get("/leader/").status_code == 200


def test_a_member_code_typed_as_leaders_type_it_is_written_as_one(browser, admin):
    """The file reads member codes as the login box does: "bj 208" and "BJ209" are BJ-208 and
    BJ-209."""
    response = upload_leaders(browser, "member_code,display_name,collective\n"
                                       "bj 208,Mita Das,BJ\nBJ209,Lata Roy,BJ\n")
    assert response.status_code == 200
    assert set(pins_on(response.get_data(as_text=True))) == {"BJ-208", "BJ-209"}
    assert user("BJ-208").display_name == "Mita Das" and user("bj 208") is None


@pytest.mark.parametrize("content, lines", [
    (LEADERS + "BJ-201,Someone Else,BJ\n", {"5 | member_code"}),
    (LEADERS + "BJ-203,Someone Else,Sangini\n", {"5 | collective"}),
    (LEADERS + "BJ-2O4,Someone Else,BJ\n", {"5 | member_code"}),  # a letter O, not a zero
    (LEADERS + "12345,Someone Else,BJ\n", {"5 | member_code"}),
    (LEADERS + "BJ-205,Someone Else,BJ,xx\n", {"5 | "}),
    ("member_code,display_name,collective,language\nBJ-206,A,BJ,fr\nBJ-207,B,XX,bn\n",
     {"2 | language", "3 | collective"}),
])
def test_a_bad_leaders_file_creates_nobody(browser, admin, content, lines):
    before = user_count()
    response = upload_leaders(browser, content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "No leaders were created" in page
    rows = [" | ".join(cells) for cells in
            re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>", page)]
    assert {row for row in rows if any(row.startswith(line) for line in lines)}, rows
    assert len(rows) == len(lines)
    assert user_count() == before
    assert not pins_on(page)


def test_a_member_code_already_in_the_database(browser, admin, make_user):
    make_user("leader", login="BJ-201")
    before = user_count()
    response = upload_leaders(browser, LEADERS)
    assert response.status_code == 422
    assert "Member code BJ-201 is already used." in response.get_data(as_text=True)
    assert user_count() == before


def test_reset_pin(browser, admin, make_user, app):
    leader = make_user("leader", login="BJ-001")
    phone = Visitor(app)
    assert phone.login("BJ-001", TEST_PIN).status_code == 302
    assert phone.client.get("/leader/").status_code == 200

    response = browser.post(f"/admin/users/{leader.id}/reset", page="/admin/users")
    assert response.status_code == 200
    pin = re.search(r'<code class="pin">(\d{4})</code>', response.get_data(as_text=True)).group(1)

    after = phone.client.get("/leader/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")
    assert Visitor(app).login("BJ-001", TEST_PIN).status_code == 401
    assert Visitor(app).login("BJ-001", pin).status_code == 302


def test_deactivate_ends_login_and_sessions(browser, admin, make_user, app):
    leader = make_user("leader", login="BJ-001")
    phone = Visitor(app)
    assert phone.login("BJ-001", TEST_PIN).status_code == 302

    response = browser.post(f"/admin/users/{leader.id}/deactivate", page="/admin/users")
    assert response.status_code == 302
    assert user("BJ-001").active is False
    after = phone.client.get("/leader/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")
    assert Visitor(app).login("BJ-001", TEST_PIN).status_code == 401

    browser.post(f"/admin/users/{leader.id}/activate", page="/admin/users")
    assert Visitor(app).login("BJ-001", TEST_PIN).status_code == 302


def test_admin_cannot_deactivate_themselves(browser, admin):
    response = browser.post(f"/admin/users/{admin.id}/deactivate", page="/admin/users")
    assert response.status_code == 409
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert user(admin.login).active is True


def test_create_a_staff_account(browser, admin, app):
    response = browser.post("/admin/users/staff", {
        "login": "Priya", "display_name": "Priya Ghosh", "role": "advocacy",
        "password": "long-enough-pass"})
    assert response.status_code == 302
    assert user("priya").role == "advocacy"
    assert Visitor(app).login("priya", "long-enough-pass").status_code == 302


@pytest.mark.parametrize("form, message", [
    ({"password": "short-pas"}, "The password must have at least 10 characters."),
    ({"login": "admin"}, "That member code or username is already used."),
    ({"login": "a b"}, "A username has 3 to 64"),
    ({"role": "leader"}, "Not a valid choice"),
])
def test_a_bad_staff_account_is_refused(browser, admin, form, message):
    field = "password" if "password" in form else ("role" if "role" in form else "login")
    before = user_count()
    data = {"login": "priya", "display_name": "Priya Ghosh", "role": "staff",
            "password": "long-enough-pass"} | form
    response = browser.post("/admin/users/staff", data, page="/admin/users")
    assert response.status_code == 400
    errors = re.findall(rf'<p class="error" id="{field}-error">([^<]*)</p>',
                        response.get_data(as_text=True))
    assert any(message in error for error in errors), errors
    assert user_count() == before


@pytest.mark.parametrize("role", ["staff", "advocacy", "leader"])
def test_only_admins_manage_accounts(browser, login_as, make_user, role):
    target = make_user("leader", login="BJ-099")
    login_as(role)
    assert browser.get("/admin/users").status_code == 403
    for url in (f"/admin/users/{target.id}/reset", f"/admin/users/{target.id}/deactivate"):
        assert browser.post(url, page="/leader/" if role == "leader" else "/cycles/") \
            .status_code == 403
    assert user("BJ-099").active is True
