"""The counts the charts read, kept by the database in each rating write's transaction: after
every kind of write (the app's insert and edit, a delete, raw SQL, a bulk executemany, a
rollback) they equal the ratings counted here in Python; `flask recount` finds a drift, says
what it was, exits non-zero and repairs it."""

import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from rating.auth.services import rater_key_for
from rating.cycles.counts import COUNT_COLUMNS, cycle_raters, rating_counts
from rating.extensions import db
from rating.histograms import RatingFilter, count_answers, count_scores
from rating.survey.models import Rating
from rating.survey.services import submit_rating


def from_ratings():
    """Both counts tables as the ratings give them, counted row by row in Python."""
    cells: dict = defaultdict(Counter)
    raters: Counter = Counter()
    for rating in db.session.scalars(select(Rating)):
        collective = rating.collective_id or 0
        cell = cells[rating.cycle_id, rating.office_id, collective]
        cell["ratings"] += 1
        cell[f"score_{rating.score}"] += 1
        for question in ("respect", "work_done"):
            if getattr(rating, question) is not None:
                cell[f"{question}_{getattr(rating, question)}"] += 1
        raters[rating.cycle_id, rating.rater_key, collective] += 1
    return ({key: {c: n for c, n in cell.items() if n} for key, cell in cells.items()},
            dict(raters))


