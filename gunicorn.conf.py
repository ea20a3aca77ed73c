"""gunicorn settings for `make run` and for production behind a proxy (override with flags).

Measured with benchmarks/load.py and benchmarks/faults.py on 2 cores (figures in issue 7's
note): a rating costs the app about 9 ms of CPU against 2 ms for /healthz, so throughput is
bounded by CPU, not by SQLite's single writer; 1x8, 2x2, 3x1 and 3x4 processes x threads
all ran 200 phones with no error, and none was clearly faster on a busy machine.
"""

import multiprocessing
import os

# Processes use the cores (the GIL keeps one process to one); threads overlap the waits
# (fsync of each commit, PostgreSQL round trips). SQLite in WAL mode with busy_timeout lets
# the processes' writes queue up rather than fail.
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
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
# Only method, path and status: query strings and bodies never reach the log.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
