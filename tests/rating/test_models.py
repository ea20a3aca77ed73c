"""Rules about the data that live in the schema, so no code path can break them."""

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from rating.auth.models import User
from rating.auth.services import rater_key_for
from rating.directory.models import Office, Posting
from rating.extensions import db
from rating.survey.models import Rating


@pytest.fixture
def setting(make_office, make_cycle, make_user):
    return {"office": make_office(), "cycle": make_cycle(), "leader": make_user("leader")}


def rating_row(setting, **changes) -> Rating:
    values = {"cycle_id": setting["cycle"].id, "office_id": setting["office"].id,
              "rater_key": rater_key_for(setting["leader"].id), "score": 5,
              "purpose": "housing", "submission_id": uuid.uuid4().hex}
    values.update(changes)
    return Rating(**values)


def refused(row) -> None:
    db.session.add(row)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def rating_count() -> int:
    return db.session.scalar(select(func.count(Rating.id)))


@pytest.mark.parametrize("score", [1, 10])
def test_scores_one_to_ten_are_stored(setting, score):
    db.session.add(rating_row(setting, score=score))
    db.session.commit()
    assert rating_count() == 1


@pytest.mark.parametrize("changes", [
    {"score": 0}, {"score": 11}, {"score": -1}, {"purpose": "bribe"}, {"respect": "maybe"},
    {"source": "phone"}, {"comment": "x" * 1001},
], ids=["score 0", "score 11", "score -1", "unknown purpose", "unknown answer", "unknown source",
        "long comment"])
def test_a_rating_the_schema_refuses(setting, changes):
    refused(rating_row(setting, **changes))
    assert rating_count() == 0


def test_duplicate_submission_id(setting, make_office):
    db.session.add(rating_row(setting, submission_id="phone-1"))
    db.session.commit()
    other_office = make_office("BDO-BAGDAH", place="bagdah")
    refused(rating_row(setting, submission_id="phone-1", office_id=other_office.id))
    assert rating_count() == 1


def test_one_rating_per_cycle_office_and_rater(setting, make_cycle):
    db.session.add(rating_row(setting))
    db.session.commit()
    refused(rating_row(setting, score=9))
    later = make_cycle("2027 Q1", status="closed", starts_on=date(2027, 1, 1),
                       ends_on=date(2027, 3, 31))
    db.session.add(rating_row(setting, cycle_id=later.id))  # the next cycle is a new rating
    db.session.commit()
    assert rating_count() == 2


def test_a_leader_needs_a_collective(app):
    refused(User(login="BJ-001", display_name="x", role="leader", language="bn",
                 password_hash="x"))
    db.session.add(User(login="staff", display_name="x", role="staff", language="en",
                        password_hash="x"))
    db.session.commit()


@pytest.mark.parametrize("changes", [{"role": "boss"}, {"language": "fr"}])
def test_unknown_role_or_language(app, changes):
    refused(User(**({"login": "someone", "display_name": "x", "role": "staff",
                     "language": "en", "password_hash": "x"} | changes)))


def test_duplicate_login(make_user):
    make_user("staff", login="priya")
    refused(User(login="priya", display_name="x", role="advocacy", language="en",
                 password_hash="x"))


def test_foreign_keys_are_enforced(directory):
    refused(Office(code="BDO-NOWHERE", department_type_id=directory["bdo"].id, place_id=9999,
                   level="block", name_en="x", name_bn="x"))
    refused(Office(code="XYZ-GAIGHATA", department_type_id=9999,
                   place_id=directory["gaighata"].id, level="block", name_en="x", name_bn="x"))


def test_a_rating_of_a_missing_office(setting):
    refused(rating_row(setting, office_id=9999))


def test_unknown_level_and_duplicate_office_code(make_office, directory):
    make_office("BDO-GAIGHATA")
    refused(Office(code="BDO-GAIGHATA", department_type_id=directory["bdo"].id,
                   place_id=directory["bagdah"].id, level="block", name_en="x", name_bn="x"))
    refused(Office(code="BDO-X", department_type_id=directory["bdo"].id,
                   place_id=directory["bagdah"].id, level="galactic", name_en="x", name_bn="x"))


def test_a_posting_cannot_end_before_it_starts(make_office):
    from rating.directory.models import Officer

    refused(Posting(officer=Officer(name_en="Tapas Mondal"), office=make_office(),
                    started_on=date(2025, 1, 1), ended_on=date(2024, 12, 31)))


def test_a_cycle_cannot_end_before_it_starts(make_cycle):
    from rating.cycles.models import Cycle

    refused(Cycle(name="backwards", status="draft", starts_on=date(2025, 3, 1),
                  ends_on=date(2025, 1, 1)))
    refused(Cycle(name="odd", status="paused", starts_on=date(2025, 1, 1),
                  ends_on=date(2025, 3, 1)))


def test_times_come_back_timezone_aware(setting):
    db.session.add(rating_row(setting))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(Rating))
    assert stored.created_at.utcoffset().total_seconds() == 0
