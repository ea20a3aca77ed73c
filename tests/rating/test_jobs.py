"""Jobs on a real queue: a pack survives its worker being killed mid-build (real worker
processes, kill -9) and is built exactly once; one holder per job; a worker that lost its
lease writes nothing; a job given up fails its pack; the scheduled jobs (pack retention,
cycles that follow their dates, the nightly backup) do what they say, once."""

import os
import signal
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from rating import create_app
from rating.audit import AuditEvent
from rating.cycles.models import Cycle
from rating.cycles.services import follow_cycle_dates
from rating.evidence import services as packs
from rating.evidence.content import PackParams
from rating.evidence.models import Pack
from rating.evidence.signing import verify_pack
from rating.extensions import db
from rating.jobs import services as jobs
from rating.jobs.models import Job
from rating.ops import backup
from rating.storage.backends import StoredFile
from rating.timeutil import utcnow
from tests.conftest import TEST_PASSWORDS, Browser, base_config

WAIT_SECONDS = 120  # a bound on each wait for a worker process, not a pause
LEADERS = 10


@pytest.fixture
def office_pack(app, make_office, make_cycle, make_user, make_rating):
    """One office rated by ten leaders in two closed cycles: what a pack needs, and its
    parameters."""
    office = make_office()
    cycles = [make_cycle(name=name, status="closed", starts_on=start, ends_on=end)
              for name, start, end in (("2025 Q1", date(2025, 1, 1), date(2025, 3, 31)),
                                       ("2025 Q2", date(2025, 4, 1), date(2025, 6, 30)))]
    leaders = [make_user("leader", login=f"BJ-{n + 1:03d}") for n in range(LEADERS)]
    for cycle in cycles:
        for n, leader in enumerate(leaders):
            make_rating(cycle, office, leader, score=n % 10 + 1, commit=False)
    db.session.commit()
    return PackParams(scope="office", scope_id=office.id, language="en",
                      recipient_level="block", recipient_name="BDO Gaighata")


def builds_of(pack_id: int) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "pack.build", AuditEvent.target_id == pack_id))


