"""Rules about the data that live in the schema, so no code path can break them."""

import uuid
from datetime import date

import pytest
from sqlalchemy import CheckConstraint, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError

from rating.audit import AuditEvent, record
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


def refused(row, constraint: str) -> None:
    """The database refuses the row, and for the named constraint (not for any other)."""
    named = _constraint(constraint)
    db.session.add(row)
    with pytest.raises(IntegrityError) as caught:
        db.session.commit()
    db.session.rollback()
    error = caught.value.orig
    if db.engine.dialect.name == "postgresql":
        assert error.diag.constraint_name == constraint, str(error)
        return
    message = str(error)
    if isinstance(named, CheckConstraint):
        assert message == f"CHECK constraint failed: {constraint}", message
    elif isinstance(named, UniqueConstraint):
        columns = ", ".join(f"{named.table.name}.{column.name}" for column in named.columns)
        assert message == f"UNIQUE constraint failed: {columns}", message
    else:  # SQLite names no foreign key: the row must break this one's reference
        assert message == "FOREIGN KEY constraint failed", message
        (column,) = named.columns
        (element,) = named.elements
        value = getattr(row, column.key)
        target = element.column
        assert value is not None and db.session.execute(
            select(target).where(target == value)).first() is None, (constraint, value)


def _constraint(name: str):
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if constraint.name == name:
                return constraint
    raise LookupError(f"no constraint named {name}")


def rating_count() -> int:
    return db.session.scalar(select(func.count(Rating.id)))


@pytest.mark.parametrize("score", [1, 10])
def test_scores_one_to_ten_are_stored(setting, score):
    db.session.add(rating_row(setting, score=score))
    db.session.commit()
    assert rating_count() == 1


@pytest.mark.parametrize("changes, constraint", [
    ({"score": 0}, "ck_ratings_score_range"), ({"score": 11}, "ck_ratings_score_range"),
    ({"score": -1}, "ck_ratings_score_range"), ({"purpose": "bribe"}, "ck_ratings_purpose_known"),
    ({"respect": "maybe"}, "ck_ratings_respect_known"),
    ({"source": "phone"}, "ck_ratings_source_known"),
    ({"comment": "x" * 1001}, "ck_ratings_comment_length"),
], ids=["score 0", "score 11", "score -1", "unknown purpose", "unknown answer", "unknown source",
        "long comment"])
def test_a_rating_the_schema_refuses(setting, changes, constraint):
    refused(rating_row(setting, **changes), constraint)
    assert rating_count() == 0


def test_duplicate_submission_id(setting, make_office):
    db.session.add(rating_row(setting, submission_id="phone-1"))
    db.session.commit()
    other_office = make_office("BDO-BAGDAH", place="bagdah")
    refused(rating_row(setting, submission_id="phone-1", office_id=other_office.id),
            "uq_ratings_submission_id")
    assert rating_count() == 1


def test_one_rating_per_cycle_office_and_rater(setting, make_cycle):
    db.session.add(rating_row(setting))
    db.session.commit()
    refused(rating_row(setting, score=9), "uq_ratings_cycle_id_office_id_rater_key")
    later = make_cycle("2027 Q1", status="closed", starts_on=date(2027, 1, 1),
                       ends_on=date(2027, 3, 31))
    db.session.add(rating_row(setting, cycle_id=later.id))  # the next cycle is a new rating
    db.session.commit()
    assert rating_count() == 2


def test_a_leader_needs_a_collective(app):
    refused(User(login="BJ-001", display_name="x", role="leader", language="bn",
                 password_hash="x"), "ck_users_leader_collective")
    db.session.add(User(login="staff", display_name="x", role="staff", language="en",
                        password_hash="x"))
    db.session.commit()


@pytest.mark.parametrize("changes, constraint", [({"role": "boss"}, "ck_users_role_known"),
                                                 ({"language": "fr"}, "ck_users_language_known")])
def test_unknown_role_or_language(app, changes, constraint):
    refused(User(**({"login": "someone", "display_name": "x", "role": "staff",
                     "language": "en", "password_hash": "x"} | changes)), constraint)


def test_duplicate_login(make_user):
    make_user("staff", login="priya")
    refused(User(login="priya", display_name="x", role="advocacy", language="en",
                 password_hash="x"), "uq_users_login")


def test_foreign_keys_are_enforced(directory):
    refused(Office(code="BDO-NOWHERE", department_type_id=directory["bdo"].id, place_id=9999,
                   level="block", name_en="x", name_bn="x"), "fk_offices_place_id_places")
    refused(Office(code="XYZ-GAIGHATA", department_type_id=9999,
                   place_id=directory["gaighata"].id, level="block", name_en="x", name_bn="x"),
            "fk_offices_department_type_id_department_types")


def test_a_rating_of_a_missing_office(setting):
    refused(rating_row(setting, office_id=9999), "fk_ratings_office_id_offices")


def test_unknown_level_and_duplicate_office_code(make_office, directory):
    make_office("BDO-GAIGHATA")
    refused(Office(code="BDO-GAIGHATA", department_type_id=directory["bdo"].id,
                   place_id=directory["bagdah"].id, level="block", name_en="x", name_bn="x"),
            "uq_offices_code")
    refused(Office(code="BDO-X", department_type_id=directory["bdo"].id,
                   place_id=directory["bagdah"].id, level="galactic", name_en="x", name_bn="x"),
            "ck_offices_level_known")


def test_a_posting_cannot_end_before_it_starts(make_office):
    from rating.directory.models import Officer

    refused(Posting(officer=Officer(name_en="Tapas Mondal"), office=make_office(),
                    started_on=date(2025, 1, 1), ended_on=date(2024, 12, 31)),
            "ck_postings_dates_ordered")


def test_a_cycle_cannot_end_before_it_starts(make_cycle):
    from rating.cycles.models import Cycle

    refused(Cycle(name="backwards", status="draft", starts_on=date(2025, 3, 1),
                  ends_on=date(2025, 1, 1)), "ck_cycles_dates_ordered")
    refused(Cycle(name="odd", status="paused", starts_on=date(2025, 1, 1),
                  ends_on=date(2025, 3, 1)), "ck_cycles_status_known")


def test_times_come_back_timezone_aware(setting):
    record("test.event", "office", setting["office"].id)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(AuditEvent))
    assert stored.at.utcoffset().total_seconds() == 0
