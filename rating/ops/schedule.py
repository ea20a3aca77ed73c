"""What runs on a schedule, on the job queue (Huey periodic tasks): each entry is one call
into a service. The worker started with the scheduler on queues them (one such worker in a
deployment: `make run`'s ``scheduler``); any worker runs them. Times are UTC; West Bengal is
UTC+5:30. Each call is safe to repeat: a second run in the same period changes nothing.

The staff's reminder digest goes once a day (rating.reminders: at most one a person a day,
whatever runs twice); nothing is sent unless MAIL_ENABLED.
"""

from flask import Flask, current_app
from huey import crontab

from rating.cycles.services import follow_cycle_dates
from rating.evidence.services import expire_old_packs
from rating.jobs.services import requeue_expired_jobs
from rating.ops.backup import back_up_into
from rating.reminders.services import send_daily_digests
from rating.timeutil import local_today


def hand_out_abandoned_jobs():
    return requeue_expired_jobs()


def follow_the_cycle_dates():
    return follow_cycle_dates(local_today(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def expire_packs():
    return expire_old_packs(current_app.config["PACK_RETENTION_DAYS"])


def send_reminders():
    return send_daily_digests(local_today(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def back_up_nightly():
    return back_up_into(current_app.config["SQLALCHEMY_DATABASE_URI"],
                        current_app.config["BACKUP_DIR"], local_today())


# (name, when, what); the backup only when BACKUP_DIR is set.
SCHEDULE = (
    ("hand-out-abandoned-jobs", crontab(minute="*"), hand_out_abandoned_jobs),
    # Every hour at :35 UTC (:05 in Kolkata), so a cycle opens within the first hour of its
    # first day there (00:05 IST is 18:35 UTC) and a missed run is made up an hour later.
    ("follow-cycle-dates", crontab(minute="35"), follow_the_cycle_dates),
    ("expire-packs", crontab(minute="15", hour="21"), expire_packs),  # 02:45 IST
    # 02:30 UTC, 08:00 in Kolkata: the day's digest before the working day; the runs at
    # 06:30 and 10:30 UTC send to whoever the first missed (a mail server down).
    ("daily-digest", crontab(minute="30", hour="2,6,10"), send_reminders),
)
BACKUP = ("nightly-backup", crontab(minute="30", hour="20"), back_up_nightly)  # 02:00 IST


def init_app(app: Flask) -> None:
    queue = app.extensions["rating.jobs"]
    for name, when, call in SCHEDULE + ((BACKUP,) if app.config["BACKUP_DIR"] else ()):
        queue.schedule(name, when, call)
