"""Evidence packs built through the real app and the command line, on a hand-made network whose
every score is known: each file of the zip is read back (PDF text, HTML, CSV, letter XML) and
checked against numpy/scipy on those scores; small groups, unconsented and unapproved comments
never leave; the manifest catches any changed byte; roles; the audit list of built packs."""

import csv
import hashlib
import io
import json
import re
import subprocess
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from rating.extensions import db
from rating.histograms import RatingFilter, count_scores, cycles_in_range, standing_at
from tests.conftest import TEST_PASSWORDS, Browser, csrf_from

DATA_FILES = {"data.csv", "escalation.csv", "data-dictionary.csv",
              "data.xlsx"}  # listed in manifest.json
# listed in documents.json: one report in one language, or a complete one in each ("both")
REPORTS = {"bn": {"report.pdf", "report.html"}, "en": {"report.pdf", "report.html"},
           "both": {"report-bn.pdf", "report-bn.html", "report-en.pdf", "report-en.html"}}


def document_files(language: str) -> set[str]:
    return REPORTS[language] | {"letter.docx", "letter.pdf"}


def pack_files(language: str) -> set[str]:
    return DATA_FILES | document_files(language) | {"manifest.json", "documents.json"}


PACK_FILES = pack_files("bn")
CYCLES = [("2025 Q1", date(2025, 1, 1), date(2025, 3, 31)),
          ("2025 Q2", date(2025, 4, 1), date(2025, 6, 30)),
          ("2025 Q3", date(2025, 7, 1), date(2025, 9, 30)),
          ("2025 Q4", date(2025, 10, 1), date(2025, 12, 31)),
          ("2026 Q1", date(2026, 1, 1), date(2026, 3, 31))]
# key: (code, place, English name, Bengali name)
OFFICES = {
    "bdo": ("BDO-GAIGHATA", "gaighata", "BDO Gaighata", "গাইঘাটা বিডিও"),
    "bwo": ("BWO-GAIGHATA", "gaighata", "BWO Gaighata", "গাইঘাটা বিডব্লিউও"),
    "wdo": ("WDO-GAIGHATA", "gaighata", "WDO Gaighata", "গাইঘাটা ডব্লিউডিও"),
    "bldo": ("BLDO-GAIGHATA", "gaighata", "Livestock Office Gaighata", "গাইঘাটা প্রাণিসম্পদ"),
    "nosk": ("NOSK-GAIGHATA", "gaighata", "Nari-O-Shishu Gaighata", "গাইঘাটা নারী ও শিশু"),
    "bagdah": ("BDO-BAGDAH", "bagdah", "BDO Bagdah", "বাগদা বিডিও"),
    "dcpo": ("DCPO-N24P", "district", "DCPO North 24 Parganas", "জেলা শিশু সুরক্ষা"),
}
# Scores per office and cycle; the i-th score of a cell is leader i's, so no leader rates an
# office twice in a cycle.
SCORES = {
    # 10 or more leaders every cycle: everything shown, quotes allowed.
    "bdo": [[9, 8, 8, 7, 9, 8, 7, 8, 9, 8, 6, 7], [8, 7, 8, 7, 6, 8, 7, 7, 9, 6, 7, 8],
            [7, 6, 7, 6, 5, 7, 6, 8, 6, 5, 7, 6], [6, 5, 6, 5, 4, 6, 7, 5, 6, 4, 5, 6],
            [5, 4, 5, 3, 4, 5, 6, 4, 5, 3, 4, 5]],
    # 10 or more, except 2025 Q3 with 4 leaders (that cycle is withheld).
    "bwo": [[6, 7, 5, 6, 7, 6, 5, 7, 6, 6], [7, 6, 6, 5, 7, 6, 7, 6, 5, 6, 7],
            [3, 2, 2, 2], [6, 6, 7, 5, 6, 7, 6, 5, 6, 7], [7, 6, 6, 7, 5, 6, 7, 6, 6, 7, 8]],
    # 5-9 leaders: means shown, shares and quotes not (spread enough that the count, sum and
    # sum of squares of each cycle fit more than one distribution, so its interval shows).
    "wdo": [[3, 5, 3, 5, 6, 7], [4, 6, 5, 7, 3, 5, 6], [7, 6, 4, 5, 3, 3],
            [6, 5, 5, 4, 6, 5, 7], [5, 7, 6, 3, 5, 6]],
    # 3-4 leaders: below the threshold for a mean, withheld whole.
    "bldo": [[10, 9, 10], [9, 10, 10], [10, 10, 9, 10], [10, 9, 10], [9, 10, 10]],
    # Every rating the same: withheld whole at any size (the mean would tell every score).
    "nosk": [[10] * 7, [10] * 7, [10] * 6, [10] * 8, [10] * 7],
    # Outside the Gaighata block: in the network, not in a block pack.
    "bagdah": [[4, 5, 3, 4, 5, 4, 3, 4, 5, 4], [4, 4, 3, 5, 4, 4, 3, 4, 5, 4],
               [3, 4, 4, 5, 4, 3, 4, 4, 5, 3], [4, 3, 4, 4, 5, 3, 4, 4, 3, 4],
               [3, 4, 4, 3, 5, 4, 3, 4, 3, 4]],
    "dcpo": [[5, 6, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5], [5, 5, 6, 4, 6, 5, 5, 6, 4, 5, 6, 5],
             [6, 5, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5], [5, 6, 5, 4, 6, 5, 5, 6, 5, 5, 6, 5],
             [5, 6, 5, 4, 6, 5, 6, 6, 4, 5, 6, 5]],
}
LEADERS = 12
SHOWN = ("bdo", "bwo", "wdo")
WITHHELD = ("bldo", "nosk")
LATEST = len(CYCLES) - 1
OFFICER = ("Tapas Ghosh", "তাপস ঘোষ")
PHONE = "98300 12345"
# Comments: (office, cycle index, leader index, consent, status, text). Each has a marker.
COMMENTS = [
    ("bdo", LATEST, 0, True, "approved",
     f"QAPPROVED7731 they sent me back three times, {OFFICER[0]} told me to call {PHONE}"),
    ("bdo", LATEST, 1, True, "approved", "QAPPROVEDBN2208 অফিসে কেউ কথা শোনেনি"),
    ("bdo", LATEST, 2, True, "pending", f"QPENDING4410 the clerk asked for money, ring {PHONE}"),
    ("bdo", LATEST, 6, True, "pending", "QPENDINGTWO3391 nobody looked at my papers"),
    ("bdo", LATEST, 3, True, "rejected", "QREJECTED5902 they were rude at the counter"),
    ("bdo", LATEST, 4, False, "pending", "QNOCONSENT5120 please do not share this"),
    # Not consented, yet marked approved (e.g. by an old import): still never shown.
    ("bdo", LATEST, 5, False, "approved", "QNOCONSENTAPPROVED6634 my own words only"),
    ("wdo", LATEST, 0, True, "approved", "QSMALLGROUP8817 only six of us went there"),
    ("bldo", LATEST, 0, True, "approved", "QWITHHELD9043 the livestock officer never came"),
]
NEVER_SHOWN = ["QPENDING4410", "QPENDINGTWO3391", "QREJECTED5902", "QNOCONSENT5120", "QNOCONSENTAPPROVED6634",
               "QSMALLGROUP8817", "QWITHHELD9043"]
