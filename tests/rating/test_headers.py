"""Security headers on every answer, and pages that need no inline script or style, so the
Content Security Policy can forbid them ('unsafe-inline' is never allowed)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rating.access import PUBLIC
from rating.auth.models import ROLES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A <script> the browser runs: no src, and no data type such as application/json.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}
# Documents rendered into a downloaded file (the evidence pack's report.pdf and offline
# report.html, the letter.pdf, and the leaders' score card PDF), never served as a page under
# the site's policy.
STANDALONE_DOCUMENTS = {"evidence/report.html", "evidence/letter.html", "results/card.html"}


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _check_headers(response, where):
    policy = _policy(response)
    assert policy, f"{where}: no Content-Security-Policy"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], where
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"], where
    for kind in ("script-src", "style-src"):
        sources = policy.get(kind, policy.get("default-src"))
        assert sources == ["'self'"], (where, kind, sources)
    assert policy.get("frame-ancestors") == ["'none'"], where
    assert policy.get("object-src") == ["'none'"], where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer",
                                                       "strict-origin-when-cross-origin"), where


class _InlineCode(HTMLParser):
    """Collects what a strict CSP would block in a page: inline scripts, style elements and
    attributes, event-handler attributes and javascript: links."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and \
                (attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def _inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


INLINE_IN_TEMPLATE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
     "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_holds_inline_script_or_style():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if str(path.relative_to(TEMPLATES)) in STANDALONE_DOCUMENTS:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE_IN_TEMPLATE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(TEMPLATES)}:{line}: {what}")
    assert problems == []


@pytest.mark.parametrize("html,expected", [
    ("<script>alert(1)</script>", ["inline <script>"]),
    ('<p style="color:red">x</p>', ["style attribute on <p>"]),
    ('<button onclick="go()">x</button>', ["onclick handler on <button>"]),
    ('<a href="javascript:go()">x</a>', ["javascript: URL on <a>"]),
    ('<script src="/static/js/leader.js"></script><script type="application/json">{}</script>',
     []),
])
def test_the_page_scanner_sees_inline_code(html, expected):
    assert _inline_code(html) == expected


@pytest.fixture
def world(make_user, make_office, make_cycle, make_rating):
    from rating.directory.services import post_officer, save_officer

    leader = make_user("leader", login="BJ-001")
    office = make_office()
    cycle = make_cycle()
    make_rating(cycle, office, leader, score=7)
    officer = save_officer(None, name_en="A. Officer", name_bn="", notes="")
    from datetime import date

    posting = post_officer(officer, office, date(2026, 1, 1))
    return {"office_id": office.id, "cycle_id": cycle.id, "officer_id": officer.id,
            "posting_id": posting.id, "user_id": leader.id, "leader": leader}


def _pages(app, world):
    """Every GET URL of the app, with the world's ids filled in."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = rule.rule
        for argument in rule.arguments:
            choice = re.search(rf"<any\(([^,)]+)[^>]*\):{argument}>", url)
            value = choice.group(1) if choice else \
                "css/app.css" if argument == "filename" else str(world.get(argument, 1))
            url = re.sub(rf"<[^>]*:{argument}>|<{argument}>", value, url)
        yield rule.endpoint, url


@pytest.mark.parametrize("role", (None,) + ROLES)
def test_every_page_carries_the_headers_and_no_inline_code(app, client, browser, world, role):
    from tests.conftest import TEST_PASSWORDS, TEST_PIN

    if role == "leader":
        browser.login("BJ-001", TEST_PIN)
    elif role is not None:
        from rating.admin.services import create_user

        create_user(login=role, display_name=role, role=role, secret=TEST_PASSWORDS[role])
        browser.login(role, TEST_PASSWORDS[role])
    seen = 0
    for endpoint, url in _pages(app, world):
        allowed = app.view_functions[endpoint].allowed_roles
        with client.get(url) as response:
            _check_headers(response, url)
            if response.mimetype == "text/html":
                assert _inline_code(response.get_data(as_text=True)) == [], url
                seen += allowed == PUBLIC or role in (allowed or ())
    assert seen >= 3  # the walk really rendered this role's pages


@pytest.mark.parametrize("url", ["/no-such-page", "/api/no-such-thing", "/static/css/app.css",
                                 "/api/cycles/open"])
def test_errors_files_and_json_carry_the_headers_too(client, url):
    with client.get(url) as response:
        _check_headers(response, url)


def test_pages_are_not_cached_for_the_next_user_of_the_phone(client, login_as):
    login_as("leader")
    assert client.get("/leader/").headers["Cache-Control"] == "no-store"


def test_https_answers_ask_browsers_to_keep_to_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://rating.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
