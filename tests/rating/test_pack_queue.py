"""One account cannot fill the pack builder's queue: at most PACK_QUEUE_PER_USER packs waiting
or building, then a clear refusal that records nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from rating.evidence.content import PackError, PackParams
from rating.evidence.models import Pack
from rating.evidence.services import start_pack
from rating.extensions import db
from tests.conftest import csrf_from


@pytest.fixture
def builder(app, make_user, make_office, make_cycle, make_rating):
    office = make_office()
    cycle = make_cycle(name="2026 Q1", status="closed", starts_on=date(2026, 1, 1),
                       ends_on=date(2026, 3, 31))
    for number in range(1, 6):
        make_rating(cycle, office, make_user("leader", login=f"BJ-{number:03d}"), score=number)
    params = PackParams(scope="office", scope_id=office.id, language="en",
                        recipient_level="block", recipient_name="BDO Gaighata")
    return make_user("staff", login="sumana"), params


def waiting_pack(user, params, **changes) -> Pack:
    values = {"scope": "office", "scope_id": params.scope_id, "scope_label": "x",
              "language": "en", "recipient_level": "block", "recipient_name": "BDO",
              "status": "queued", "parameters": params.as_dict(), "built_by_id": user.id}
    pack = Pack(**{**values, **changes})
    db.session.add(pack)
    db.session.commit()
    return pack


def packs() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Pack.id)))


def test_a_third_waiting_pack_is_refused_and_nothing_is_recorded(app, builder):
    user, params = builder
    waiting_pack(user, params)
    waiting_pack(user, params, status="building")
    with pytest.raises(PackError) as refused:
        start_pack(params, "BDO Gaighata", user)
    assert refused.value.code == "queue_full" and refused.value.params["limit"] == 2
    assert packs() == 2


def test_done_failed_or_expired_packs_do_not_count(app, builder, make_user):
    """Packs whose workers died are failed by the lease sweep ("interrupted"), so they free
    the account's share as any failed pack does."""
    user, params = builder
    waiting_pack(user, params, status="done")
    waiting_pack(user, params, status="failed")
    waiting_pack(user, params, status="expired")
    waiting_pack(make_user("advocacy", login="roy"), params)  # someone else's
    waiting_pack(user, params)
    start_pack(params, "BDO Gaighata", user, wait=True)  # the second waiting one: allowed
    assert packs() == 6


def test_the_builder_page_says_why_and_answers_429(app, client, builder, login_as):
    user, params = builder
    staff = login_as("staff", login="mita")
    waiting_pack(staff, params)
    waiting_pack(staff, params)
    token = csrf_from(client.get("/evidence/").get_data(as_text=True))
    client.post("/language", data={"csrf_token": token, "language": "en", "next": "/evidence/"})
    response = client.post("/evidence/", data={
        "csrf_token": token, "scope": "office", "office": params.scope_id, "language": "en",
        "recipient_level": "block", "recipient_name": "BDO Gaighata", "build": "1"})
    assert response.status_code == 429, response.get_data(as_text=True)[:2000]
    assert "already have packs waiting" in response.get_data(as_text=True)
    assert packs() == 2
