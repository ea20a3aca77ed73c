"""The statistics' codes in words: every code of `analysis.vocabulary` has English and Bengali
words with exactly its parameters; nothing in rating/ reads a result sentence back; the
mislabel of a lone office is gone; and a changed threshold reads right on every page and in
the pack, in Bengali."""

import ast
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from analysis import (
    BeforeAfterRules,
    ComparisonRules,
    PublicationRules,
    Rules,
    TrendRules,
    Withheld,
)
from analysis.vocabulary import CODES
from rating.wording import CONCERNS, WORDS, word

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "rating" / "translations" / "bn" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
BN = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def bengali(number) -> str:
    return str(number).translate(BN)


@pytest.fixture(scope="module")
def catalogue():
    with CATALOGUE.open("rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id}


@pytest.mark.parametrize("code", [code for vocabulary in CODES for code in vocabulary],
                         ids=lambda code: f"{type(code).__name__}.{code.name}")
def test_every_code_has_words_in_both_languages_with_its_parameters(catalogue, code):
    english = WORDS[code]
    assert set(PLACEHOLDER.findall(english)) <= set(code.param_names)
    translated = catalogue.get(english)
    assert translated and translated != english, f"no Bengali for {english!r}"
    assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(english))
    assert not re.search(r"[A-Za-z]{3}", PLACEHOLDER.sub("", translated))


def test_concerns_are_worded_in_both_languages(catalogue):
    assert all(catalogue.get(words) for words in CONCERNS.values())


def test_words_fill_in_the_parameters_in_the_languages_digits(app):
    reason = Withheld.FEW_RATERS(min_raters=7)
    with app.test_request_context():
        assert word(reason, "en") == "fewer than 7 leaders rated it"
        assert word(reason, "bn") == "৭ জনের কম নেত্রী রেটিং দিয়েছেন"
        assert word(None) == "–"
        with pytest.raises(ValueError):
            word("fewer than 5 distinct raters")


# The words analysis/ used to send as data, and which rating/ then parsed.
OLD_RESULTS = ("below the network", "above the network", "no clear difference", "not compared",
               "distinct raters", "all ratings the same", "no clear change", "not enough data",
               "higher after", "lower after", "improving", "declining")
MSGID_CALLS = {"N_", "_", "_l", "gettext", "lazy_gettext", "ngettext", "say", "translate"}


def _parsed_results(tree: ast.AST) -> list[str]:
    """String constants of the old results used as data: compared, searched or looked up,
    anywhere but as the message of a translation call."""
    messages = {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in MSGID_CALLS
                for arg in node.args[:2]}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in messages and any(w in node.value.lower() for w in OLD_RESULTS)
            and not node.value.strip().startswith(("The ", "One ", "An ", "'", "Each"))]


def test_no_result_sentence_is_parsed_in_rating():
    found = {}
    for path in (ROOT / "rating").rglob("*.py"):
        tree = ast.parse(path.read_text())
        # docstrings describe; they are not data
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        hits = [value for value in _parsed_results(tree) if value]
        hits = [v for v in hits if v not in {n.value for n in ast.walk(tree)
                                             if id(n) in docstrings}]
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}
    words = "|".join(OLD_RESULTS)
    comparisons = re.compile(r"""(==|!=|equalto|startswith\(|\bin)\s*["'](""" + words + ")")
    templates = {str(path.relative_to(ROOT)): comparisons.findall(path.read_text())
                 for path in (ROOT / "templates").rglob("*.html")}
    assert {name: hits for name, hits in templates.items() if hits} == {}


# ---- the lone office is not "too few raters" ----------------------------------------------

@pytest.fixture
def lone_office(app, make_office, make_cycle, make_user, make_rating):
    cycle = make_cycle(name="2026 Q1", status="closed", starts_on=date(2026, 1, 1),
                       ends_on=date(2026, 3, 31))
    rated, few = make_office(code="BDO-GAIGHATA"), make_office(code="BDO-BAGDAH", place="bagdah")
    leaders = [make_user("leader", login=f"BJ-{100 + i}") for i in range(6)]
    for i, leader in enumerate(leaders):
        make_rating(cycle, rated, leader, score=4 + i % 5)
    for leader in leaders[:3]:
        make_rating(cycle, few, leader, score=6)
    return rated, few


