"""Steps every leader browser test takes: logging in on the phone, and waiting until the
service worker controls the page."""

from tests.conftest import TEST_PIN


def log_in(page, base, login="BJ-001", pin=TEST_PIN):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", pin)
    page.click("button.primary")
    page.wait_for_url(f"{base}/leader/")


def wait_for_worker(page):
    """Until the service worker controls the page (it installs after the first load)."""
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
        assert page.evaluate("!!navigator.serviceWorker.controller")