def wait_for(check, what: str, seconds: float = WAIT_SECONDS):
    """Poll the database (fresh each time) until ``check()`` is true; bounded."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        db.session.rollback()
        found = check()
        if found:
            return found
        time.sleep(0.02)
    pytest.fail(f"{what}: not within {seconds} s")


# ---- real worker processes -------------------------------------------------------------------

def test_a_worker_killed_mid_build_leaves_the_pack_to_another_which_builds_it_once(
        office_pack, job_workers):
    with job_workers.app.app_context():
        pack = packs.start_pack(office_pack, "BDO Gaighata", actor=None)
        pack_id, job_id = pack.id, pack.job_id
    assert pack.status == "queued"
    first = job_workers.start()
    job = wait_for(lambda: (found := db.session.get(Job, job_id)).status == "running"
                   and found.progress > 0 and found, "the first worker starts building")
    os.kill(first.pid, signal.SIGKILL)  # mid-build: a lost machine, as far as it knows
    first.wait(30)
    assert db.session.get(Pack, pack_id).status == "building"
    # Its lease runs out (2 s in the tests); a worker starting up hands the job out again.
    wait_for(lambda: db.session.get(Job, job_id).lease_until < utcnow(), "the lease runs out")
    job_workers.start()
    pack = wait_for(lambda: (found := db.session.get(Pack, pack_id)).status == "done" and found,
                    "the second worker builds the pack")
    job = db.session.get(Job, job_id)
    assert (job.status, job.attempts, job.progress) == ("done", 2, 100)
    assert builds_of(pack_id) == 1
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1
    ok, problems = verify_pack(packs.pack_bytes(pack))
    assert ok, problems


def test_the_pack_page_shows_the_jobs_progress(office_pack, job_workers, make_user):
    make_user("staff", login="mitra")
    client = job_workers.app.test_client()
    assert Browser(client).login("mitra", TEST_PASSWORDS["staff"]).status_code == 302
    with job_workers.app.app_context():
        pack = packs.start_pack(office_pack, "BDO Gaighata", actor=None)
    db.session.execute(update(Job).where(Job.id == pack.job_id).values(progress=37))
    db.session.commit()
    page = client.get(f"/evidence/packs/{pack.id}").get_data(as_text=True)
    assert '<progress max="100" value="37">' in page and "37%" in page


# ---- leases, in this process -----------------------------------------------------------------

def _queued_build(office_pack) -> Pack:
    """A pack and its job, queued, with no message sent (as if the queue had lost it)."""
    pack = Pack(scope="office", scope_id=office_pack.scope_id, scope_label="BDO Gaighata",
                language="en", recipient_level="block", recipient_name="BDO Gaighata",
                status="queued", parameters=office_pack.as_dict())
    db.session.add(pack)
    db.session.flush()
    job = Job(kind=packs.BUILD_JOB, payload={"pack_id": pack.id}, status="queued")
    db.session.add(job)
    db.session.flush()
    pack.job_id = job.id
    db.session.commit()
    return pack


def test_a_job_has_one_holder(office_pack):
    pack = _queued_build(office_pack)
    first, second = jobs.claim_job(pack.job_id), jobs.claim_job(pack.job_id)
    assert first is not None and second is None
    assert db.session.get(Job, pack.job_id).worker == first.worker


def test_a_worker_that_lost_its_lease_writes_nothing(office_pack):
    pack = _queued_build(office_pack)
    stalled = jobs.claim_job(pack.job_id)
    # It stalls past its lease; the sweep hands the job out, and (immediate queue) another
    # worker builds the pack at once.
    db.session.execute(update(Job).where(Job.id == pack.job_id).values(
        lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert jobs.requeue_expired_jobs()["requeued"] == [pack.job_id]
    assert db.session.get(Pack, pack.id).status == "done"
    # The stalled worker wakes up and finishes its build: refused, and nothing is written.
    with pytest.raises(jobs.LeaseLost):
        packs.build_pack(pack.id, stalled)
    db.session.expire_all()
    assert builds_of(pack.id) == 1
    assert db.session.get(Job, pack.job_id).attempts == 2


def test_a_lease_lost_mid_build_rolls_back_the_result(office_pack, app):
    pack = _queued_build(office_pack)
    lease = jobs.claim_job(pack.job_id)
    # Another worker took the job over while this one was building (its name is the lease).
    db.session.execute(update(Job).where(Job.id == pack.job_id).values(worker="another:1:1"))
    db.session.commit()
    with pytest.raises(jobs.LeaseLost):
        packs.build_pack(pack.id, lease)
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).status == "building"  # the other worker's to finish
    assert builds_of(pack.id) == 0
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_a_job_whose_workers_keep_dying_is_given_up_and_its_pack_says_so(
        office_pack, app, login_as, client):
    login_as("staff")
    pack = _queued_build(office_pack)
    db.session.execute(update(Job).where(Job.id == pack.job_id).values(
        status="running", attempts=app.config["JOB_ATTEMPTS"], worker="gone:1:1",
        lease_until=utcnow() - timedelta(seconds=1)))
    db.session.execute(update(Pack).where(Pack.id == pack.id).values(status="building"))
    db.session.commit()
    assert jobs.requeue_expired_jobs()["given_up"] == [pack.job_id]
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).status == "failed"
    page = client.get(f"/evidence/packs/{pack.id}").get_data(as_text=True)
    assert "interrupted again and again" in page
    assert jobs.requeue_expired_jobs() == {"requeued": [], "given_up": [], "resent": []}


def test_a_queued_job_whose_message_was_lost_is_sent_again(office_pack, app):
    pack = _queued_build(office_pack)
    db.session.execute(update(Job).where(Job.id == pack.job_id).values(
        created_at=utcnow() - timedelta(seconds=3 * app.config["JOB_LEASE_SECONDS"])))
    db.session.commit()
    assert jobs.requeue_expired_jobs()["resent"] == [pack.job_id]
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).status == "done"
    assert builds_of(pack.id) == 1


def test_wait_builds_here_and_now(office_pack):
    pack = packs.start_pack(office_pack, "BDO Gaighata", actor=None, wait=True)
    assert pack.status == "done"
    assert db.session.get(Job, pack.job_id).status == "done"


# ---- scheduled jobs --------------------------------------------------------------------------

def test_old_packs_lose_their_zip_and_keep_their_hash(office_pack, app, login_as, client):
    login_as("staff")
    old = packs.start_pack(office_pack, "BDO Gaighata", actor=None, wait=True)
    recent = packs.start_pack(office_pack, "BDO Gaighata", actor=None, wait=True)
    days = app.config["PACK_RETENTION_DAYS"]
    for pack, age in ((old, days + 1), (recent, days - 1)):
        db.session.execute(update(Pack).where(Pack.id == pack.id).values(
            finished_at=utcnow() - timedelta(days=age)))
    db.session.commit()
    assert packs.expire_old_packs(days) == 1
    assert packs.expire_old_packs(days) == 0  # the next night: nothing more
    db.session.expire_all()
    old, recent = db.session.get(Pack, old.id), db.session.get(Pack, recent.id)
    assert (old.status, old.file_key) == ("expired", None) and old.manifest_sha256
    assert recent.status == "done"
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1
    assert client.get(f"/evidence/packs/{old.id}/download").status_code == 410
    page = client.get(f"/evidence/packs/{old.id}").get_data(as_text=True)
    assert f"deleted after {days} days" in page and old.manifest_sha256 in page
    assert client.get(f"/evidence/packs/{recent.id}/download").status_code == 200


CYCLE_DATES = [("2026 Q3", date(2026, 7, 1), date(2026, 9, 30)),
               ("2026 Q4", date(2026, 10, 1), date(2026, 12, 31))]


@pytest.mark.parametrize(("today", "follows", "expected", "statuses"), [
    # The open cycle's last day is past: it closes, and the next opens on its first day.
    (date(2026, 10, 1), True, {"closed": ["2026 Q3"], "opened": ["2026 Q4"]},
     ("closed", "open")),
    # Its last day: still open.
    (date(2026, 9, 30), True, {"closed": [], "opened": []}, ("open", "draft")),
    # Cycles that do not follow their dates are left to staff.
    (date(2026, 10, 1), False, {"closed": [], "opened": []}, ("open", "draft")),
])
def test_cycles_that_follow_their_dates_open_and_close_on_them(make_cycle, today, follows,
                                                               expected, statuses):
    made = [make_cycle(name=name, status=status, starts_on=start, ends_on=end)
            for (name, start, end), status in zip(CYCLE_DATES, ("open", "draft"), strict=True)]
    for cycle in made:
        cycle.follows_dates = follows
    db.session.commit()
    assert follow_cycle_dates(today) == expected
    assert follow_cycle_dates(today) == {"closed": [], "opened": []}  # a second run: nothing
    assert tuple(db.session.get(Cycle, c.id).status for c in made) == statuses


def test_a_cycle_is_not_opened_over_one_opened_by_hand(make_cycle):
    make_cycle(name="by hand", status="open", starts_on=date(2026, 1, 1),
               ends_on=date(2026, 12, 31))
    due = make_cycle(name="2026 Q4", status="draft")
    due.follows_dates = True
    db.session.commit()
    assert follow_cycle_dates(date(2026, 10, 2)) == {"closed": [], "opened": []}
    assert db.session.get(Cycle, due.id).status == "draft"


def test_the_nightly_backup_is_made_once_a_day(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("the PostgreSQL backup (pg_dump) is tested in test_backup.py")
    report = backup.back_up_into(url, tmp_path, date(2026, 12, 1))
    assert report.path == tmp_path / "rating-2026-12-01.sqlite3" and report.path.is_file()
    assert backup.back_up_into(url, tmp_path, date(2026, 12, 1)) is None


def _due(app, at: datetime) -> set[str]:
    return {task.name for task in app.extensions["rating.jobs"].huey.read_periodic(at)}


def test_the_schedule(fresh_app):
    # 02:00 in Kolkata is 20:30 UTC: the backup is due only when BACKUP_DIR is set.
    assert _due(fresh_app, datetime(2026, 12, 1, 20, 30)) == {"hand-out-abandoned-jobs"}
    assert _due(fresh_app, datetime(2026, 12, 1, 21, 15)) == {"hand-out-abandoned-jobs",
                                                              "expire-packs"}
    assert _due(fresh_app, datetime(2026, 12, 1, 18, 35)) == {"hand-out-abandoned-jobs",
                                                              "follow-cycle-dates"}


def test_the_nightly_backup_is_scheduled_when_configured(database_url, tmp_path):
    app = create_app({**base_config(database_url), "BACKUP_DIR": str(tmp_path)})
    assert "nightly-backup" in _due(app, datetime(2026, 12, 1, 20, 30))
    with app.app_context():
        db.engine.dispose()