def _row(html: str, code: str) -> str:
    return next(row for row in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f">{code}<" in row)


@pytest.mark.parametrize(("language", "alone", "few"), [
    ("en", "not compared (no other office to compare with)",
     "not compared (fewer than 5 leaders rated it)"),
    ("bn", "তুলনা করা হয়নি (তুলনা করার মতো অন্য কোনো দপ্তর নেই)",
     "তুলনা করা হয়নি (৫ জনের কম নেত্রী রেটিং দিয়েছেন)"),
])
def test_a_lone_office_is_not_said_to_have_too_few_raters(client, login_as, lone_office,
                                                         language, alone, few):
    """The only office of its cycle with 5 raters has no rest of the network to be compared
    with; the page used to say "fewer than 5 leaders rated it" of it."""
    login_as("staff", language=language)
    html = client.get("/dashboard/").get_data(as_text=True)
    assert alone in _row(html, "BDO-GAIGHATA")
    assert few in _row(html, "BDO-BAGDAH")
    assert few not in _row(html, "BDO-GAIGHATA")


# ---- a changed threshold reads right everywhere, in Bengali -------------------------------

STRICTER = Rules(
    comparison=ComparisonRules(min_raters=7, false_discovery_rate=0.1),
    trend=TrendRules(min_cycles=6, min_n=6, min_change=2.0),
    before_after=BeforeAfterRules(window=2, min_per_side=8),
    publication=PublicationRules(min_raters_mean=6, min_raters_distribution=12,
                                 min_ratings_staff=4),
)
# English words of the statistics that a Bengali page must not fall back to.
ENGLISH = ("leaders rated", "not for sharing", "not compared", "spread and shares",
           "ratings: not shown", "below the network", "above the network", "no clear",
           "not enough data", "false discovery rate %", "are not compared")


