"""Jobs: queue one, hold it under a lease while it runs, and hand out again what a dead worker
left.

The promises, on SQLite and PostgreSQL alike:
- A job is held by one worker at a time: `claim_job` is one conditional UPDATE, and only the
  worker that changed the row holds it.
- A worker renews its lease while it works (a heartbeat thread, every third of the lease). A
  worker killed mid-way (kill -9, a lost machine) stops renewing; once its lease has run out,
  `requeue_expired_jobs` queues the job again for any worker, up to ``JOB_ATTEMPTS`` tries.
- A job's result is written in the same transaction as `Lease.finish`, which succeeds only
  while the lease is still held: a worker that lost its lease (it stalled past it and another
  took over) has its result rolled back, so each result is written once.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, select, update

from rating.extensions import db
from rating.jobs.models import Job
from rating.timeutil import utcnow

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """This worker no longer holds the job: another took it over, or it was given up."""


@dataclass(frozen=True)
class Handler:
    """What a kind of job runs (`run(job, lease)`), and what to do to its subject when the job
    is given up for good (`give_up(job, code)`, e.g. mark the pack failed)."""

    run: Callable
    give_up: Callable | None = None


HANDLERS: dict[str, Handler] = {}


def register_handler(kind: str, run: Callable, give_up: Callable | None = None) -> None:
    """Name what a kind of job does; each feature registers its own kinds when imported."""
    HANDLERS[kind] = Handler(run, give_up)


def lease_length() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def enqueue_job(kind: str, payload: dict) -> Job:
    """Record a job, commit it, then send its id to the queue (a queue message sent before the
    row were visible could reach a worker that cannot find the job)."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    job = Job(kind=kind, payload=payload, status="queued")
    db.session.add(job)
    db.session.commit()
    send_job(job.id)
    return job


def send_job(job_id: int) -> None:
    """Put a committed job's id on the queue, for any worker."""
    current_app.extensions["rating.jobs"].send(job_id)


def run_job(job_id: int) -> Job | None:
    """Claim the job and run it here (a worker's task, or `wait=True` callers). Returns the
    job as it ended, or None when it was not this worker's to run."""
    lease = claim_job(job_id)
    if lease is None:
        return None
    job = db.session.get(Job, job_id)
    handler = HANDLERS[job.kind]
    with lease.kept_alive():
        try:
            handler.run(job, lease)
        except LeaseLost:
            db.session.rollback()
            log.warning("job %s: lease lost; another worker has it", job_id)
            return None
        except Exception:
            db.session.rollback()
            log.exception("job %s (%s) failed", job_id, job.kind)
            _give_up(job_id, "internal", holder=lease.worker)
    db.session.expire_all()
    return db.session.get(Job, job_id)


@dataclass
class Lease:
    """This worker's hold on one job."""

    job_id: int
    worker: str
    length: timedelta

    def _held(self):
        return and_(Job.id == self.job_id, Job.worker == self.worker, Job.status == "running")

    def report(self, percent: int, stage: str) -> None:
        """Record progress (the pack page reads it) and renew the lease; commits."""
        done = db.session.execute(update(Job).where(self._held()).values(
            progress=percent, stage=stage, lease_until=utcnow() + self.length))
        db.session.commit()
        if done.rowcount != 1:
            raise LeaseLost(self.job_id)

    def finish(self) -> None:
        """Mark the job done in the caller's transaction (commit it with the result); refused
        with `LeaseLost` when this worker no longer holds the job."""
        done = db.session.execute(update(Job).where(self._held()).values(
            status="done", progress=100, stage="done", lease_until=None,
            finished_at=utcnow()))
        if done.rowcount != 1:
            raise LeaseLost(self.job_id)

    def fail(self, code: str) -> None:
        """Mark the job failed (the work itself refused, e.g. no closed cycle), in the caller's
        transaction; a failed job is not tried again."""
        done = db.session.execute(update(Job).where(self._held()).values(
            status="failed", error=code, lease_until=None, finished_at=utcnow()))
        if done.rowcount != 1:
            raise LeaseLost(self.job_id)

    @contextmanager
    def kept_alive(self):
        """Renew the lease from a thread of its own while the work runs (a PDF renders for
        seconds between two progress reports)."""
        engine, stop = db.engine, threading.Event()
        every = max(self.length.total_seconds() / 3, 0.2)

        def beat():
            while not stop.wait(every):
                try:
                    with engine.begin() as connection:
                        connection.execute(update(Job).where(self._held()).values(
                            lease_until=utcnow() + self.length))
                except Exception:  # noqa: BLE001 - the next beat tries again; the lease says
                    log.warning("job %s: lease not renewed", self.job_id, exc_info=True)

        thread = threading.Thread(target=beat, name=f"lease-{self.job_id}", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join(timeout=10)


def claim_job(job_id: int) -> Lease | None:
    """Take a queued job for this worker, atomically; None when it is not queued (done,
    failed, or held by another worker)."""
    now, length, me = utcnow(), lease_length(), worker_name()
    done = db.session.execute(update(Job).where(Job.id == job_id, Job.status == "queued").values(
        status="running", worker=me, attempts=Job.attempts + 1, lease_until=now + length,
        started_at=now))
    db.session.commit()
    return Lease(job_id, me, length) if done.rowcount == 1 else None


def requeue_expired_jobs() -> dict:
    """Queue again every running job whose lease ran out (its worker died), or give it up
    after ``JOB_ATTEMPTS`` tries; send again queued jobs that waited longer than two leases
    (their queue message may be lost). Safe to run anywhere, any number of times at once."""
    now, attempts = utcnow(), current_app.config["JOB_ATTEMPTS"]
    expired = list(db.session.scalars(select(Job).where(
        Job.status == "running", Job.lease_until < now)))
    requeued, given_up = [], []
    for job in expired:
        if job.attempts >= attempts:
            if _give_up(job.id, "interrupted", lease_before=now):
                given_up.append(job.id)
            continue
        done = db.session.execute(update(Job).where(
            Job.id == job.id, Job.status == "running", Job.lease_until < now).values(
            status="queued", worker=None, lease_until=None))
        db.session.commit()
        if done.rowcount == 1:
            requeued.append(job.id)
    waiting = db.session.scalars(select(Job.id).where(
        Job.status == "queued", Job.created_at < now - 2 * lease_length()))
    resent = [job_id for job_id in waiting if job_id not in requeued]
    for job_id in requeued + resent:
        send_job(job_id)
    if requeued or given_up:
        log.warning("jobs whose worker died: requeued %s, given up %s", requeued, given_up)
    return {"requeued": requeued, "given_up": given_up, "resent": resent}


def _give_up(job_id: int, code: str, holder: str | None = None, lease_before=None) -> bool:
    """Mark a job failed for good and tell its handler (the pack becomes failed), once."""
    condition = [Job.id == job_id, Job.status == "running"]
    if holder is not None:
        condition.append(Job.worker == holder)
    if lease_before is not None:
        condition.append(Job.lease_until < lease_before)
    done = db.session.execute(update(Job).where(*condition).values(
        status="failed", error=code, lease_until=None, finished_at=utcnow()))
    if done.rowcount != 1:
        db.session.rollback()
        return False
    job = db.session.get(Job, job_id)
    handler = HANDLERS.get(job.kind)
    if handler is not None and handler.give_up is not None:
        handler.give_up(job, code)
    db.session.commit()
    return True
