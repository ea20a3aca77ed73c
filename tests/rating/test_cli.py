"""The command line: accounts, office and historical rating imports, demo data."""

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from rating.auth.models import Collective, User
from rating.cycles.models import Cycle
from rating.directory.models import Office, Place
from rating.extensions import db
from rating.survey.models import Rating, VoicePrompt
from rating.voice.elements import FIXED

OFFICES = ("code,department,district,block\n"
           "WDO-GAIGHATA,BDO,N24P,Gaighata\n"
           "BDO-BAGDAH,BDO,North 24 Parganas,বাগদা\n")


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def csv_file(tmp_path):
    def write(content: str, name="file.csv"):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return str(path)

    return write


def test_create_user(runner, make_collective):
    make_collective("BJ")
    result = runner.invoke(args=["create-user", "--login", "Priya", "--role", "staff",
                                 "--name", "Priya Ghosh", "--secret", "long-enough-pass"])
    assert result.exit_code == 0, result.output
    assert "Created staff priya." in result.output
    result = runner.invoke(args=["create-user", "--login", "bj-010", "--role", "leader",
                                 "--collective", "bj", "--secret", "২৪৬৮"])
    assert result.exit_code == 0, result.output
    leader = db.session.scalar(select(User).where(User.login == "BJ-010"))
    assert leader.collective.code == "BJ"