def _text(html: str) -> str:
    """What a reader sees: no tags, no scripts or figure specs."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _assert_bengali(text: str, where: str) -> None:
    leaked = [english for english in ENGLISH if english in text]
    assert not leaked, f"{where} falls back to English: {leaked}"


@pytest.fixture
def stricter(app, network):
    """The hand-made network under stricter rules, with a letter to the BDO sent before any
    rating (so there is nothing before it to compare with)."""
    from rating.escalation.services import record_action

    app.config["STATISTICS_RULES"] = STRICTER
    record_action(kind="letter", acted_on=date(2024, 12, 1), level="block",
                  recipient="Block Development Officer, Gaighata", asked="Answer the leaders",
                  office_ids=[network.offices["bdo"].id])
    return network


def test_a_changed_threshold_reads_right_on_every_page_in_bengali(client, login_as, stricter):
    login_as("staff", language="bn")
    offices = stricter.offices
    pages = {
        "overview": "/dashboard/", "heatmap": "/dashboard/heatmap",
        "office": f"/dashboard/offices/{offices['wdo'].id}",
        "bwo": f"/dashboard/offices/{offices['bwo'].id}",
        "bldo": f"/dashboard/offices/{offices['bldo'].id}",
        "bdo": f"/dashboard/offices/{offices['bdo'].id}",
        "block": f"/dashboard/blocks/{offices['bdo'].place_id}",
        "department": f"/dashboard/departments/{offices['bdo'].department_type_id}",
        "escalation": "/escalation/",
    }
    text = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        text[name] = _text(response.get_data(as_text=True))
        _assert_bengali(text[name], name)
        # the old thresholds are gone from every sentence that states one
        for old in ("৫ জনের কম", "অন্তত ১০ জন", "৩টির কম রেটিং", "হার ৫%",
                    "মোটামুটি ৫টি শুধু দৈবক্রমে"):
            assert old not in text[name], (name, old)
    overview = text["overview"]
    # the false discovery rate, in plain words: at most 10 in 100 called below/above by chance
    assert "১০০টিতে বড়জোর মোটামুটি ১০টি শুধু দৈবক্রমে" in overview
    assert f"{bengali(7)} জনের কম নেত্রী যে দপ্তরকে রেটিং দিয়েছেন, তার তুলনা করা হয় না" \
        in overview
    assert f"{bengali(4)}টির কম রেটিং আছে, তাই দেখানো হয়নি" in overview  # BLDO's 3
    # wdo: 6-7 leaders a cycle: its means may be shared, its spread needs 12 now
    assert f"বণ্টন ও হার দেখাতে অন্তত {bengali(12)} জন নেত্রী লাগে" in text["office"]
    # bwo's 2025 Q3 had 4 leaders: shown to staff (4 is enough now), not for sharing
    assert f"{bengali(6)} জনের কম নেত্রী রেটিং দিয়েছেন" in text["bwo"]
    # bldo's cycles of 3 are below the staff's 4
    assert f"{bengali(4)}টির কম রেটিং: দেখানো হয়নি" in text["bldo"]
    assert f"{bengali(4)}টির কম রেটিং: দেখানো হয়নি" in text["heatmap"]
    # the letter came before any rating: each side needs 8 ratings now
    assert f"দুই দিকেই অন্তত {bengali(8)} জন নেত্রীর রেটিং লাগে" in text["bdo"]


def test_a_changed_threshold_reads_right_in_the_bengali_pack(runner, stricter, tmp_path):
    out = tmp_path / "pack.zip"
    result = runner.invoke(args=["build-pack", "--block", "Gaighata", "--lang", "bn",
                                 "--level", "block", "--to", "BDO Gaighata", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        report = _text(archive.read("report.html").decode())
        with zipfile.ZipFile(io.BytesIO(archive.read("letter.docx"))) as docx:
            letter = _text(docx.read("word/document.xml").decode())
    _assert_bengali(report, "report.html")
    methods = report[report.index("পদ্ধতি"):] if "পদ্ধতি" in report else report
    expected = [
        f"অন্তত {bengali(6)} জন নেত্রী একটি দপ্তরকে রেটিং দিলে তবেই তার গড় দেখানো হয়",
        f"অন্তত {bengali(12)} জন রেটিং দিলে",
        f"অন্তত {bengali(6)}টি পর্বে {bengali(6)}টি বা তার বেশি রেটিং আছে",
        f"অন্তত {bengali(2)} নম্বর",
        f"false discovery rate, {bengali(10)}%",
        f"{bengali(7)} জনের কম নেত্রী যে দপ্তরকে রেটিং দিয়েছেন, তার তুলনা করা হয় না",
        f"গড় দেখাতে {bengali(6)} জন, হার দেখাতে {bengali(12)} জন",
        # before and after the letter: 2 cycles a side, 8 ratings each
        f"আগের বড়জোর {bengali(2)}টি রেটিং-পাওয়া পর্বকে",
        f"দুই দিকেই অন্তত {bengali(8)} জন নেত্রীর রেটিং লাগে",
    ]
    missing = [sentence for sentence in expected if sentence not in report]
    assert not missing, missing
    for old in ("অন্তত ৫ জন নেত্রী একটি দপ্তরকে", "অন্তত ১০ জন রেটিং দিলে", "অন্তত ৪টি পর্বে",
                "গড় দেখাতে ৫ জন", "বড়জোর ৩টি", "অন্তত ৫ জন নেত্রীর রেটিং লাগে"):
        assert old not in methods, old
    # every trend of the pack needs 6 cycles now, and there are 5: each says so, in Bengali
    assert f"রেটিং আছে এমন পর্ব {bengali(6)}টির কম" in report
    assert f"{bengali(6)} জনের কম নেত্রী রেটিং দিয়েছেন, সেগুলি দেখানো হয়নি" in letter