BENGALI_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


@dataclass
class Network:
    offices: dict
    cycles: list
    directory: dict
    officer: object

    def scores(self, office: str, cycle: int) -> list[int]:
        return SCORES[office][cycle]


@pytest.fixture
def network(app, directory, snapshot, request):
    """Built once per database, laid down again for each test (the `snapshot` fixture)."""
    from rating.cycles.models import Cycle
    from rating.directory.models import Office, Officer

    ids = snapshot("test_evidence network", lambda: _build_network(request.getfixturevalue))
    return Network({key: db.session.get(Office, i) for key, i in ids["offices"].items()},
                   [db.session.get(Cycle, i) for i in ids["cycles"]], directory,
                   db.session.get(Officer, ids["officer"]))


def _build_network(fixture) -> dict:
    from rating.directory.models import Officer, Posting

    make_collective, make_user = fixture("make_collective"), fixture("make_user")
    make_office, make_cycle, make_rating = (fixture("make_office"), fixture("make_cycle"),
                                            fixture("make_rating"))
    make_collective("BJ", "Bijoyini", "বিজয়িনী", commit=False)
    make_collective("UT", "Utthan", "উত্থান", commit=False)
    leaders = [make_user("leader", login=f"{'BJ' if i < 6 else 'UT'}-{i + 1:03d}",
                         collective_code="BJ" if i < 6 else "UT", display_name=f"Leader {i}",
                         commit=False)
               for i in range(LEADERS)]
    offices = {}
    for key, (code, place, name_en, name_bn) in OFFICES.items():
        office = make_office(code=code, place=place, commit=False)
        office.name_en, office.name_bn = name_en, name_bn
        offices[key] = office
    db.session.flush()
    cycles = [make_cycle(name=name, status="closed", starts_on=start, ends_on=end,
                          commit=False)
              for name, start, end in CYCLES]
    comments = {(office, cycle, leader): (consent, status, text)
                for office, cycle, leader, consent, status, text in COMMENTS}
    for key, per_cycle in SCORES.items():
        for index, (cycle, scores) in enumerate(zip(cycles, per_cycle, strict=True)):
            for leader_index, score in enumerate(scores):
                consent, status, text = comments.get((key, index, leader_index),
                                                     (False, "pending", None))
                make_rating(cycle, offices[key], leaders[leader_index], score=score,
                            respect="yes" if score >= 6 else "no",
                            work_done="yes" if score >= 7 else "partly",
                            comment=text, quote_consent=consent, quote_status=status,
                            commit=False)
    # An open cycle never counts in a pack.
    open_cycle = make_cycle(name="2026 Q2", status="open", starts_on=date(2026, 4, 1),
                            ends_on=date(2026, 6, 30), commit=False)
    for leader in leaders[:6]:
        make_rating(open_cycle, offices["bdo"], leader, score=1, commit=False)
    officer = Officer(name_en=OFFICER[0], name_bn=OFFICER[1])
    db.session.add(officer)
    db.session.flush()
    db.session.add(Posting(officer=officer, office=offices["bdo"], started_on=date(2025, 8, 15)))
    db.session.commit()
    return {"offices": {key: office.id for key, office in offices.items()},
            "cycles": [cycle.id for cycle in cycles], "officer": officer.id}


# ---- independent figures -------------------------------------------------------------------

def mean_and_interval(scores) -> tuple[float, tuple[float, float] | None]:
    """The mean and its t-interval clipped to the scale, each rounded to one decimal."""
    x = np.array(scores, dtype=float)
    if x.std() == 0:
        return round(x.mean(), 1), None
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    return round(x.mean(), 1), (round(max(low, 1.0), 1), round(min(high, 10.0), 1))


def publishable(scores) -> bool:
    """At least 5 leaders, and not all the same at any size (the mean would tell each)."""
    return len(scores) >= 5 and len(set(scores)) > 1


# ---- building ------------------------------------------------------------------------------

def preview_query(network, language="bn", scope="block") -> dict:
    query = {"scope": scope, "language": language, "recipient_level": "block",
             "recipient_name": "Block Development Officer, Gaighata"}
    if scope == "block":
        query["block"] = network.directory["gaighata"].id
    elif scope == "office":
        query["office"] = network.offices["bdo"].id
    return query