@pytest.mark.parametrize("args, message", [
    (["--login", "priya", "--role", "staff", "--secret", "short"], "password_short"),
    (["--login", "BJ-010", "--role", "leader", "--secret", "2468"], "collective"),
    (["--login", "BJ-010", "--role", "leader", "--collective", "XX", "--secret", "2468"],
     "unknown collective XX"),
])
def test_create_user_refused(runner, make_collective, args, message):
    make_collective("BJ")
    result = runner.invoke(args=["create-user", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == 0


def test_import_offices_dry_run_then_for_real(runner, directory, csv_file):
    path = csv_file(OFFICES)
    result = runner.invoke(args=["import-offices", "--dry-run", path])
    assert result.exit_code == 0, result.output
    assert "Dry run: 2 offices would be imported. Nothing was written." in result.output
    assert count(Office) == 0

    result = runner.invoke(args=["import-offices", path])
    assert result.exit_code == 0, result.output
    assert "Imported 2 offices." in result.output
    assert {o.code for o in db.session.scalars(select(Office))} == {"WDO-GAIGHATA", "BDO-BAGDAH"}


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_import_offices_bad_file(runner, directory, csv_file, dry_run):
    path = csv_file(OFFICES + "BWO-X,BWO,N24P,Gaighata\n")
    result = runner.invoke(args=["import-offices", *dry_run, path])
    assert result.exit_code != 0
    assert "line 4, column department: Unknown department “BWO”." in result.output
    assert "nothing was imported" in result.output
    assert count(Office) == 0


@pytest.mark.parametrize("command", ["import-offices", "import-ratings"])
def test_a_file_that_is_not_utf8_is_named_not_a_crash(runner, directory, tmp_path, command):
    path = tmp_path / "excel.csv"
    path.write_bytes("code,department,district,block\nবিডিও,BDO,N24P,Gaighata\n"
                     .encode("utf-16"))
    result = runner.invoke(args=[command, str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "line 1: The file is not UTF-8 text." in result.output
    assert count(Office) == 0


RATINGS_HEADER = "office_code,cycle,score,date,rater_code\n"
RATINGS = RATINGS_HEADER + ("BDO-GAIGHATA,2024 Q2,7,2024-05-03,OLD-17\n"
                            "BDO-GAIGHATA,2024 Q2,4,2024-05-20,OLD-18\n"
                            "BDO-BAGDAH,2024 Q2,২,2024-06-01,OLD-17\n"
                            "BDO-GAIGHATA,2024 Q3,8,2024-08-11,OLD-17\n"
                            "BDO-GAIGHATA,2024 Q3,9,2024-08-12,BJ-001\n")


@pytest.fixture
def two_offices(make_office):
    return make_office("BDO-GAIGHATA"), make_office("BDO-BAGDAH", place="bagdah")


def test_import_ratings(runner, two_offices, make_cycle, make_user, csv_file):
    make_cycle("2026 Q4", status="open")
    leader = make_user("leader", login="BJ-001")
    path = csv_file(RATINGS)
    result = runner.invoke(args=["import-ratings", "--dry-run", path])
    assert result.exit_code == 0, result.output
    assert count(Rating) == 0 and count(Cycle) == 1

    result = runner.invoke(args=["import-ratings", path])
    assert result.exit_code == 0, result.output
    assert "Imported 5 ratings." in result.output
    cycles = {c.name: c for c in db.session.scalars(select(Cycle))}
    assert cycles["2024 Q2"].status == "closed" and cycles["2024 Q3"].status == "closed"
    assert str(cycles["2024 Q2"].starts_on) == "2024-05-03"
    assert str(cycles["2024 Q2"].ends_on) == "2024-06-01"
    assert cycles["2026 Q4"].status == "open"

    ratings = list(db.session.scalars(select(Rating)))
    assert sorted(r.score for r in ratings) == [2, 4, 7, 8, 9]
    keys = Counter(r.rater_key for r in ratings)
    assert sorted(keys.values()) == [1, 1, 3]  # OLD-17 is one rater across cycles
    # The leader who now has an account keeps one rater key and counts for her collective.
    from rating.auth.services import rater_key_for

    mine = [r for r in ratings if r.rater_key == rater_key_for(leader.id)]
    assert len(mine) == 1 and mine[0].collective_id == leader.collective_id
    dump = " ".join(str(value) for row in db.session.execute(text("SELECT * FROM ratings"))
                    for value in row)
    for code in ("OLD-17", "OLD-18", "BJ-001", "old-17"):
        assert code not in dump
    # The import is counted for the charts as it is written (`recount` finds no difference).
    recount = runner.invoke(args=["recount", "--check"])
    assert recount.exit_code == 0, recount.output
    assert "rating_counts: 4 rows, as the ratings give them." in recount.output


def test_import_ratings_twice_is_refused(runner, two_offices, csv_file):
    path = csv_file(RATINGS)
    assert runner.invoke(args=["import-ratings", path]).exit_code == 0
    before = (count(Rating), count(Cycle))
    result = runner.invoke(args=["import-ratings", path])
    assert result.exit_code != 0
    assert "line 2, column rater_code: This rating is already in the database." in result.output
    assert (count(Rating), count(Cycle)) == before == (5, 2)


@pytest.mark.parametrize("score", ["0", "11", "7.5", "seven", "", "-3"])
def test_import_ratings_bad_score(runner, two_offices, csv_file, score):
    path = csv_file(RATINGS + f"BDO-BAGDAH,2024 Q3,{score},2024-08-13,OLD-19\n")
    result = runner.invoke(args=["import-ratings", path])
    assert result.exit_code != 0
    assert f"line 7, column score: “{score}” is not a whole number from 1 to 10." \
        in result.output
    assert count(Rating) == 0 and count(Cycle) == 0


@pytest.mark.parametrize("row, column", [
    ("BDO-NOWHERE,2024 Q3,5,2024-08-13,OLD-19", "office_code"),
    ("BDO-BAGDAH,2024 Q3,5,13/08/2024,OLD-19", "date"),
    ("BDO-BAGDAH,2024 Q3,5,2024-08-13,", "rater_code"),
    ("BDO-BAGDAH,,5,2024-08-13,OLD-19", "cycle"),
    ("BDO-GAIGHATA,2024 Q3,5,2024-08-13,old-17", "rater_code"),  # rated it on line 5
])
def test_import_ratings_bad_line(runner, two_offices, csv_file, row, column):
    result = runner.invoke(args=["import-ratings", csv_file(RATINGS + row + "\n")])
    assert result.exit_code != 0
    assert f"line 7, column {column}:" in result.output
    assert count(Rating) == 0


def score_summary() -> list[tuple]:
    """Per office and cycle, how many ratings of each score: what the charts are drawn from."""
    return list(db.session.execute(
        select(Office.code, Cycle.name, Rating.score, func.count(Rating.id))
        .join(Office, Rating.office_id == Office.id).join(Cycle, Rating.cycle_id == Cycle.id)
        .group_by(Office.code, Cycle.name, Rating.score)
        .order_by(Office.code, Cycle.name, Rating.score)))


def empty_database():
    db.session.remove()
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.mark.slow
def test_demo_data(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "BJ-001" in result.output and "demo-staff-pass" in result.output
    # The demo speaks every element and office name in two languages, when espeak-ng is here.
    voices = count(VoicePrompt)
    assert voices == (2 * (len(FIXED) + count(Office)) if shutil.which("espeak-ng") else 0)
    assert f"Voice clips added: {voices}." in result.output

    places = Counter(kind for kind in db.session.scalars(select(Place.kind)))
    assert (places["district"], places["block"], places["municipality"]) == (2, 18, 8)
    assert 140 <= count(Office) <= 160
    leaders = dict(db.session.execute(
        select(Collective.name_en, func.count(User.id)).join(User.collective)
        .where(User.role == "leader").group_by(Collective.name_en)).all())
    assert leaders == {"Utthan": 18, "Bijoyini": 110}
    statuses = Counter(db.session.scalars(select(Cycle.status)))
    assert statuses == {"closed": 8, "open": 1}
    assert {u.login for u in db.session.scalars(select(User).where(User.role != "leader"))} == \
        {"staff", "advocacy", "admin"}
    summary = score_summary()
    assert sum(row[3] for row in summary) > 3000

    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    assert "already has accounts" in result.output
    assert score_summary() == summary and count(User) == 131

    empty_database()
    assert count(Rating) == 0
    assert runner.invoke(args=["demo-data", "--no-voices"]).exit_code == 0
    assert score_summary() == summary

    empty_database()
    assert runner.invoke(args=["demo-data", "--seed", "7", "--no-voices"]).exit_code == 0
    assert score_summary() != summary


@pytest.mark.parametrize("arguments", [["demo-data"], ["demo-data", "--if-empty"]])
def test_demo_data_is_refused_in_production(app, runner, arguments):
    """Its accounts' passwords and PIN are in the README: never on a real service."""
    app.config["RATING_ENV"] = "production"
    result = runner.invoke(args=arguments)
    assert result.exit_code != 0
    assert "refuses to run when RATING_ENV=production" in result.output
    assert count(User) == 0


@pytest.mark.parametrize("environment,seeds", [("production", False), ("development", True)])
def test_make_run_adds_demo_accounts_only_outside_production(tmp_path, environment, seeds):
    """`make run` with its programs replaced by ones that print how they were called."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[2]
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for program in ("flask", "honcho", "pybabel", "python"):
        script = venv / "bin" / program
        script.write_text(f'#!/bin/sh\necho "{program} $*"\n')
        script.chmod(0o700)
    (venv / ".installed").touch()  # newer than setup.cfg: nothing is installed
    result = subprocess.run(["make", "--no-print-directory", "-C", str(root), "run",
                             f"VENV={venv}"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "RATING_ENV": environment})
    assert result.returncode == 0, result.stderr
    assert "flask --app wsgi init-db" in result.stdout
    assert ("demo-data" in result.stdout) is seeds
    assert "honcho start --procfile Procfile" in result.stdout  # web, worker and scheduler
