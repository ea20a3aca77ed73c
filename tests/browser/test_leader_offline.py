"""A leader on a phone: rate, change, go offline, rate two more, close the page, come back,
log in again - every rating arrives exactly once. In Bengali and in English."""

import pytest
from sqlalchemy import select

from rating.extensions import db
from rating.survey.models import Rating, Submission
from tests.browser.leader_pages import log_in, wait_for_worker

pytestmark = pytest.mark.browser


@pytest.fixture
def network(app, make_user, make_cycle, make_office):
    leader = make_user("leader", login="BJ-001")
    cycle = make_cycle()
    offices = [make_office(), make_office(code="BDO-BAGDAH", place="bagdah"),
               make_office(code="DCPO-N24P", place="district", department="dcpo")]
    return {"leader": leader, "cycle": cycle, "offices": offices}


def choose_score(page, score):
    """Tap a score once the form is ready: the server's page, or the shell once it has filled
    in the office and any earlier answers (an answer tapped before that was overwritten)."""
    page.wait_for_selector("#rating-form[data-cycle-id]", state="attached")
    page.click(f"label[for=score-{score}]")


def stored():
    db.session.expire_all()
    return {(r.office_id, r.score) for r in db.session.scalars(select(Rating))}


@pytest.mark.parametrize("locale,language", [("bn-IN", "bn"), ("en-IN", "en")])
def test_offline_ratings_arrive_exactly_once(live_server, phone, network, locale, language,
                                             app):
    from rating.auth.models import User

    user = db.session.get(User, network["leader"].id)
    user.language = language
    db.session.commit()
    first, second, third = network["offices"]
    context = phone(locale)
    page = context.new_page()
    log_in(page, live_server)
    assert page.evaluate("document.documentElement.lang") == language
    wait_for_worker(page)

    # Online: rate, then change the rating.
    page.goto(f"{live_server}/leader/rate/{first.id}")
    choose_score(page, 3)
    page.check("input[name=purpose][value=housing]")
    page.click("#rating-form button[type=submit]")
    page.wait_for_url(f"{live_server}/leader/saved/{first.id}")
    page.goto(f"{live_server}/leader/rate/{first.id}")
    choose_score(page, 6)
    page.click("#rating-form button[type=submit]")
    page.wait_for_url(f"{live_server}/leader/saved/{first.id}")
    assert stored() == {(first.id, 6)}

    # Offline: the worker shows the shell; two ratings wait on the phone.
    context.set_offline(True)
    for office, score in ((second, 2), (third, 9)):
        page.goto(f"{live_server}/leader/rate/{office.id}")
        page.wait_for_selector("#shell-rate:not([hidden])")
        choose_score(page, score)
        page.check("input[name=purpose][value=legal_case]")
        page.click("#rating-form button[type=submit]")
        page.wait_for_selector("#saved-on-phone")
        assert page.locator("#queue li").count() >= 1
    assert stored() == {(first.id, 6)}
    page.close()

    # Back online, after the session has expired: log in again and the queue is sent.
    context.set_offline(False)
    context.clear_cookies()
    page = context.new_page()
    log_in(page, live_server)
    page.wait_for_selector("body[data-queued='0']", state="attached")
    assert stored() == {(first.id, 6), (second.id, 2), (third.id, 9)}
    assert db.session.scalar(select(db.func.count(Submission.submission_id))) == 4
    page.reload()  # a second flush finds nothing more to send
    page.wait_for_load_state("networkidle")
    assert len(stored()) == 3


def test_double_tap_on_submit_stores_one_rating(live_server, phone, network):
    office = network["offices"][0]
    page = phone().new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/leader/rate/{office.id}")
    choose_score(page, 7)
    page.check("input[name=purpose][value=documents]")
    page.dblclick("#rating-form button[type=submit]")
    page.wait_for_url(f"{live_server}/leader/saved/{office.id}")
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count(Rating.id))) == 1
    assert db.session.scalar(select(db.func.count(Submission.submission_id))) == 1


def test_shared_phone_second_leader_sees_nothing_of_the_first(live_server, phone, network,
                                                              make_user):
    make_user("leader", login="BJ-002")
    first, second, _ = network["offices"]
    context = phone()
    page = context.new_page()
    log_in(page, live_server)
    wait_for_worker(page)
    page.goto(f"{live_server}/leader/rate/{first.id}")
    choose_score(page, 1)
    page.check("input[name=purpose][value=housing]")
    page.fill("textarea[name=comment]", "the clerk shouted at me")
    page.click("#rating-form button[type=submit]")
    page.wait_for_url(f"{live_server}/leader/saved/{first.id}")
    # One more rating waits offline; the first leader, on a page opened before the network
    # went, logs out and is warned first.
    home = context.new_page()
    home.goto(f"{live_server}/leader/")
    context.set_offline(True)
    page.goto(f"{live_server}/leader/rate/{second.id}")
    page.wait_for_selector("#shell-rate:not([hidden])")
    choose_score(page, 4)
    page.check("input[name=purpose][value=housing]")
    page.click("#rating-form button[type=submit]")
    page.wait_for_selector("#saved-on-phone")
    # no_wait_after: a click that waited for its navigation while the dialog stood open timed
    # out when the machine was busy (the dialog is what the test waits for).
    with home.expect_event("dialog") as warning:  # fails if logging out does not warn
        home.click("#logout-form button", no_wait_after=True)
    assert warning.value.type == "confirm" and warning.value.message
    warning.value.dismiss()
    home.close()
    context.set_offline(False)
    context.clear_cookies()  # the first leader's session is gone

    log_in(page, live_server, "BJ-002")
    for url in ("/leader/", "/leader/offices", f"/leader/rate/{first.id}"):
        page.goto(f"{live_server}{url}")
        text = page.content()
        assert "the clerk shouted at me" not in text and "BJ-001" not in text, url
        assert page.locator("#queue li").count() == 0
    page.go_back()
    assert "the clerk shouted at me" not in page.content()
    # The first leader's queued rating was not sent under the second leader's account.
    from rating.auth.services import rater_key_for

    db.session.expire_all()
    raters = {r.rater_key for r in db.session.scalars(select(Rating))}
    assert raters == {rater_key_for(network["leader"].id)}
