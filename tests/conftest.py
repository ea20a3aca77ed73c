"""Fixtures: a fresh app on a clean database per test, on SQLite and (when TEST_DATABASE_URL
is set) on PostgreSQL too; clients logged in as each role; factories for the directory."""

import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import create_engine, exists, literal, select, text, union_all
from sqlalchemy.engine import make_url

# An instance folder (packs, generated secrets) of each test process's own: pytest-xdist's
# workers inherit the controller's environment, and two workers writing pack 1 into one folder
# corrupted each other's zips.
os.environ["RATING_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="rating-test-instance-")

from hypothesis import settings  # noqa: E402

from rating import create_app  # noqa: E402
from rating.evidence import keys  # noqa: E402
from rating.extensions import db, limiter  # noqa: E402
from rating.histograms import forget_kept_figures  # noqa: E402

# Property tests have no deadline: a first call slowed by a busy machine (250-333 ms against
# hypothesis's 200 ms) is not a failure. (The hostile-input tests register their own profiles.)
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

# Cases the hostile-input tests sent, per test (printed at the end of the run).
HOSTILE_CASES = pytest.StashKey[dict]()
TRAVELLER = pytest.StashKey[object]()

ROOT = Path(__file__).resolve().parents[1]
MEMORY_DISK = Path("/dev/shm")
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
TEST_PASSWORDS = {"staff": "staff-password-1", "advocacy": "advocacy-password-1",
                  "admin": "admin-password-1"}
TEST_PIN = "1357"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')


def pytest_addoption(parser):
    parser.addoption(
        "--today", metavar="YYYY-MM-DD[THH:MM]", default=os.environ.get("TEST_TODAY") or None,
        help="run the suite as if today were this day in West Bengal: the clock starts at "
             "noon there (or at the time given) and keeps ticking (also TEST_TODAY=...)")


def pytest_configure(config):
    """With --today, every clock the app reads (and the tests' own) starts on that day."""
    day = config.getoption("--today")
    if not day:
        return
    try:
        start = datetime.fromisoformat(day) if "T" in day else \
            datetime.combine(date.fromisoformat(day), time(12))
    except ValueError as error:
        raise pytest.UsageError(
            f"--today wants YYYY-MM-DD or YYYY-MM-DDTHH:MM, not {day!r}") from error
    start = start.replace(tzinfo=ZoneInfo("Asia/Kolkata"))
    traveller = time_machine.travel(start, tick=True)
    traveller.start()
    config.stash[TRAVELLER] = traveller


# Tests that read no clock the day could change, left out of the runs on other days
# (`make test-dates`): statistics on given numbers, checks of given input, the schema's
# migrations, the SQLite writers' lock. The browser tests are left out too: a moved clock
# moves the server's time but not the browser's, so the browser would drop cookies that the
# server dated years ahead or behind. Anything not named here runs on every day.
UNDATED = ("analysis/", "tests/analysis/", "tests/browser/", "tests/rating/test_hostile_input.py",
           "tests/rating/test_rating_checks.py", "tests/rating/test_migrations.py",
           "tests/rating/test_writelock.py")


def pytest_collection_modifyitems(config, items):
    """Mark `dated` every test that may depend on the day it runs (see UNDATED)."""
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        # Tests with real worker processes are left out too, as the browser tests are: a moved
        # clock moves this process's time, not the workers', so their leases would never
        # run out on the test's clock.
        # So are tests marked `real_clock`, for the same reason.
        if not where.startswith(UNDATED) and "job_workers" not in getattr(
                item, "fixturenames", ()) and item.get_closest_marker("real_clock") is None:
            item.add_marker(pytest.mark.dated)


def pytest_unconfigure(config):
    traveller = config.stash.get(TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    day = config.getoption("--today")
    if not day:
        return None
    return f"today (moved clock): {day}{'' if 'T' in day else ' noon'} in Kolkata"


def base_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        "RATER_KEY_SECRET": "test-rater-key-secret",
        "PASSWORD_HASH_PROFILE": "test",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        # A job runs when it is queued, in the test's process; `job_workers` gives a test a
        # real queue and real worker processes instead.
        "JOB_QUEUE_URL": "immediate:",
        "RATING_WRITE_LIMIT": "100000 per minute",
    }


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """One database per backend for the session, migrated once with Alembic."""
    if request.param == "sqlite":
        folder = _memory_folder() or tmp_path_factory.mktemp("db")
        url = f"sqlite:///{folder / 'test.sqlite3'}"
        try:
            yield _migrated(url)
        finally:
            if folder.is_relative_to(MEMORY_DISK):
                shutil.rmtree(folder, ignore_errors=True)
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"rating_test_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A test database need not survive a power cut: commits return without waiting for
        # the WAL to reach the disk. (Only this database; the server's own setting stays.)
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        yield _migrated(url)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def _memory_folder() -> Path | None:
    """A folder in memory (tmpfs) for the SQLite test database, where fsync costs nothing:
    the app keeps synchronous=FULL, only its test database skips the disk."""
    if not (MEMORY_DISK.is_dir() and os.access(MEMORY_DISK, os.W_OK)):
        return None
    return Path(tempfile.mkdtemp(prefix="rating-test-db-", dir=MEMORY_DISK))


def _migrated(url: str) -> str:
    from flask_migrate import upgrade

    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production: its own ``g`` and its own
    database session, so nothing a test set up leaks into a request except through the
    database. (Test code reading after a request may need ``db.session.expire_all()``.)"""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url, _apps):
    """The app on a clean database. One app per database serves every test (building one
    cost 25-45 ms, a tenth of the suite): each test starts from its settings as built and
    from empty rate-limit counters, and leaves no rows behind. A test that changes the app
    itself (adds a route or a hook) takes `fresh_app` instead. What the process keeps from
    closed cycles (`rating.histograms`) is forgotten too: a snapshot laid down again brings
    back the same revisions, and a test must not find an earlier test's figures kept."""
    forget_kept_figures()
    if database_url not in _apps:
        built = create_app(base_config(database_url))
        built.test_client_class = FreshContextClient
        _apps[database_url] = (built, copy.deepcopy(dict(built.config)))
    app, as_built = _apps[database_url]
    app.config.clear()
    app.config.update(copy.deepcopy(as_built))
    with app.app_context():
        limiter.reset()
        yield app
        db.session.remove()
        _empty_tables()


@pytest.fixture(scope="session")
def _apps():
    apps: dict = {}
    yield apps
    for app, _ in apps.values():
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def fresh_app(database_url):
    """An app of its own, for a test that adds routes or hooks to it."""
    app = create_app(base_config(database_url))
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


class JobWorkers:
    """An app whose jobs go to a real queue (Huey on a SQLite file of the test's own), and
    real worker processes (``huey_consumer worker.huey``, as the Procfile starts them) on the
    same database; every worker still running at the end is killed."""

    def __init__(self, database_url: str, folder: Path, lease_seconds: float):
        self.folder, self.processes = folder, []
        queue = f"sqlite:///{folder / 'job-queue.sqlite3'}"
        config = {**base_config(database_url), "JOB_QUEUE_URL": queue,
                  "JOB_LEASE_SECONDS": lease_seconds}
        self.app = create_app(config)
        self.app.test_client_class = FreshContextClient
        self.env = {**os.environ, "DATABASE_URL": database_url, "JOB_QUEUE_URL": queue,
                    "JOB_LEASE_SECONDS": str(lease_seconds),
                    "SECRET_KEY": config["SECRET_KEY"],
                    "RATER_KEY_SECRET": config["RATER_KEY_SECRET"],
                    "RATING_INSTANCE_PATH": str(folder / "instance"),
                    # every process signs packs with the test process's key, as a
                    # deployment's nodes share theirs
                    **keys.demo_key_files(Path(self.app.instance_path),
                                          config.get("ORGANISATION_NAME", "Test network"))}

    def start(self) -> subprocess.Popen:
        """One worker process (no scheduler: nothing runs on the clock during a test)."""
        with open(self.folder / f"worker-{len(self.processes)}.log", "wb") as log:
            process = subprocess.Popen(
                [str(Path(sys.executable).parent / "huey_consumer"), "worker.huey",
                 "--no-periodic", "--workers", "1", "--delay", "0.05", "--max-delay", "0.2"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def log(self, index: int = 0) -> str:
        return (self.folder / f"worker-{index}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(30)


@pytest.fixture
def job_workers(app, database_url, tmp_path):
    workers = JobWorkers(database_url, tmp_path, lease_seconds=2.0)
    try:
        yield workers
    finally:
        workers.stop()
        with workers.app.app_context():
            db.engine.dispose()


def _empty_tables():
    """Delete every row a test left, and restart the ids it used (PostgreSQL's sequences; on
    SQLite an emptied table numbers from 1 again). One query finds the tables that hold rows:
    a test touches a few, and TRUNCATE of all of them cost PostgreSQL about 0.3 s a test."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        probe = union_all(*(select(literal(table.name).label("name"))
                            .where(exists(select(literal(1)).select_from(table)))
                            for table in tables))
        used = set(connection.scalars(probe))
        for table in tables:
            if table.name in used:
                connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            # every sequence a test drew from (a row inserted and deleted again counts too)
            connection.execute(text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                "FROM pg_sequences WHERE schemaname = current_schema() "
                "AND last_value IS NOT NULL"))


_SNAPSHOTS: dict = {}


@pytest.fixture
def snapshot(app, database_url):
    """Rows built once per database and laid down again for every later test.

    ``snapshot(name, build)`` runs ``build()`` the first time and keeps the rows it added;
    later it inserts the same rows, ids and all, in one transaction, and returns what
    ``build`` returned then (plain values such as ids, never ORM objects). The database must
    hold what it held the first time (the fixtures resolved before this one); if not, it
    refuses rather than mixing two worlds. A hand-made network of a few hundred rows took
    0.2-0.5 s of CPU to build through the factories, and takes a few ms to lay down.
    """

    def take(name: str, build):
        key = (name, database_url)
        before = _rows()
        if key not in _SNAPSHOTS:
            result = build()
            _SNAPSHOTS[key] = (before, _rows_added(before, _rows()), result)
            return result
        expected, added, result = _SNAPSHOTS[key]
        if before != expected:
            raise RuntimeError(f"snapshot {name!r}: the database holds other rows than when it "
                               "was taken; request this fixture before any that writes")
        _lay_down(added)
        return result

    return take


def _rows() -> dict[str, list[tuple]]:
    db.session.commit()
    order = {table.name: table.primary_key.columns for table in db.metadata.sorted_tables}
    with db.engine.connect() as connection:
        return {name: [tuple(row) for row in connection.execute(
                    select(*db.metadata.tables[name].columns).order_by(*primary_key))]
                for name, primary_key in order.items()}


def _rows_added(before: dict, after: dict) -> dict[str, list[dict]]:
    added = {}
    for table in db.metadata.sorted_tables:
        keys = [list(table.columns).index(column) for column in table.primary_key.columns]
        old = {tuple(row[i] for i in keys) for row in before[table.name]}
        rows = [row for row in after[table.name] if tuple(row[i] for i in keys) not in old]
        if rows:
            names = [column.name for column in table.columns]
            added[table.name] = [dict(zip(names, row, strict=True)) for row in rows]
    return added


def _lay_down(added: dict[str, list[dict]]) -> None:
    from rating.cycles.counts import DERIVED_TABLES

    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            # The counts beside the ratings, and the closed cycles' revisions, are not laid
            # down: the database's triggers count the ratings again as they go in (and give
            # a closed cycle a new revision).
            if table.name in added and table.name not in (*DERIVED_TABLES, "cycle_revisions"):
                connection.execute(table.insert(), added[table.name])
        if connection.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                (column, *others) = table.primary_key.columns
                if table.name in added and not others and column.autoincrement in (True, "auto"):
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'),"
                        f" (SELECT max({column.name}) FROM {table.name}))"))
    db.session.expire_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that reads the CSRF token from a page before posting, as a browser does."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, page=None, **kwargs):
        token = csrf_from(self.client.get(page or url).get_data(as_text=True))
        data = dict(data or {})
        data.setdefault("csrf_token", token)
        return self.client.post(url, data=data, **kwargs)

    def login(self, login, secret):
        return self.post("/login", {"username": login, "password": secret})


@pytest.fixture
def browser(client):
    return Browser(client)


def _done(commit: bool) -> None:
    """A factory's last step: commit (the default), or flush only so that a fixture building
    many rows commits once (each commit expires every loaded object, which then reloads)."""
    if commit:
        db.session.commit()
    else:
        db.session.flush()


@pytest.fixture
def make_collective(app):
    from rating.auth.models import Collective

    def make(code="BJ", name_en="Bijoyini", name_bn="বিজয়িনী", commit=True):
        existing = db.session.scalar(db.select(Collective).where(Collective.code == code))
        if existing:
            return existing
        collective = Collective(code=code, name_en=name_en, name_bn=name_bn)
        db.session.add(collective)
        _done(commit)
        return collective

    return make


@pytest.fixture
def make_user(app, make_collective):
    from rating.admin.services import create_user

    def make(role="leader", login=None, secret=None, collective_code="BJ", **kwargs):
        if role == "leader":
            login = login or f"{collective_code}-{uuid.uuid4().int % 900 + 100}"
            collective = make_collective(collective_code, commit=kwargs.get("commit", True))
            return create_user(login=login, display_name=kwargs.pop("display_name", login),
                               role=role, secret=secret or TEST_PIN, collective=collective,
                               **kwargs)
        return create_user(login=login or role, display_name=kwargs.pop("display_name", role),
                           role=role, secret=secret or TEST_PASSWORDS[role], **kwargs)

    return make


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new account of a role; returns the account."""

    def log_in(role, **kwargs):
        user = make_user(role, **kwargs)
        secret = kwargs.get("secret") or (TEST_PIN if role == "leader" else TEST_PASSWORDS[role])
        response = Browser(client).login(user.login, secret)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return log_in


@pytest.fixture
def directory(app):
    """A small directory: one district with two blocks and a few department types."""
    from rating.directory.models import DepartmentType, Place

    district = Place(code="N24P", kind="district", name_en="North 24 Parganas",
                     name_bn="উত্তর ২৪ পরগনা")
    db.session.add(district)
    db.session.flush()
    gaighata = Place(code="BLK-GAIGHATA", kind="block", name_en="Gaighata", name_bn="গাইঘাটা",
                     district_id=district.id)
    bagdah = Place(code="BLK-BAGDAH", kind="block", name_en="Bagdah", name_bn="বাগদা",
                   district_id=district.id)
    bdo = DepartmentType(code="BDO", name_en="Block Development Officer",
                         name_bn="ব্লক উন্নয়ন আধিকারিক", level="block")
    dcpo = DepartmentType(code="DCPO", name_en="District Child Protection Officer",
                          name_bn="জেলা শিশু সুরক্ষা আধিকারিক", level="district")
    db.session.add_all([gaighata, bagdah, bdo, dcpo])
    db.session.commit()
    return {"district": district, "gaighata": gaighata, "bagdah": bagdah, "bdo": bdo,
            "dcpo": dcpo}


@pytest.fixture
def make_office(app, directory):
    from rating.directory.models import Office

    def make(code="BDO-GAIGHATA", place="gaighata", department="bdo", active=True,
             commit=True):
        office = Office(code=code, department_type=directory[department],
                        place=directory[place], level=directory[department].level,
                        name_en=f"{code} (en)", name_bn=f"{code} (bn)", active=active)
        db.session.add(office)
        _done(commit)
        return office

    return make


@pytest.fixture
def make_cycle(app):
    from rating.cycles.models import Cycle

    def make(name="2026 Q4", status="open", starts_on=date(2026, 10, 1),
             ends_on=date(2026, 12, 31), commit=True):
        cycle = Cycle(name=name, status=status, starts_on=starts_on, ends_on=ends_on)
        db.session.add(cycle)
        _done(commit)
        return cycle

    return make


@pytest.fixture
def make_rating(app):
    from rating.auth.services import rater_key_for
    from rating.survey.models import Rating

    def make(cycle, office, leader, score=5, commit=True, **kwargs):
        rating = Rating(cycle_id=cycle.id, office_id=office.id, rater_key=rater_key_for(leader.id),
                        collective_id=leader.collective_id, score=score,
                        purpose=kwargs.pop("purpose", "housing"),
                        submission_id=kwargs.pop("submission_id", uuid.uuid4().hex), **kwargs)
        db.session.add(rating)
        if commit:
            db.session.commit()
        return rating

    return make


def pytest_sessionfinish(session):
    """Under pytest-xdist, a worker hands its count of hostile cases to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["hostile_cases"] = dict(session.config.stash.get(HOSTILE_CASES, {}))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    cases = getattr(node, "workeroutput", {}).get("hostile_cases")
    if cases:
        node.config.stash.setdefault(HOSTILE_CASES, {}).update(cases)


def pytest_terminal_summary(terminalreporter, config):
    """How many hostile cases were sent (hypothesis's own statistics do not see them: each
    test runs its `@given` function inside the test)."""
    cases = config.stash.get(HOSTILE_CASES, None)
    if cases:
        terminalreporter.write_sep("-", "hostile input")
        terminalreporter.write_line(
            f"{sum(cases.values())} cases in {len(cases)} endpoint tests "
            f"(fewest {min(cases.values())}, most {max(cases.values())} in one test)")


@pytest.fixture
def rated_block(app, directory, make_user, make_cycle, make_rating):
    """Gaighata after two closed cycles: its BDO rated by 6 leaders in each (published), a
    second office by 4 (withheld), and "BJ-001", who lives there and rated the BDO; an open
    cycle where a fifth leader rated the second office."""
    from rating.directory.models import Office

    leader = make_user("leader", login="BJ-001", home_place=directory["gaighata"])
    others = [make_user("leader", login=f"BJ-{n:03d}") for n in range(2, 8)]
    bdo = Office(code="BDO-GAIGHATA", department_type=directory["bdo"],
                 place=directory["gaighata"], level="block", name_en="BDO, Gaighata",
                 name_bn="বিডিও, গাইঘাটা")
    small = Office(code="DCPO-GAIGHATA", department_type=directory["dcpo"],
                   place=directory["gaighata"], level="district",
                   name_en="Child protection, Gaighata", name_bn="শিশু সুরক্ষা, গাইঘাটা")
    db.session.add_all([bdo, small])
    db.session.commit()
    cycles = [make_cycle(name="2026 Q1", status="closed", starts_on=date(2026, 1, 1),
                         ends_on=date(2026, 3, 31)),
              make_cycle(name="2026 Q2", status="closed", starts_on=date(2026, 4, 1),
                         ends_on=date(2026, 6, 30))]
    open_cycle = make_cycle(name="2026 Q3", status="open", starts_on=date(2026, 7, 1),
                            ends_on=date(2026, 9, 30))
    raters = [leader, *others[:5]]
    for cycle, scores in zip(cycles, ([3, 5, 6, 7, 8, 9], [4, 6, 6, 8, 9, 10]), strict=True):
        for rater, score in zip(raters, scores, strict=True):
            make_rating(cycle, bdo, rater, score=score, commit=False)
        for rater, score in zip(others[:4], (2, 4, 7, 9), strict=True):
            make_rating(cycle, small, rater, score=score, commit=False)
    make_rating(open_cycle, small, others[5], score=1, commit=False)
    db.session.commit()
    return {"leader": leader, "bdo": bdo, "small": small, "cycles": cycles,
            "open": open_cycle, "block": directory["gaighata"]}


@pytest.fixture
def small_block(app, directory, make_user, make_cycle, make_rating):
    """Bagdah: one office rated by 4 leaders in each of two closed cycles."""
    from rating.directory.models import Office

    office = Office(code="BDO-BAGDAH", department_type=directory["bdo"],
                    place=directory["bagdah"], level="block", name_en="BDO, Bagdah",
                    name_bn="বিডিও, বাগদা")
    db.session.add(office)
    db.session.commit()
    raters = [make_user("leader", login=f"BJ-{n:03d}") for n in range(11, 15)]
    for name, start, scores in (("2026 Q1", 1, (2, 5, 7, 9)), ("2026 Q2", 4, (3, 4, 8, 10))):
        cycle = make_cycle(name=name, status="closed", starts_on=date(2026, start, 1),
                           ends_on=date(2026, start + 2, 28))
        for rater, score in zip(raters, scores, strict=True):
            make_rating(cycle, office, rater, score=score, commit=False)
    db.session.commit()
    return {"block": directory["bagdah"], "office": office, "raters": raters}
