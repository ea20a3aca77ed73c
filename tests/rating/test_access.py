"""Every endpoint declares who may use it, and the server holds to it for every role."""

import re

import pytest

from rating.access import PUBLIC
from rating.auth.models import ROLES
from tests.conftest import csrf_from

# A value for each URL variable, so that every GET endpoint can be requested.
SAMPLE_VALUES = {"office_id": "1", "officer_id": "1", "cycle_id": "1", "user_id": "1",
                 "posting_id": "1", "action": None, "filename": "css/app.css",
                 "prompt_id": "1", "element": "purpose.housing", "language": None, "place_id": "1",
                 "department_id": "1", "pack_id": "1", "rating_id": "1", "decision": None,
                 "action_id": "1", "response_id": "1", "commitment_id": "1",
                 "digest": "0" * 64}


def test_every_endpoint_declares_its_roles(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if getattr(view, "allowed_roles", None) is None]
    assert undeclared == []


def test_an_undeclared_endpoint_is_refused(fresh_app):
    fresh_app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert fresh_app.test_client().get("/forgotten").status_code == 403


def _get_urls(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {}
        for argument in rule.arguments:
            if argument in ("action", "language", "decision"):
                values[argument] = re.search(rf"any\(([^,)]+)[^>]*:{argument}>", rule.rule).group(1)
            else:
                values[argument] = SAMPLE_VALUES[argument]
        url = rule.rule
        for name, value in values.items():
            url = re.sub(rf"<[^>]*{name}>", value, url)
        yield rule.endpoint, url


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_its_pages(app, client, login_as, role):
    login_as(role)
    for endpoint, url in _get_urls(app):
        allowed = app.view_functions[endpoint].allowed_roles
        with client.get(url) as response:
            status = response.status_code
        if allowed == PUBLIC or role in allowed:
            assert status in (200, 302, 404), (endpoint, url, status)
        else:
            assert status == 403, (endpoint, url, status)


def test_anonymous_visitors_are_sent_to_login(app, client):
    for endpoint, url in _get_urls(app):
        if app.view_functions[endpoint].allowed_roles == PUBLIC:
            continue
        with client.get(url) as response:
            pass
        if url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302, url
            assert "/login?next=" in response.headers["Location"], url


@pytest.mark.parametrize("role", ["leader", "advocacy", "admin"])
def test_staff_only_posts_are_refused_to_other_roles(app, client, login_as, role):
    login_as(role)
    token = csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True))
    for rule in app.url_map.iter_rules():
        allowed = app.view_functions[rule.endpoint].allowed_roles
        if "POST" in rule.methods and allowed == frozenset({"staff"}):
            url = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", re.sub(r"<int:\w+>", "1", rule.rule))
            assert client.post(url, data={"csrf_token": token}).status_code == 403, url