def build_on_the_web(client, network, language="bn", then=None) -> tuple[str, bytes]:
    """Preview, then press "Build this pack"; returns the pack page as first seen, and the zip.
    ``then()`` runs once the pack page has been seen (e.g. starts a worker)."""
    query = preview_query(network, language)
    preview = client.get("/evidence/", query_string=query)
    assert preview.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', preview.get_data(as_text=True))
    response = client.post("/evidence/", data={**query, "build": "1",
                                               "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    pack_id = int(re.search(r"/evidence/packs/(\d+)$", response.headers["Location"]).group(1))
    first_seen = client.get(f"/evidence/packs/{pack_id}").get_data(as_text=True)
    if then is not None:
        then()
    return first_seen, wait_for_pack(client, pack_id)


def wait_for_pack(client, pack_id: int) -> bytes:
    for _ in range(180):
        page = client.get(f"/evidence/packs/{pack_id}").get_data(as_text=True)
        if "Download the pack" in page:
            download = client.get(f"/evidence/packs/{pack_id}/download")
            assert download.status_code == 200
            assert download.mimetype == "application/zip"
            return download.data
        assert 'role="alert"' not in page, page
        time.sleep(0.5)  # the background build: poll the page, as the page itself does
    pytest.fail(f"pack {pack_id} still building after 90 s")


@dataclass
class Pack:
    data: bytes
    files: dict
    pdf_text: str
    list_page: str = ""

    @property
    def csv_rows(self) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self.files["data.csv"].decode("utf-8-sig"))))

    @property
    def manifest(self) -> dict:
        return json.loads(self.files["manifest.json"])

    @property
    def pdfs(self) -> list[str]:
        """The report PDFs: report.pdf, or report-bn.pdf and report-en.pdf."""
        return sorted(n for n in self.files if n.startswith("report") and n.endswith(".pdf"))

    @property
    def html(self) -> str:
        return "\n".join(self.files[n].decode() for n in sorted(self.files)
                         if n.startswith("report") and n.endswith(".html"))

    @property
    def attention(self) -> list[str]:
        """Office codes data.csv marks as needing attention (the report's office pages)."""
        return sorted({r["office_code"] for r in self.csv_rows if r["needs_attention"] == "1"})


def open_pack(data: bytes, tmp_path: Path, list_page: str = "") -> Pack:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    texts = []
    for name in sorted(n for n in files if n.startswith("report") and n.endswith(".pdf")):
        pdf = tmp_path / name
        pdf.write_bytes(files[name])
        texts.append(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                    capture_output=True, text=True).stdout)
    return Pack(data, files, "\f".join(texts), list_page)


# Building a pack takes seconds; tests that only read a pack's files share the one built for
# their database and language (the zip is immutable, and every check is against SCORES).
_BUILT: dict = {}


def shared_pack(request, how: str) -> Pack:
    key = (request.getfixturevalue("database_url"), how)
    if key not in _BUILT:
        _BUILT[key] = BUILDERS[how](request)
    return _BUILT[key]


def _logged_in_client(request, role: str, login: str):
    """A client of its own, so that one test can build packs as two people."""
    app = request.getfixturevalue("app")
    request.getfixturevalue("make_user")(role, login=login)
    client = app.test_client()
    assert Browser(client).login(login, TEST_PASSWORDS[role]).status_code == 302
    return client


def _bengali_on_the_web_inline(request) -> Pack:
    """Staff build a Bengali block pack on the web, the build finishing before the redirect."""
    app, network = request.getfixturevalue("app"), request.getfixturevalue("network")
    client = _logged_in_client(request, "staff", "mitra")
    app.config["PACK_BUILD_INLINE"] = True
    try:
        _, data = build_on_the_web(client, network, "bn")
    finally:
        app.config["PACK_BUILD_INLINE"] = False
    return open_pack(data, request.getfixturevalue("tmp_path"),
                     client.get("/evidence/").get_data(as_text=True))


def _english_on_the_web_in_background(request) -> Pack:
    """Advocacy build an English block pack on a real queue, following its page while a real
    worker process builds it."""
    network, workers = request.getfixturevalue("network"), request.getfixturevalue("job_workers")
    request.getfixturevalue("make_user")("advocacy", login="roy")
    client = workers.app.test_client()
    assert Browser(client).login("roy", TEST_PASSWORDS["advocacy"]).status_code == 302
    assert not workers.app.config.get("PACK_BUILD_INLINE")
    # The worker starts once the pack page has been seen queued, so that page cannot show it
    # done however fast the machine is.
    first_seen, data = build_on_the_web(client, network, "en", workers.start)
    # The redirect came before the zip existed: the page showed progress, and said so.
    assert 'role="status"' in first_seen and "refreshes by itself" in first_seen
    assert "Download the pack" not in first_seen
    return open_pack(data, request.getfixturevalue("tmp_path"),
                     client.get("/evidence/").get_data(as_text=True))


