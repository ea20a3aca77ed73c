"""gunicorn settings for `make run` and for production behind a proxy (override with flags).

Measured with benchmarks/load.py on 2 cores, 200 phones (figures in issue 7's note): the app is
CPU-bound (about 1 ms of CPU for /healthz, 1.6 ms for a rating), so one process per core serves
the most. More processes than cores, or more threads, only add waiting: processes wait in
SQLite's busy handler (which sleeps 1, 2, 5 ms ... between tries) and threads for the GIL.
SQLite: 2 processes x 1 thread stored 870-910 ratings/s, 2 x 2 about 690-790, 3 x 4 about 720.
PostgreSQL: 2 x 2 stored 610-660/s against 545 for 2 x 1 (a second thread fills the socket waits).
One thread means that a request holds its process until it is answered: serve behind the proxy
(README), which reads a slow phone's whole request before passing it on, so a phone on 2G never
holds a worker while it uploads.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

_postgresql = os.environ.get("DATABASE_URL", "").startswith("postgresql")

# Processes use the cores (the GIL keeps one process to one core). SQLite in WAL mode with
# busy_timeout lets the processes' writes queue up rather than fail.
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count()))
# gthread even with one thread: its main thread keeps idle keep-alive connections of phones
# open without holding a worker, and a request is served as soon as the thread is free.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "2" if _postgresql else "1"))
# A worker that stops answering its heartbeat for 30 s is killed and replaced; requests
# themselves end sooner (SQLite busy_timeout 10 s, PostgreSQL connect_timeout 5 s).
timeout = 30
# SIGTERM or SIGHUP: workers finish what they are serving (p99 under overload: ~5 s) before
# they go. SIGHUP reloads code and settings without refusing a connection, which is why the
# app is not preloaded in the master (a full restart takes ~4 s a worker to import it).
graceful_timeout = 20
# Heartbeat files in memory: a full or slow disk (faults.py fills the SQLite disk) must not
# stall the workers' heartbeats and get healthy workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server):
    """Files the service writes are its own (0600, folders 0700) even where the code gives no
    mode: the master's umask, which every worker inherits. (gunicorn's ``umask`` setting
    covers only its unix sockets.)"""
    os.umask(0o077)


# Only method, path and status: query strings and bodies never reach the log, and numbers in
# the path (an office's id in /leader/saved/57) are replaced, so that the log never puts a
# client's address next to the office she rated (see PathRedactingLogger).
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


_NUMBER_SEGMENT = re.compile(r"(?<=/)[0-9]+(?=/|$)")


class PathRedactingLogger(Logger):
    """gunicorn's logger, with every all-digit segment of a path written as ``-`` in the access
    log, and the query string, the request line and the referrer left out. Defined here, not
    in rating/, so that the master never imports the app (a SIGHUP must reload it)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = _NUMBER_SEGMENT.sub("-", atoms["U"])
        atoms.update({"U": path, "q": "", "r": f"{atoms['m']} {path} {atoms['H']}", "f": "-",
                      "{referer}i": "-"})
        return atoms


logger_class = PathRedactingLogger
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
