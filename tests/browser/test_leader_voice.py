"""Rating without reading, on a Pixel 5: every speaker button on the rating page plays its
clip with no network (the clips are kept by the service worker), and a rating refused after
its cycle closed is shown once, with why, and then leaves the phone."""


import pytest
from sqlalchemy import select

from rating.extensions import db
from rating.survey.models import LateRatingCount, Rating
from rating.voice import synthetic
from tests.browser.leader_pages import log_in, wait_for_worker

pytestmark = pytest.mark.browser


@pytest.fixture
def network(app, make_user, make_cycle, make_office):
    leader = make_user("leader", login="BJ-001")
    cycle = make_cycle()
    offices = [make_office(), make_office(code="BDO-BAGDAH", place="bagdah")]
    return {"leader": leader, "cycle": cycle, "offices": offices}


@pytest.fixture
def spoken(network):
    """espeak-ng's clips of every element and both offices, in both languages."""
    if not synthetic.synthesiser_found():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    return synthetic.add_synthetic_clips(progress=lambda *_: None)


def set_language(user_id, language):
    from rating.auth.models import User

    db.session.get(User, user_id).language = language
    db.session.commit()


def clips_kept(page) -> set[str]:
    return set(page.evaluate("""caches.open("leader-voice").then(c => c.keys())
        .then(keys => keys.map(r => new URL(r.url).pathname))"""))


def speakers(page) -> dict[str, str]:
    return dict(page.evaluate("""Array.from(document.querySelectorAll('a.speak'))
        .filter(a => a.offsetParent !== null)
        .map(a => [a.dataset.clip, new URL(a.href).pathname])"""))


@pytest.mark.parametrize("locale,language", [("bn-IN", "bn"), ("en-IN", "en")])
def test_every_speaker_button_plays_offline(live_server, phone, network, spoken, locale,
                                            language):
    set_language(network["leader"].id, language)
    office = network["offices"][0]
    context = phone(locale)
    page = context.new_page()
    log_in(page, live_server, "BJ001")  # typed without the dash
    wait_for_worker(page)
    page.goto(f"{live_server}/leader/rate/{office.id}")
    page.wait_for_selector("#rating-form[data-cycle-id]", state="attached")
    page.wait_for_selector(f"a.speak[data-clip='office.{office.id}']")
    online = speakers(page)
    # The question stems, 8 purposes, 3 answers twice, both ends, the office, the save button.
    assert {"score", "purpose", "respect", "resolved", "comment", "score.low", "score.high",
            "purpose.housing", "purpose.other", "answer.partly", "button.save",
            f"office.{office.id}"} <= set(online)
    assert all(path.endswith(f"/{language}") for path in online.values())
    # The worker keeps every clip of the page in the background, and says when it has.
    page.wait_for_selector("body[data-clips-kept]", state="attached")
    assert set(online.values()) <= clips_kept(page)
    context.set_offline(True)
    page.goto(f"{live_server}/leader/rate/{office.id}")
    page.wait_for_selector("#shell-rate:not([hidden])")
    page.wait_for_selector(f"a.speak[data-clip='office.{office.id}']")
    offline = speakers(page)
    assert set(offline) == set(online)
    for key in offline:
        page.click(f"a.speak[data-clip='{key}'] >> nth=0")
        page.wait_for_function("key => (document.body.dataset.played || '').split(' ')"
                               ".includes(key)", arg=key)
    assert page.locator("a.speak.failed").count() == 0
    for size in page.evaluate("""Array.from(document.querySelectorAll('a.speak'))
            .filter(a => a.offsetParent !== null)
            .map(a => [a.getBoundingClientRect().width, a.getBoundingClientRect().height])"""):
        assert min(size) >= 44, size
    assert "<audio" not in page.content()


def test_a_rating_refused_after_its_cycle_closed_is_shown_once_then_leaves_the_phone(
        live_server, phone, network, spoken, make_cycle):
    office, cycle = network["offices"][0], network["cycle"]
    context = phone()
    page = context.new_page()
    log_in(page, live_server, "BJ001")  # typed without the dash
    wait_for_worker(page)

    # Offline: a rating waits on the phone.
    context.set_offline(True)
    page.goto(f"{live_server}/leader/rate/{office.id}")
    page.wait_for_selector("#shell-rate:not([hidden])")
    page.click("label[for=score-4]")
    page.check("input[name=purpose][value=housing]")
    page.click("#rating-form button[type=submit]")
    page.wait_for_selector("#saved-on-phone")

    # Meanwhile the cycle closes and the next one opens.
    cycle.status = "closed"
    db.session.commit()
    make_cycle(name="2027 Q1", status="open")
    context.set_offline(False)
    page.goto(f"{live_server}/leader/")
    page.wait_for_selector("#refused:not([hidden]) li")
    refused = page.inner_text("#refused")
    assert "চক্র বন্ধ" in refused  # why, in her words: the cycle had closed
    assert page.locator("#refused a.speak[data-clip='message.refused']").count() == 1
    assert page.locator("#queue").is_hidden()  # nothing claims it "will be sent by itself"
    again = page.locator("#refused a.button")
    assert again.get_attribute("href").endswith(f"/leader/rate/{office.id}")
    db.session.expire_all()
    assert db.session.scalars(select(Rating)).all() == []
    assert db.session.scalar(select(LateRatingCount.ratings)
                             .where(LateRatingCount.cycle_id == cycle.id)) == 1

    # Shown once: gone from the phone already; she dismisses it from the screen.
    assert page.evaluate("""indexedDB.databases().then(() => new Promise(done => {
        const open = indexedDB.open("duty-bearer-ratings");
        open.onsuccess = () => { const all = open.result.transaction("outbox")
          .objectStore("outbox").getAll(); all.onsuccess = () => done(all.result.length); };
        }))""") == 0
    page.click("#refused button.dismiss")
    assert page.locator("#refused").is_hidden()
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("#refused").is_hidden() and page.locator("#refused li").count() == 0
    # Never sent again: still one late arrival, and she can rate it in the open cycle.
    db.session.expire_all()
    assert db.session.scalar(select(LateRatingCount.ratings)
                             .where(LateRatingCount.cycle_id == cycle.id)) == 1
    again_url = f"{live_server}/leader/rate/{office.id}?page=server"
    page.goto(again_url)
    assert page.locator("#rating-form").count() == 1