def _both_on_the_command_line(request) -> Pack:
    runner = request.getfixturevalue("runner")
    request.getfixturevalue("network")
    out = request.getfixturevalue("tmp_path") / "pack.zip"
    result = runner.invoke(args=["build-pack", "--block", "Gaighata", "--cycles", "all",
                                 "--lang", "both", "--level", "block", "--to", "BDO Gaighata",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Built" in result.output
    return open_pack(out.read_bytes(), out.parent)


BUILDERS = {"bn": _bengali_on_the_web_inline, "en": _english_on_the_web_in_background,
            "both": _both_on_the_command_line}


@pytest.fixture
def bn_pack(request, app):
    return shared_pack(request, "bn")


@pytest.fixture
def en_pack(request, app):
    return shared_pack(request, "en")


@pytest.fixture(params=["bn", "en", "both"])
def any_pack(request, app):
    return shared_pack(request, request.param)


def ascii_digits(text: str) -> str:
    return text.translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789"))


def figure_in(value: str, text: str) -> bool:
    """Whether a figure such as "9.7" stands in the text as a number of its own."""
    return re.search(rf"(?<![\d.]){re.escape(value)}(?!\d)", ascii_digits(text)) is not None


def all_text(pack: Pack) -> str:
    """Every word a reader of the pack can see: PDF texts, HTML, CSV, the Office files' XML."""
    parts = [pack.pdf_text]
    for name, data in pack.files.items():
        if name.endswith((".docx", ".xlsx")):  # Office files are zips of XML
            with zipfile.ZipFile(io.BytesIO(data)) as office:
                parts += [office.read(part).decode() for part in office.namelist()
                          if part.endswith(".xml")]
        elif name == "letter.pdf":
            parts.append(subprocess.run(["pdftotext", "-", "-"], input=data, check=True,
                                        capture_output=True).stdout.decode())
        elif not (name.startswith("report") and name.endswith(".pdf")):
            parts.append(data.decode())
    return "\n".join(parts)


# ---- what the pack may say -----------------------------------------------------------------

def expected_cells() -> list[tuple]:
    """(office key, cycle index) of every group the publication rules let out, in scope."""
    return [(key, index) for key in SHOWN for index, scores in enumerate(SCORES[key])
            if publishable(scores)]


def test_data_csv_has_one_row_per_published_group_with_figures_from_scipy(any_pack):
    rows = any_pack.csv_rows
    codes = {OFFICES[key][0]: key for key in OFFICES}
    cycle_index = {name: index for index, (name, _, _) in enumerate(CYCLES)}
    assert [(codes[r["office_code"]], cycle_index[r["cycle"]]) for r in rows] == \
        expected_cells()
    for row in rows:
        scores = SCORES[codes[row["office_code"]]][cycle_index[row["cycle"]]]
        x = np.array(scores)
        mean, (low, high) = mean_and_interval(scores)
        assert row["ratings"] == str(len(x))  # exact: participation is no secret
        assert (float(row["mean"]), float(row["mean_ci95_low"]),
                float(row["mean_ci95_high"])) == (mean, low, high)
        if len(x) >= 10:
            assert float(row["share_7plus"]) == round(float(np.mean(x >= 7)), 2)
            assert float(row["respect_yes_share"]) == round(float(np.mean(x >= 6)), 2)
            assert float(row["work_done_yes_share"]) == round(float(np.mean(x >= 7)), 2)
        else:  # 5-9 leaders: no shares at all
            assert row["share_7plus"] == row["respect_yes_share"] == ""
            assert row["share_7plus_ci95_low"] == row["work_done_yes_share"] == ""


WITHHELD_MEANS = sorted({f"{mean_and_interval(scores)[0]:.1f}"
                         for key in WITHHELD for scores in SCORES[key]}
                        | {f"{mean_and_interval(SCORES['bwo'][2])[0]:.1f}"})


# data.csv's columns of group means and their intervals: a withheld mean must be none of them.
# (SDs, shares, slopes and differences are other quantities: an SD of 2.2 is no 2.2 mean.)
MEAN_COLUMNS = ("mean", "mean_ci95_low", "mean_ci95_high", "network_mean",
                "network_mean_ci95_low", "network_mean_ci95_high", "peer_mean",
                "peer_mean_ci95_low", "peer_mean_ci95_high")


def published_means(pack) -> set[str]:
    return {row[column] for row in pack.csv_rows for column in MEAN_COLUMNS}


def without_sd_rows(pdf_text: str) -> str:
    """The PDF's text without the office pages' rows of SDs (spreads, not means)."""
    return re.sub(r"(?m)^\s*SD\s.*$", "", pdf_text)


def test_the_withheld_means_are_not_figures_of_a_shown_group(any_pack):
    """Guards the next test: were 9.7 a shown figure too, its absence would prove nothing."""
    shown = published_means(any_pack)
    assert WITHHELD_MEANS == ["10.0", "2.2", "9.7", "9.8"]
    assert not shown & set(WITHHELD_MEANS)


def without_adjusted_intervals(pdf_text: str) -> str:
    """The PDF's text without the comparison table's intervals (an interval followed by its
    q): they are leader-adjusted differences between publishable ratings, not group means,
    and one may equal a withheld mean by chance ("0.9 – 2.2"). That they use no withheld
    rating is checked by test_the_headline_comparison_uses_publishable_cells_only."""
    return re.sub(r"-?\d+\.\d – -?\d+\.\d(?=\s+\d\.\d{3})", "", ascii_digits(pdf_text))


def test_the_headline_comparison_uses_publishable_cells_only(app, network):
    everywhere = RatingFilter(closed_only=False)
    office = network.offices["bdo"].id
    with app.app_context():
        cycles = cycles_in_range(everywhere)
        counts = count_scores(everywhere, cycles)
        rules = app.config["STATISTICS_RULES"]
        every = {(o, c.id) for o in counts.offices for c in cycles}
        full = standing_at(everywhere, cycles, cycles[-1], counts, rules, every)
        hidden = every - {(office, cycles[-1].id)}
        part = standing_at(everywhere, cycles, cycles[-1], counts, rules, hidden)
        latest = int(counts.counts[counts.offices.index(office), -1].sum())
    assert full.network[office].n - part.network[office].n == latest > 0


def test_no_withheld_office_or_figure_appears_in_any_file(any_pack):
    text = all_text(any_pack)
    for key in WITHHELD:
        code, _, name_en, name_bn = OFFICES[key]
        for word in (code, name_en, name_bn):
            assert word not in text, word
            assert word.replace(" ", "") not in re.sub(r"\s", "", any_pack.pdf_text)
    pdf_text = without_sd_rows(without_adjusted_intervals(any_pack.pdf_text))
    for mean in WITHHELD_MEANS:
        assert not figure_in(mean, pdf_text), mean
        assert mean not in published_means(any_pack), mean
    for key in ("bagdah", "dcpo"):  # outside the block: not in a block pack
        assert OFFICES[key][0] not in text


def pdf_office_tables(pdf_text: str) -> dict[str, dict[str, list[str]]]:
    """Each office page's table of cycles, read from the PDF's text: ``{office name: {row
    label: [one value per cycle]}}`` for the rows of counts, means and intervals."""
    labels = {"Ratings": "ratings", "Mean": "mean", "95% interval": "ci", "রেটিং": "ratings",
              "গড়": "mean", "৯৫% সম্ভাব্য সীমা": "ci"}
    names = {name: key for key in OFFICES for name in OFFICES[key][2:]}
    tables, office = {}, None
    for line in ascii_digits(pdf_text).splitlines():
        stripped = line.replace("\u00a0", " ").strip()
        if stripped in {ascii_digits(n) for n in names}:
            office = stripped
            continue
        for label, row in labels.items():
            label = ascii_digits(label)
            if office and stripped.startswith(label + " ") and \
                    row not in tables.get(office, {}):
                values = stripped[len(label):].split()
                if len(values) == len(CYCLES):
                    tables.setdefault(office, {})[row] = values
    return tables


def expected_office_table(key: str) -> dict[str, list[str]]:
    table = {"ratings": [], "mean": [], "ci": []}
    for scores in SCORES[key]:
        if not publishable(scores):
            table["ratings"].append("*")
            table["mean"].append("*")
            table["ci"].append("*")
            continue
        mean, (low, high) = mean_and_interval(scores)
        table["ratings"].append(str(len(scores)))
        table["mean"].append(f"{mean:.1f}")
        table["ci"].append(f"{low:.1f}–{high:.1f}")
    return table


@pytest.mark.parametrize("how", ["bn", "en"])
def test_each_office_page_shows_counts_and_scipy_figures_and_stars_for_small_groups(request,
                                                                                  app, how):
    pack = shared_pack(request, how)
    tables = pdf_office_tables(pack.pdf_text)
    codes = {OFFICES[key][0]: key for key in OFFICES}
    attention = [codes[code] for code in pack.attention]
    assert attention  # BDO Gaighata declines from about 8 to about 4.4
    name = 3 if how == "bn" else 2
    assert set(tables) == {ascii_digits(OFFICES[key][name]) for key in attention}
    for key in attention:
        assert tables[ascii_digits(OFFICES[key][name])] == expected_office_table(key)


@pytest.mark.parametrize("how", ["bn", "en"])
def test_page_one_names_the_offices_needing_attention_with_their_latest_figures(request, app,
                                                                                how):
    pack = shared_pack(request, how)
    first = ascii_digits(pack.pdf_text).split("\f")[0]
    codes = {OFFICES[key][0]: key for key in OFFICES}
    name = 3 if how == "bn" else 2
    for code in pack.attention:
        key = codes[code]
        line = next(line for line in first.splitlines()
                    if ascii_digits(OFFICES[key][name]) in line)
        scores = SCORES[key][LATEST]
        mean, (low, high) = mean_and_interval(scores)
        assert f"{mean:.1f}" in line and f"{low:.1f}–{high:.1f}" in line, line
        assert re.search(rf"(?<![\d.]){len(scores)}(?![\d.])", line), line
    for key in set(SHOWN) - {codes[code] for code in pack.attention}:
        assert OFFICES[key][name] not in first
    for key in WITHHELD:
        assert OFFICES[key][2] not in first and OFFICES[key][3] not in first


def test_the_english_first_page_counts_offices_in_plain_words(en_pack):
    text = " ".join(en_pack.pdf_text.split("\f")[0].split())
    assert f"{len(en_pack.attention)} of the {len(SHOWN)} offices shown" in text
    assert f"{len(WITHHELD)} offices are not shown because too few leaders rated them" in text
    assert not re.search("[০-৯]", en_pack.pdf_text)  # Latin digits throughout


def test_the_pdf_embeds_the_bengali_font_and_bengali_text(bn_pack, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(bn_pack.files[bn_pack.pdfs[0]])
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    embedded = {line.split()[0].partition("+")[2] for line in fonts if " yes " in line}
    assert "Noto-Sans-Bengali" in embedded
    assert "Noto-Sans" in embedded
    squeezed = re.sub(r"\s", "", bn_pack.pdf_text)
    assert "গাইঘাটা" in squeezed  # the scope, on the cover
    assert "গাইঘাটাবিডিও" in squeezed  # an office's Bengali name
    assert "৪.৪" in bn_pack.pdf_text  # figures in Bengali digits


def test_the_pdf_text_has_a_translated_bengali_sentence(app, bn_pack):
    """The methods section's Bengali sentence is in the PDF's text, every letter and vowel sign
    in its place (WeasyPrint alone reorders them; `rating.evidence.pdftext` marks each Bengali
    line with its /ActualText), and the English sentence is not."""
    from rating.evidence.words import translate

    sentence = ("Each leader scores an office from 1 (they turned me away or treated me badly) to "
                "10 (they listened with respect and did the work), once per cycle. A leader can "
                "change a rating until the cycle closes; each rating counts once.")
    bengali = translate(sentence, "bn")
    assert bengali != sentence, "the Bengali catalogue lacks the methods section"

    def words(text):
        return " ".join(text.split())

    assert words(bengali) in words(bn_pack.pdf_text)
    assert "Each leader scores an office" not in bn_pack.pdf_text


def test_english_lines_are_drawn_as_before(app, en_pack):
    """Only lines with Bengali get an /ActualText span; English lines are drawn as WeasyPrint
    draws them."""
    import zlib

    pdf = en_pack.files[en_pack.pdfs[0]]
    # A stream's last compressed byte may be "\r", which the pattern's optional "\r\n" takes:
    # decompressobj gives the whole text back without asking for the checksum's last byte.
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    content = b"".join(zlib.decompressobj().decompress(data) for data in streams
                       if data[:1] == b"x")
    spans = [bytes.fromhex(hexa.decode()).decode("utf-16") for hexa in re.findall(
        rb"/ActualText <([0-9a-fA-F]+)>", content)]
    assert content.count(b"BT") > 10 * max(len(spans), 1)
    assert all(re.search("[\u0980-\u09ff]", span) for span in spans), spans


def attention_rows(pack) -> list[dict]:
    """The data.csv rows of the latest cycle for offices needing attention."""
    latest = CYCLES[LATEST][0]
    return [row for row in pack.csv_rows if row["cycle"] == latest
            and row["needs_attention"] == "1"]


def letter_paragraphs(pack) -> list[str]:
    from docx import Document

    return [p.text for p in Document(io.BytesIO(pack.files["letter.docx"])).paragraphs]


def letter_tables(pack) -> list[list[list[str]]]:
    """Each table of letter.docx (one per language's letter: the offices needing attention),
    as rows of cell texts, the first row naming the columns."""
    from docx import Document

    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in Document(io.BytesIO(pack.files["letter.docx"])).tables]


def answer_due(app, pack, locale: str) -> tuple[str, str]:
    """The letter's date and the date its asks give for an answer: the day the pack was built
    (in West Bengal), and that plus the recipient level's days (ESCALATION_RESPONSE_DAYS)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from babel.dates import format_date

    built = datetime.fromisoformat(pack.manifest["built_at"]).astimezone(
        ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    level = pack.manifest["parameters"]["recipient_level"]
    due = built + timedelta(days=app.config["ESCALATION_RESPONSE_DAYS"][level])
    digits = BENGALI_DIGITS if locale == "bn" else {}
    return (format_date(built, "medium", locale=locale).translate(digits),
            format_date(due, "medium", locale=locale).translate(digits))


def test_the_letter_names_the_offices_needing_attention_with_their_figures(bn_pack):
    (table,) = letter_tables(bn_pack)
    assert table[0][:4] == ["দপ্তর", "পর্ব", "নেত্রী", "গড় (৯৫% সম্ভাব্য সীমা)"]
    rows = attention_rows(bn_pack)
    assert rows  # BDO Gaighata declines from about 8 to about 4.4
    named = {key for key in SHOWN for row in table[1:] if row[0] == OFFICES[key][3]}
    assert named == {key for key in SHOWN if OFFICES[key][0] in {r["office_code"] for r in rows}}
    assert len(table) == 1 + len(named)  # one row an office
    for key in named:
        mean, (low, high) = mean_and_interval(SCORES[key][LATEST])
        row = next(row for row in table[1:] if row[0] == OFFICES[key][3])
        # the same figures as the PDF, in the same (Bengali) digits, with cycle and leaders
        assert row[3] == f"{mean:.1f} ({low:.1f} থেকে {high:.1f})".translate(
            BENGALI_DIGITS), row
        assert figure_in(f"{mean:.1f}", bn_pack.pdf_text)
        assert row[1] == CYCLES[LATEST][0].translate(BENGALI_DIGITS)
        assert row[2] == str(len(SCORES[key][LATEST])).translate(BENGALI_DIGITS)
        # why, in words, and the officer in post in that cycle, with the day the posting began
        assert row[4] and not re.search("[A-Za-z]", row[4])
        assert row[5].startswith("তাপস ঘোষ, ") and row[5].endswith(" থেকে")
    paragraphs = letter_paragraphs(bn_pack)
    for key in WITHHELD:
        assert not any(OFFICES[key][3] in p or OFFICES[key][2] in p for p in paragraphs)
        assert not any(OFFICES[key][3] in cell for row in table for cell in row)


def test_the_bengali_letter_reads_as_a_letter_in_bengali(app, bn_pack):
    paragraphs = letter_paragraphs(bn_pack)
    text = "\n".join(paragraphs)
    assert paragraphs[0] == app.config["ORGANISATION_NAME"]
    assert "প্রতি," in paragraphs and "সমষ্টি উন্নয়ন আধিকারিক, গাইঘাটা" in paragraphs
    assert "District Magistrate" not in text and "Block Development Officer" not in text
    assert any(p.startswith("বিষয়: ") and "গাইঘাটার দপ্তরগুলিকে" in p for p in paragraphs)
    assert "মহাশয়/মহাশয়া," in paragraphs and "বিনীত," in paragraphs
    assert re.search(r"সূত্র: SLN/EP/[০-৯]+/[০-৯]{4}", text)
    cells = " ".join(cell for row in letter_tables(bn_pack)[0] for cell in row)
    assert not re.search(r"[0-9]", re.sub(r"SHA-256|[0-9a-f]{64}|data\.csv|[A-Za-z0-9.-]+\.(pdf|csv|xlsx)"
                                      r"|https?://\S+|Q[1-4]|Ed25519", "", text + cells))
    # A few asks, each with the date an answer is due: 15 days for the block
    # (ESCALATION_RESPONSE_DAYS); the first names every office of the table at once.
    dated, due = answer_due(app, bn_pack, "bn")
    assert f"তারিখ: {dated}" in paragraphs
    asks = [p for p in paragraphs if p.startswith("অনুগ্রহ করে ")]
    offices = len(attention_rows(bn_pack))
    assert offices == 1 and asks[0].startswith(f"অনুগ্রহ করে {due}-এর মধ্যে জানান, উপরের দপ্তরে ")
    assert len(asks) >= 2 and asks[-1].startswith(f"অনুগ্রহ করে {due}-এর আগে একটি তারিখ দিন")
    assert all(due in ask for ask in asks), asks
    assert "সংযুক্তি: " in text and "প্রতিলিপি: জেলাশাসক" in text


def test_the_english_letter_names_offices_in_english_and_asks_by_a_date(app, en_pack):
    paragraphs = letter_paragraphs(en_pack)
    mean, (low, high) = mean_and_interval(SCORES["bdo"][LATEST])
    leaders = len(SCORES["bdo"][LATEST])
    (table,) = letter_tables(en_pack)
    assert table[0] == ["Office", "Cycle", "Leaders", "Mean (95%\u00a0interval)",
                        "Why it needs attention", "Officer in post then"]
    row = next(row for row in table if row[0] == "BDO Gaighata")
    assert row[1:4] == ["2026 Q1", str(leaders), f"{mean:.1f} ({low:.1f} to {high:.1f})"]
    assert "getting worse" in row[4] and row[5].startswith("Tapas Ghosh, since ")
    # The letter is dated the day the pack was built (in West Bengal), and asks for answers
    # within the recipient level's days (ESCALATION_RESPONSE_DAYS).
    dated, due = answer_due(app, en_pack, "en")
    asks = [p for p in paragraphs if p.startswith("Please ")]
    assert asks[0] == (f"Please tell us by {due} what will be done so that survivors who come "
                       "to the office above are heard and their claims are settled, and who "
                       "will do it.")
    assert asks[-1].startswith(f"Please give us a date before {due} to meet you")
    assert all(due in ask for ask in asks), asks
    assert f"Date: {dated}" in paragraphs
    assert "Dear" not in paragraphs[0] and "Sir or Madam," in paragraphs
    assert any(p.startswith("Copy to: ") for p in paragraphs)
    text = "\n".join(paragraphs + [cell for row in table for cell in row])
    assert not re.search("[\u0980-\u09ff]", text)  # English, with Latin digits, throughout


def pdf_pages_text(data: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout.split("\f")


def test_both_languages_make_two_complete_documents_each_in_its_digits(request, app, tmp_path):
    """ "Both": the English report, letter and footers read in English with Latin digits
    (cycle names "2026 Q1", never "২০২৬ Q১"); the Bengali ones in Bengali digits."""
    from docx import Document

    pack = shared_pack(request, "both")
    latest = CYCLES[LATEST][0]
    english = pdf_pages_text(pack.files["report-en.pdf"], tmp_path, "en.pdf")
    bengali = pdf_pages_text(pack.files["report-bn.pdf"], tmp_path, "bn.pdf")
    # every word but the leaders' own (a quote stays in the words it was written in)
    unquoted = re.sub("\u201c[^\u201d]*\u201d", "", "".join(english))
    assert latest in english[0] and not re.search("[\u0980-\u09ff]", unquoted)
    assert latest.translate(BENGALI_DIGITS) in bengali[0]
    assert not re.search(r"\b20[0-9]{2} Q[1-4]", "".join(bengali))  # no Latin cycle name
    letter = [page for page in pdf_pages_text(pack.files["letter.pdf"], tmp_path, "l.pdf")
              if page.strip()]
    start = next(i for i, page in enumerate(letter) if "Sir or Madam," in page)
    assert start > 0 and all("প্যাকেট" in page for page in letter[:start])
    for page in letter[start:]:  # the English letter, its footer too
        assert not re.search("[\u0980-\u09ff]", page), page
        assert f"Pack {pack.manifest['pack']} · reference" in page
    sections = Document(io.BytesIO(pack.files["letter.docx"])).sections
    footers = [section.footer.paragraphs[0].text for section in sections]
    assert len(footers) == 2 and "প্যাকেট" in footers[0]
    assert footers[1].startswith("Pack ") and not re.search("[\u0980-\u09ff]", footers[1])
    bn_table, en_table = letter_tables(pack)
    assert all(row[1] == latest.translate(BENGALI_DIGITS) for row in bn_table[1:])
    assert all(row[1] == latest for row in en_table[1:])


def test_the_letter_pdf_is_a4_signed_and_says_what_the_docx_says(en_pack, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(en_pack.files["letter.pdf"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    shown = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in shown
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                              text=True).stdout)
    for paragraph in letter_paragraphs(en_pack)[:12]:
        assert re.sub(r"\s+", " ", paragraph).strip()[:40] in text, paragraph


def test_a_letter_about_one_office_reads_right(app, runner, network, tmp_path):
    """One office: no "1 offices", the office named, in both languages."""
    out = tmp_path / "office.zip"
    done = runner.invoke(args=["build-pack", "--office", "BDO-GAIGHATA", "--lang", "both",
                               "--level", "block", "--out", str(out)])
    assert done.exit_code == 0, done.output
    pack = open_pack(out.read_bytes(), tmp_path)
    text = "\n".join(letter_paragraphs(pack))
    assert "1 offices" not in text and "1 office had enough ratings" in text
    assert "১টি দপ্তর" in text
    bn_table, en_table = letter_tables(pack)
    assert [row[0] for row in bn_table[1:]] == ["গাইঘাটা বিডিও"]
    assert [row[0] for row in en_table[1:]] == ["BDO Gaighata"]
    assert "the office above are heard" in text and "উপরের দপ্তরে আসা" in text
    assert "each of the 1 offices" not in text


def test_the_html_report_is_self_contained_with_the_same_figures(en_pack):
    import html as html_lib

    page = en_pack.html
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="?(https?:)?//', page)
    assert "Plotly.newPlot" in page
    figures = [json.loads(html_lib.unescape(body))
               for body in re.findall(r"data-figure='([^']*)'", page)]
    codes = {OFFICES[key][0]: key for key in OFFICES}
    attention = sorted((codes[code] for code in en_pack.attention), key=lambda k: OFFICES[k][2])
    assert attention and len(figures) == len(attention)  # a chart per office page
    for key, figure in zip(attention, figures, strict=True):
        shown = [(name, scores) for (name, _, _), scores in zip(CYCLES, SCORES[key],
                                                                strict=True)
                 if publishable(scores)]
        means = figure["data"][2]
        assert means["x"] == [name for name, _ in shown]  # a withheld cycle is a gap
        assert means["y"] == [mean_and_interval(scores)[0] for _, scores in shown]


# ---- quotes --------------------------------------------------------------------------------

def test_only_consented_approved_quotes_of_large_groups_leave_and_without_names(any_pack):
    text = all_text(any_pack)
    for marker in NEVER_SHOWN:
        assert marker not in text, marker
        assert marker.encode() not in any_pack.data
    squeezed = re.sub(r"\s", "", any_pack.pdf_text)
    for marker in ("QAPPROVED7731", "QAPPROVEDBN2208"):
        assert marker in squeezed
        assert marker in any_pack.html
    # An officer is named only where the letter or an office's page says who was in post, never
    # inside a quote.
    # Each stretch between line breaks and tags that names the officer in post is left out: a
    # split, not a pattern with a leading [^\n<>]*, which backtracked over every long line
    # (8 of the suite's 20 minutes on one date).
    # The letter's table gives the officer in post in a column of its own: "Name, since Apr
    # 1, 2024" or "নাম, ১ এপ্রি, ২০২৪ থেকে", a cell by itself, which the PDF's text may break
    # after "since" or after the comma.
    postings = re.compile("Officer in post then|তখন দায়িত্বে ছিলেন|Officers in post while it was "
                          "rated:|রেটিং দেওয়ার সময় যে আধিকারিকরা দায়িত্বে ছিলেন:"
                          r"|^\s*[^,]+,( since\b| [০-৯]{1,2} \S+|\s*$)")
    # The report's PDF wraps its lines where it likes, so the report is read here as HTML (the
    # same text, with tags between the sentences), and in the PDF each approved quote is read
    # up to its closing quotation mark.
    seen = text.replace(any_pack.pdf_text, "")
    outside_postings = "".join(part for part in re.split(r"([\n<>])", seen)
                               if not postings.search(part))
    quotes = [squeezed[squeezed.index(marker):].split("\u201d")[0]
              for marker in ("QAPPROVED7731", "QAPPROVEDBN2208")]
    for secret in (OFFICER[0], OFFICER[1], PHONE, PHONE.replace(" ", "")):
        assert secret not in outside_postings
        assert all(secret.replace(" ", "") not in quote for quote in quotes)
    assert PHONE.replace(" ", "") not in squeezed
    assert "[number removed]" in any_pack.html
    assert "[name removed]" in any_pack.html


def test_staff_review_pending_quotes_and_an_approved_one_goes_in(app, client, login_as, browser,
                                                                 network, tmp_path):
    from rating.survey.models import Rating

    login_as("staff")
    page = client.get("/evidence/quotes").get_data(as_text=True)
    assert "QPENDING4410" in page and "QPENDINGTWO3391" in page
    assert "[number removed]" in page and PHONE not in page
    for marker in ("QNOCONSENT5120", "QNOCONSENTAPPROVED6634", "QAPPROVED7731",
                   "QREJECTED5902"):
        assert marker not in page
    by_marker = {r.comment.split()[0]: r for r in db.session.scalars(db.select(Rating).where(
        Rating.comment.is_not(None)))}
    approve = f"/evidence/quotes/{by_marker['QPENDING4410'].id}/approve"
    reject = f"/evidence/quotes/{by_marker['QPENDINGTWO3391'].id}/reject"
    assert browser.post(approve, page="/evidence/quotes").status_code == 302
    assert browser.post(reject, page="/evidence/quotes").status_code == 302
    page = client.get("/evidence/quotes").get_data(as_text=True)
    assert "QPENDING4410" not in page and "QPENDINGTWO3391" not in page
    refused = browser.post(f"/evidence/quotes/{by_marker['QNOCONSENT5120'].id}/approve",
                           page="/evidence/quotes")
    assert refused.status_code == 409
    db.session.expire_all()
    assert by_marker["QNOCONSENT5120"].quote_status == "pending"

    app.config["PACK_BUILD_INLINE"] = True
    _, data = build_on_the_web(client, network, "en")
    pack = open_pack(data, tmp_path)
    squeezed = re.sub(r"\s", "", pack.pdf_text)
    assert "QPENDING4410" in squeezed and "QPENDINGTWO3391" not in squeezed
    assert PHONE.replace(" ", "") not in squeezed


# ---- who may do what; the audit list ---------------------------------------------------------

def test_the_pack_list_shows_who_built_it_when_its_scope_and_manifest_hash(app, bn_pack):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from babel.dates import format_date

    digest = hashlib.sha256(bn_pack.files["manifest.json"]).hexdigest()
    rows = [re.findall(r"<td>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>.*?</tr>", bn_pack.list_page, re.S)]
    row = next(cells for cells in rows if cells and digest[:16] in cells[-1])
    _, scope, builder, when, status, _ = (re.sub(r"<[^>]+>", "", cell).strip() for cell in row)
    assert (scope, builder, status) == ("Gaighata", "mitra", "done")
    built_at = datetime.fromisoformat(bn_pack.manifest["built_at"]).astimezone(
        ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
    assert when.startswith(format_date(built_at, "short", locale="en"))


def test_the_background_build_shows_progress_then_the_download(en_pack):
    # Built without PACK_BUILD_INLINE: the redirect came before the zip existed, and the
    # pack page was polled until its download link appeared (see build_on_the_web).
    assert "roy" in en_pack.list_page
    assert hashlib.sha256(en_pack.files["manifest.json"]).hexdigest()[:16] in en_pack.list_page


@pytest.mark.parametrize("url", ["/evidence/", "/evidence/packs/1", "/evidence/packs/1/download",
                                 "/evidence/quotes"])
def test_a_leader_is_refused_every_evidence_page(client, login_as, url):
    login_as("leader", login="BJ-901")
    assert client.get(url).status_code == 403


def test_a_leader_cannot_build_or_approve(client, login_as, network):
    from rating.evidence.models import Pack

    login_as("leader", login="BJ-902")
    token = csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True))
    response = client.post("/evidence/", data={**preview_query(network), "build": "1",
                                               "csrf_token": token})
    assert response.status_code == 403
    assert client.post("/evidence/quotes/1/approve",
                       data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(db.select(db.func.count(Pack.id))) == 0


def test_advocacy_cannot_review_quotes(client, login_as, browser, network):
    login_as("advocacy")
    assert client.get("/evidence/quotes").status_code == 403
    assert browser.post("/evidence/quotes/1/approve", page="/evidence/").status_code == 403


def test_the_preview_lists_what_is_shown_and_what_is_left_out(client, login_as, network):
    login_as("staff")
    response = client.get("/evidence/", query_string=preview_query(network, "en"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    left_out = page.split("Left out")[1].split("</ul>")[0]
    for key in WITHHELD:
        assert OFFICES[key][0] in left_out or OFFICES[key][2] in left_out \
            or OFFICES[key][3] in left_out
    for key in SHOWN:
        assert OFFICES[key][0] not in left_out




@pytest.mark.parametrize(("language", "expected"), [("en", "Dec 2, 2026"),
                                                    ("bn", "২ ডিসে, ২০২৬")])
def test_the_report_is_dated_as_the_letter_is_in_west_bengal(app, language, expected):
    """A pack built at 20:00 UTC on 1 December was made on 2 December in West Bengal: the
    report's "Prepared on" gives the day the letter's date gives (local_today), not UTC's."""
    from datetime import UTC, datetime

    from rating.evidence.words import make_day

    day = make_day(language)
    assert day(datetime(2026, 12, 1, 20, 0, tzinfo=UTC)) == expected
    assert day(datetime(2026, 12, 1, 18, 0, tzinfo=UTC)) != expected
