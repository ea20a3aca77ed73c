"""Rating without reading, on the server: clips for every element (answers, score ends,
buttons, messages, offices), recorded clips replacing synthetic ones, espeak-ng's clips, the
PIN's number pad and member codes typed loosely; and the count of ratings that came late."""

import io
import shutil
import uuid

import pytest
from sqlalchemy import select

from rating.extensions import db
from rating.survey.models import LateRatingCount, Rating
from rating.voice import services, synthetic
from rating.voice.elements import FIXED, is_element
from tests.conftest import TEST_PIN, Browser, csrf_from

OGG = b"OggS" + b"\x00" * 200


@pytest.fixture
def leader_page(app, client, login_as, make_cycle, make_office):
    leader = login_as("leader", login="BJ-001")
    return {"leader": leader, "cycle": make_cycle(), "office": make_office(),
            "other": make_office(code="DCPO-N24P", place="district", department="dcpo")}


@pytest.fixture
def staff(app, make_user):
    make_user("staff", login="staff9", secret="staff-password-9")
    browser = Browser(app.test_client())
    browser.login("staff9", "staff-password-9")
    return browser


def upload(staff, key, language="bn", audio=OGG, name="clip.ogg", mime="audio/ogg"):
    token = csrf_from(staff.get("/voice/").get_data(as_text=True))
    return staff.client.post("/voice/", data={
        "csrf_token": token, "question": key, "language": language,
        "clip": (io.BytesIO(audio), name, mime)})


@pytest.mark.parametrize("key", ["purpose.housing", "answer.partly", "score.low", "button.save",
                                 "message.refused"])
def test_staff_upload_a_clip_for_any_element_and_leaders_hear_it(app, staff, leader_page,
                                                                 client, key):
    assert upload(staff, key).status_code == 302
    page = client.get(f"/leader/rate/{leader_page['office'].id}").get_data(as_text=True)
    assert f'href="/voice/{key}/bn" data-clip="{key}"' in page
    assert client.get(f"/voice/{key}/bn").data == OGG


def test_an_office_name_can_be_heard_on_its_page_in_the_list_and_offline(app, staff,
                                                                       leader_page, client):
    office = leader_page["office"]
    assert upload(staff, f"office.{office.id}").status_code == 302
    rate = client.get(f"/leader/rate/{office.id}").get_data(as_text=True)
    listing = client.get("/leader/offices").get_data(as_text=True)
    assert f'data-clip="office.{office.id}"' in rate and f'data-clip="office.{office.id}"' in listing
    # The offline list says which offices' names can be heard, in which language.
    rows = {row["id"]: row for row in client.get("/api/offices").json["offices"]}
    assert rows[office.id]["voice"] == ["bn"] and rows[leader_page["other"].id]["voice"] == []


@pytest.mark.parametrize("key", ["office.0", "office.x", "purpose.flying", "button", "../x",
                                 "office.12345678901"])
def test_an_unknown_element_is_refused_and_nothing_is_stored(app, staff, key):
    assert upload(staff, key).status_code == 400
    assert services.list_prompts() == {}
    assert not is_element(key)


def test_a_recording_replaces_a_synthetic_clip_and_never_the_other_way(app, staff):
    services.save_prompt("button.save", "en", "audio/ogg", OGG + b"synthetic",
                         synthetic="espeak-ng")
    assert upload(staff, "button.save", "en", OGG + b"recorded").status_code == 302
    assert services.save_prompt("button.save", "en", "audio/ogg", OGG + b"again",
                                synthetic="espeak-ng") is None
    prompt = services.find_prompt("button.save", "en")
    assert services.clip_bytes(prompt) == OGG + b"recorded" and prompt.synthetic is None


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_espeak_ng_speaks_every_element_in_both_languages_as_small_ogg_opus(app,
                                                                          make_office):
    import soundfile

    make_office()
    made = synthetic.add_synthetic_clips(progress=lambda *_: None)
    assert made == 2 * (len(FIXED) + 1)
    sizes = []
    for (key, language), prompt in services.list_prompts().items():
        clip = services.clip_bytes(prompt)
        info = soundfile.info(io.BytesIO(clip))
        assert clip.startswith(b"OggS") and info.subtype == "OPUS", key
        assert info.duration > 0.3, (key, language)  # it says something
        sizes.append(len(clip))
    assert max(sizes) < 12_000, max(sizes)
    # Run again: nothing new, nothing replaced.
    assert synthetic.add_synthetic_clips(progress=lambda *_: None) == 0


def test_the_leaders_pin_box_opens_the_number_pad_and_staff_get_a_password_box(client):
    leaders = client.get("/login").get_data(as_text=True)
    assert 'inputmode="numeric"' in leaders and 'autocomplete="current-password"' in leaders
    assert 'pattern="[0-9০-৯]*"' in leaders
    staff = client.get("/login?as=staff").get_data(as_text=True)
    assert 'inputmode="numeric"' not in staff


@pytest.mark.parametrize("typed", ["BJ001", "bj001", "bj 001", " Bj-001 ", "BJ_001", "BJ০০১"])
def test_a_member_code_typed_loosely_logs_in(app, client, make_user, typed):
    make_user("leader", login="BJ-001")
    response = Browser(client).login(typed, TEST_PIN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")


def test_a_rating_that_arrives_after_its_cycle_closed_is_counted_never_kept(
        app, client, login_as, make_cycle, make_office, staff):
    login_as("leader", login="BJ-001")
    cycle, office = make_cycle(), make_office()
    token = csrf_from(client.get("/leader/").get_data(as_text=True))
    cycle.status = "closed"
    db.session.commit()
    for _ in range(3):
        response = client.post("/api/ratings", headers={"X-CSRFToken": token}, json={
            "submission_id": uuid.uuid4().hex, "cycle_id": cycle.id, "office_id": office.id,
            "score": 3, "purpose": "housing"})
        assert response.status_code == 409 and response.json["error"] == "cycle_closed"
    db.session.expire_all()
    assert db.session.scalar(select(LateRatingCount.ratings)) == 3
    assert db.session.scalars(select(Rating)).all() == []
    page = staff.get("/leader/late").get_data(as_text=True)
    assert cycle.name in page and "<td>3</td>" in page
