"""`flask backup` while leaders keep rating, then `flask restore`: the copy is intact and holds
every rating acknowledged before the backup began, and restoring refuses to overwrite
without --yes."""

import sqlite3
import threading
import uuid
from contextlib import closing

import pytest
from sqlalchemy import func, select

from rating.auth.models import User
from rating.cycles.models import Cycle
from rating.extensions import db
from rating.survey import services
from rating.survey.models import Rating, Submission

ANSWERS = {"purpose": "housing", "respect": "yes", "work_done": "partly", "comment": None,
           "quote_consent": False}
MOST_SUBMISSIONS = 5000  # the writer stops by itself even if the test never tells it to
WAIT_SECONDS = 120  # a bound on each wait for the writer, not a pause


class Leaders(threading.Thread):
    """Leaders rating and re-rating offices one after another, as fast as the service lets
    them, through the function the API calls; every acknowledged submission is recorded in
    the order the service acknowledged it."""

    def __init__(self, app, leader_ids, cycle_id, office_ids):
        super().__init__(daemon=True)
        self.app, self.leader_ids = app, leader_ids
        self.cycle_id, self.office_ids = cycle_id, office_ids
        self.acknowledged = []  # (submission_id, leader_id, office_id)
        self.error = None
        self.stop = threading.Event()
        self.progress = threading.Condition()

    def run(self):
        try:
            with self.app.app_context():
                self._rate()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            with self.progress:
                self.progress.notify_all()

    def _rate(self):
        leaders = [db.session.get(User, leader_id) for leader_id in self.leader_ids]
        for n in range(MOST_SUBMISSIONS):
            if self.stop.is_set():
                return
            leader = leaders[n % len(leaders)]
            office_id = self.office_ids[(n // len(leaders)) % len(self.office_ids)]
            submission_id = uuid.uuid4().hex
            stored = services.submit_rating(
                leader, cycle_id=self.cycle_id, office_id=office_id,
                answers={**ANSWERS, "submission_id": submission_id, "score": n % 10 + 1})
            assert stored.status == 201, stored
            with self.progress:
                self.acknowledged.append((submission_id, leader.id, office_id))
                self.progress.notify_all()

    def wait_for(self, count: int) -> list:
        """Block until at least ``count`` submissions are acknowledged; return them all."""
        with self.progress:
            self.progress.wait_for(
                lambda: len(self.acknowledged) >= count or self.error or not self.is_alive(),
                timeout=WAIT_SECONDS)
            if self.error:
                raise self.error
            assert len(self.acknowledged) >= count, "the writer stopped or stalled"
            return list(self.acknowledged)


@pytest.fixture
def leaders_rating(app, make_user, make_office, make_cycle):
    cycle = make_cycle()
    offices = [make_office(code=f"BDO-{n}") for n in range(4)]
    leaders = [make_user("leader", login=f"BJ-{n:03d}") for n in range(1, 4)]
    writer = Leaders(app, [leader.id for leader in leaders], cycle.id,
                     [office.id for office in offices])
    db.session.remove()  # the test's own session holds no connection while others write
    writer.start()
    yield writer
    writer.stop.set()
    writer.join(WAIT_SECONDS)


def test_backup_under_writes_restores_every_acknowledged_rating(app, runner, leaders_rating,
                                                                tmp_path):
    backup = tmp_path / "rating.backup"
    # Enough for every leader to have rated every office and changed some ratings since.
    before = leaders_rating.wait_for(20)

    made = runner.invoke(args=["backup", str(backup)])
    during = leaders_rating.wait_for(len(before) + 1)  # still acknowledging afterwards
    after = leaders_rating.wait_for(len(during) + 5)
    leaders_rating.stop.set()
    leaders_rating.join(WAIT_SECONDS)
    acknowledged = leaders_rating.acknowledged

    assert made.exit_code == 0, made.output
    assert "Backed up to" in made.output
    refused = runner.invoke(args=["restore", str(backup)])
    assert refused.exit_code != 0
    assert "--yes" in refused.output
    assert _submission_ids() == {row[0] for row in acknowledged}  # left alone

    restored = runner.invoke(args=["restore", "--yes", str(backup)])

    assert restored.exit_code == 0, restored.output
    db.session.remove()
    _assert_intact(app)
    kept = _submission_ids()
    assert {row[0] for row in before} <= kept  # nothing acknowledged before the backup lost
    assert kept <= {row[0] for row in acknowledged}  # and nothing that was never sent
    assert len(kept) < len(after)  # the copy is a snapshot, not the database after it
    _assert_latest_edit_wins(acknowledged, kept)


def _submission_ids() -> set[str]:
    """Read, then hand the connection back: a restore waits for no reader of ours."""
    try:
        return set(db.session.scalars(select(Submission.submission_id)))
    finally:
        db.session.remove()


def _assert_latest_edit_wins(acknowledged, kept):
    """Each leader's rating of an office is the last of their submissions the copy holds."""
    last_kept = {}
    for submission_id, leader_id, office_id in acknowledged:
        if submission_id in kept:
            last_kept[(leader_id, office_id)] = submission_id
    ratings = db.session.scalars(select(Rating)).all()
    assert sorted(rating.submission_id for rating in ratings) == sorted(last_kept.values())
    assert db.session.scalar(select(func.count()).select_from(Submission)) == len(kept)


def _assert_intact(app):
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(url.database)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    else:  # PostgreSQL checked its constraints while pg_restore recreated them
        orphans = db.session.scalar(
            select(func.count()).select_from(Submission)
            .outerjoin(Rating, Rating.id == Submission.rating_id).where(Rating.id.is_(None)))
        assert orphans == 0


def test_backup_refuses_to_overwrite_a_file(runner, tmp_path):
    existing = tmp_path / "rating.backup"
    existing.write_bytes(b"an earlier backup")

    result = runner.invoke(args=["backup", str(existing)])

    assert result.exit_code != 0
    assert "exists" in result.output
    assert existing.read_bytes() == b"an earlier backup"


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path, make_cycle):
    make_cycle()
    stray = tmp_path / "notes.txt"
    stray.write_text("not a database")

    result = runner.invoke(args=["restore", "--yes", str(stray)])

    assert result.exit_code != 0
    assert "is not a" in result.output
    assert db.session.scalar(select(func.count()).select_from(Cycle)) == 1
