"""A live server on a free port and Debian's Chromium driven by Playwright, as a phone."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Waits on real events (a page loaded, an element shown), generous so that a busy machine
# is slow rather than failing; Playwright's own default is 30 s.
WAIT_MS = 120_000
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def chromium():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield playwright, browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A new Pixel 5 with empty storage; returns a factory so a test can set the language."""
    playwright, browser = chromium
    contexts = []

    def make(locale="bn-IN"):
        context = browser.new_context(**playwright.devices["Pixel 5"], locale=locale)
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(WAIT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
