"""The SQLite writers' lock: held across processes, freed when its holder dies, never in the way."""

import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import create_engine

from rating import writelock

HOLD = textwrap.dedent("""
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
""")


@pytest.fixture
def sqlite_connection(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.connect() as connection:
        yield connection, f"{tmp_path / 'db.sqlite3'}-writer.lock"
    engine.dispose()


@pytest.fixture
def hold_in_another_process():
    holders = []

    def hold(path, seconds):
        holder = subprocess.Popen([sys.executable, "-c", HOLD, path, str(seconds)],
                                  stdout=subprocess.PIPE, text=True)
        holders.append(holder)
        assert holder.stdout.readline().strip() == "held"
        return holder

    yield hold
    for holder in holders:
        holder.kill()
        holder.wait(timeout=10)
        holder.stdout.close()


def test_a_writer_of_another_process_is_waited_for(sqlite_connection,
                                                   hold_in_another_process):
    connection, path = sqlite_connection
    holder = hold_in_another_process(path, 0.6)
    started = time.monotonic()
    with writelock.one_writer(connection):
        waited = time.monotonic() - started
        assert holder.poll() is not None or waited >= 0.3  # it held the lock when we asked
    holder.wait(timeout=10)
    assert waited >= 0.3


def test_the_lock_of_a_killed_holder_is_free_at_once(sqlite_connection,
                                                    hold_in_another_process):
    connection, path = sqlite_connection
    holder = hold_in_another_process(path, 60)
    holder.kill()  # kill -9: no chance to unlock
    holder.wait(timeout=10)
    started = time.monotonic()
    with writelock.one_writer(connection):
        pass
    assert time.monotonic() - started < 5


def test_threads_of_one_process_take_turns(sqlite_connection):
    connection, _path = sqlite_connection
    inside, most = [], []

    def write():
        for _ in range(50):
            with writelock.one_writer(connection):
                inside.append(1)
                most.append(len(inside))
                time.sleep(0.0005)
                inside.pop()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(most) == 200 and max(most) == 1


def test_no_lock_file_means_no_file_lock_not_an_error(tmp_path, caplog):
    engine = create_engine(f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}")
    with caplog.at_level("WARNING", logger="rating.writelock"):
        assert writelock._open_lock_file(engine.url.database) is None
    assert "writers will poll" in caplog.text


def test_postgresql_takes_no_lock(app):
    from rating.extensions import db

    with db.engine.connect() as connection:
        before = dict(writelock._locks)
        with writelock.one_writer(connection):
            pass
        if connection.dialect.name == "postgresql":
            assert writelock._locks == before
        else:
            assert writelock._locks.keys() >= {db.engine.url.database}