def as_stored():
    """Both counts tables as the database holds them (zero columns left out)."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        cells = {tuple(row[:3]): {c: n for c, n in zip(COUNT_COLUMNS, row[3:], strict=True)
                                  if n}
                 for row in connection.execute(select(
                     rating_counts.c.cycle_id, rating_counts.c.office_id,
                     rating_counts.c.collective_id, *(rating_counts.c[c] for c in COUNT_COLUMNS)))}
        raters = {tuple(row[:3]): row[3] for row in connection.execute(select(
            cycle_raters.c.cycle_id, cycle_raters.c.rater_key, cycle_raters.c.collective_id,
            cycle_raters.c.ratings))}
    return cells, raters


def assert_counts_hold():
    stored, given = as_stored(), from_ratings()
    assert stored == given
    return stored


@pytest.fixture
def scene(make_user, make_collective, make_cycle, make_office):
    """Three leaders in two collectives, two offices, an open cycle."""
    make_collective("UT", "Utthan", "উত্থান")
    leaders = [make_user("leader", login="BJ-001"), make_user("leader", login="BJ-002"),
               make_user("leader", login="UT-001", collective_code="UT")]
    return {"leaders": leaders, "cycle": make_cycle(),
            "offices": [make_office(), make_office("BDO-BAGDAH", place="bagdah")]}


def rate(scene, leader: int, office: int = 0, **answers):
    values = {"submission_id": uuid.uuid4().hex, "score": 7, "purpose": "housing",
              "respect": "yes", "work_done": None, "comment": None, "quote_consent": False}
    values.update(answers)
    return submit_rating(scene["leaders"][leader], cycle_id=scene["cycle"].id,
                         office_id=scene["offices"][office].id, answers=values)


def sql(statement: str, **values):
    with db.engine.begin() as connection:
        return connection.execute(text(statement), values).rowcount


def test_the_apps_inserts_and_edits_are_counted(app, scene):
    rate(scene, 0, score=3, respect="no", work_done="partly")
    rate(scene, 1, score=3, respect="yes")
    rate(scene, 2, score=9, respect=None, work_done="yes")
    rate(scene, 0, office=1, score=5)
    cells, raters = assert_counts_hold()
    bj = scene["leaders"][0].collective_id
    cycle, office = scene["cycle"].id, scene["offices"][0].id
    assert cells[cycle, office, bj] == {"ratings": 2, "score_3": 2, "respect_no": 1,
                                        "respect_yes": 1, "work_done_partly": 1}
    assert raters[cycle, rater_key_for(scene["leaders"][0].id), bj] == 2

    assert rate(scene, 0, score=8, respect="yes", work_done=None).body["changed"] is True
    cells, _ = assert_counts_hold()
    assert cells[cycle, office, bj] == {"ratings": 2, "score_3": 1, "score_8": 1,
                                        "respect_yes": 2}


def test_raw_sql_updates_deletes_and_bulk_inserts_are_counted(app, scene):
    for leader in range(3):
        rate(scene, leader, score=4 + leader)
    first, second = (office.id for office in scene["offices"])
    # a move to another office, a change the counts do not watch, a change of answer
    assert sql("UPDATE ratings SET office_id = :to WHERE score = 4", to=second) == 1
    assert sql("UPDATE ratings SET quote_status = 'approved'") == 3
    assert sql("UPDATE ratings SET work_done = 'no' WHERE score = 5") == 1
    assert_counts_hold()
    assert sql("DELETE FROM rating_submissions WHERE rating_id IN "
               "(SELECT id FROM ratings WHERE score = 6)") == 1
    assert sql("DELETE FROM ratings WHERE score = 6") == 1
    assert_counts_hold()
    rows = [{"cycle_id": scene["cycle"].id, "office_id": first, "rater_key": f"bulk-{i}",
             "collective_id": None if i % 2 else scene["leaders"][2].collective_id,
             "score": 1 + i % 10, "purpose": "health", "respect": "partly",
             "submission_id": f"bulk-{i}", "source": "import", "quote_consent": False,
             "created_at": datetime(2026, 11, 1, tzinfo=UTC),
             "updated_at": datetime(2026, 11, 1, tzinfo=UTC)}
            for i in range(25)]
    with db.engine.begin() as connection:
        connection.execute(Rating.__table__.insert(), rows)
    cells, _ = assert_counts_hold()
    assert cells[scene["cycle"].id, first, 0]["ratings"] == 12  # no collective: key 0
    assert sql("DELETE FROM ratings WHERE rater_key LIKE 'bulk-%'") == 25
    cells, raters = assert_counts_hold()
    assert (scene["cycle"].id, first, 0) not in cells  # emptied cells are gone
    assert len(raters) == 2


def test_a_rolled_back_rating_leaves_no_count_and_the_write_sees_its_own(app, scene):
    leader, cycle, office = scene["leaders"][0], scene["cycle"], scene["offices"][0]
    db.session.add(Rating(cycle_id=cycle.id, office_id=office.id, rater_key="k",
                          collective_id=leader.collective_id, score=2, purpose="housing",
                          submission_id="s"))
    db.session.flush()
    inside = db.session.execute(select(rating_counts.c.score_2)).scalars().all()
    assert inside == [1]  # same transaction: counted with the write
    db.session.rollback()
    assert as_stored() == ({}, {})


def test_the_charts_counts_match_the_ratings_under_each_filter(app, scene):
    for leader in range(3):
        rate(scene, leader, score=2 + 3 * leader, respect="partly")
    rate(scene, 2, office=1, score=10)
    cycles = [scene["cycle"]]
    every = count_scores(RatingFilter(closed_only=False), cycles)
    office = scene["offices"][0].id
    assert every.histogram(office, scene["cycle"].id).counts == \
        (0, 1, 0, 0, 1, 0, 0, 1, 0, 0)
    ut = scene["leaders"][2].collective_id
    theirs = count_scores(RatingFilter(collective_id=ut, closed_only=False), cycles)
    assert theirs.histogram(office, scene["cycle"].id).counts == (0,) * 7 + (1, 0, 0)
    assert sorted(theirs.offices) == sorted(o.id for o in scene["offices"])
    one = count_scores(RatingFilter(office_ids=(office,), closed_only=False), cycles)
    assert one.offices == (office,)
    answers = count_answers(RatingFilter(collective_id=ut), cycles)
    assert answers == {(office, scene["cycle"].id): {"respect": {"partly": 1}, "work_done": {}},
                       (scene["offices"][1].id, scene["cycle"].id):
                       {"respect": {"yes": 1}, "work_done": {}}}


def test_recount_finds_a_drift_names_it_and_repairs_it(app, scene, runner):
    for leader in range(3):
        rate(scene, leader, score=6)
    assert runner.invoke(args=["recount"]).exit_code == 0
    right = assert_counts_hold()
    sql("UPDATE rating_counts SET score_6 = score_6 + 2")  # two cells wrong
    sql("DELETE FROM cycle_raters WHERE rater_key = :key",
        key=rater_key_for(scene["leaders"][2].id))  # one missing
    sql("INSERT INTO cycle_raters (cycle_id, rater_key, collective_id, ratings) "
        "VALUES (:cycle, 'nobody', 0, 4)", cycle=scene["cycle"].id)  # one extra

    checked = runner.invoke(args=["recount", "--check"])
    assert checked.exit_code == 1
    assert "rating_counts: 2 rows from the ratings; 0 missing, 2 wrong, 0 extra." \
        in checked.output
    assert "cycle_raters: 3 rows from the ratings; 1 missing, 0 wrong, 1 extra." \
        in checked.output
    assert "nothing was changed" in checked.output
    assert as_stored() != right

    repaired = runner.invoke(args=["recount"])
    assert repaired.exit_code == 1 and "rebuilt now" in repaired.output
    assert assert_counts_hold() == right
    again = runner.invoke(args=["recount"])
    assert again.exit_code == 0, again.output
    assert "rating_counts: 2 rows, as the ratings give them." in again.output
