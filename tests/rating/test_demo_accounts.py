"""The demo network: `make run` data, and each demo account reaching only its own pages."""

import pytest

from tests.conftest import Browser

DEMO = [("BJ-001", "2468", "/leader/"), ("UT-001", "2468", "/leader/"),
        ("staff", "demo-staff-pass", "/dashboard/"),
        ("advocacy", "demo-advocacy-pass", "/dashboard/"),
        ("admin", "demo-admin-pass", "/admin/users")]
FORBIDDEN = {"/leader/": ["/directory/offices", "/cycles/", "/admin/users", "/dashboard/"],
             "/dashboard/": ["/leader/", "/admin/users"],
             "/admin/users": ["/leader/", "/directory/offices", "/cycles/", "/dashboard/"]}


@pytest.fixture
def demo(app):
    from rating import demo

    return demo.create_demo(progress=lambda *_: None)


@pytest.mark.slow
def test_each_demo_account_reaches_only_its_pages(app, demo):
    assert "128 leaders" in demo
    for login, secret, home in DEMO:
        browser = Browser(app.test_client())
        assert browser.login(login, secret).status_code == 302, login
        assert browser.get("/").headers["Location"] == home
        assert browser.get(home).status_code == 200
        for other in FORBIDDEN[home]:
            assert browser.get(other).status_code == 403, (login, other)


@pytest.mark.slow
def test_demo_leader_sees_the_open_cycle(app, demo):
    browser = Browser(app.test_client())
    browser.login("UT-001", "2468")
    page = browser.get("/leader/").get_data(as_text=True)
    assert "২০২৬ Q৪" in page  # the open cycle, in Bengali digits
    assert page.count('class="score') == 2  # UT-001 has rated two offices in it
