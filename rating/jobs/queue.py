"""The queue between the web and the workers: Huey, chosen by ``JOB_QUEUE_URL``.

- ``sqlite:///PATH`` (the default, ``instance/job-queue.sqlite3``): one machine, no server to
  run; `make run` starts a worker beside the web server.
- ``redis://HOST:PORT/DB``: any number of web nodes and workers on any machines.
- ``immediate:``: a job runs in the process that queues it, when it is queued (the tests).

The queue carries only job ids; the jobs table says what each one is and who holds it
(`rating.jobs.services`). Scheduled jobs (`rating.ops.schedule`) are Huey periodic tasks on
the same queue: the worker started with the scheduler on (`make run`'s ``scheduler``) queues
them, any worker runs them.
"""

from functools import wraps

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey

from rating.jobs import services


class JobQueue:
    """The app's Huey, with the one task that runs a job by id and the scheduled tasks."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = make_huey(app.config["JOB_QUEUE_URL"], app.config["JOB_QUEUE_NAME"])
        self._run_job = self.huey.task(name="run_job")(self._in_app(services.run_job))
        # A worker starting up first hands out again what a dead worker left.
        self.huey.on_startup("requeue_expired_jobs")(self._in_app(services.requeue_expired_jobs))

    def send(self, job_id: int) -> None:
        self._run_job(job_id)

    def schedule(self, name: str, when, call) -> None:
        """Run ``call()`` (in an app context) whenever ``when`` (a Huey crontab) says."""
        self.huey.periodic_task(when, name=name)(self._in_app(call))

    def _in_app(self, call):
        app = self.app

        @wraps(call)
        def in_app(*args, **kwargs):
            with app.app_context():
                return call(*args, **kwargs)

        return in_app


def make_huey(url: str, name: str) -> Huey:
    """The Huey for a ``JOB_QUEUE_URL``; a URL of any other kind is a configuration error."""
    if url.startswith("sqlite:///"):
        # fsync: a job acknowledged to a user survives a power cut as its row does.
        return SqliteHuey(name, filename=url.removeprefix("sqlite:///"), results=False,
                          fsync=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url == "immediate:":
        return Huey(name, immediate=True, results=False)
    raise ValueError(f"JOB_QUEUE_URL must be sqlite:///PATH, redis://HOST:PORT/DB or "
                     f"immediate:, not {url!r}")


def init_app(app: Flask) -> JobQueue:
    queue = JobQueue(app)
    app.extensions["rating.jobs"] = queue
    return queue
