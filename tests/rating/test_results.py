"""What came of the ratings: the leaders' results pages, her own ratings, the score cards and
finding an office by any word, on the real database."""

import re
import shutil
import subprocess

import pytest

from rating.collation import sort_key
from tests.conftest import TEST_PIN, Browser


def figures(html: str) -> list[str]:
    """Every sentence with a published mean on a page (the figure's words)."""
    return re.findall(r'<p class="figure">([^<]*)</p>', html)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


@pytest.fixture
def leader_client(client, rated_block):
    response = Browser(client).login("BJ-001", TEST_PIN)
    assert response.status_code == 302
    return client


def test_leader_goes_to_her_block_and_sees_the_published_figure(leader_client, rated_block):
    response = leader_client.get("/leader/results/")
    assert response.headers["Location"].endswith(f"/leader/results/block/{rated_block['block'].id}")
    html = leader_client.get(response.headers["Location"]).get_data(as_text=True)
    # Q2: 4, 6, 6, 8, 9, 10 from six leaders: 7.2 on average, in Bengali digits
    assert figures(html) == ["নেত্রীরা গড়ে ১০-এর মধ্যে ৭.২ দিয়েছেন: ভালো (৬ জন নেত্রী, ২০২৬ Q২)।"]
    assert "আপনি রেটিং দিয়েছেন" in html  # she rated the BDO: marked for her
    assert "শিশু সুরক্ষা, গাইঘাটা" in html.split("not-shown")[1]  # 4 leaders: name only
    assert 'class="faces"' in html and "plotly" not in html


def test_plain_copy_for_the_phone_holds_nothing_of_hers(leader_client, rated_block):
    block = rated_block["block"].id
    plain = leader_client.get(f"/leader/results/block/{block}?copy=plain").get_data(as_text=True)
    marked = leader_client.get(f"/leader/results/block/{block}").get_data(as_text=True)
    assert figures(plain) == figures(marked)
    for personal in ('<span class="mine-mark">', "BJ-001", "csrf", "leader-tag"):
        assert personal in marked
        assert personal not in plain
    # Her link to her own ratings is shown by the script once the server says she is a leader.
    assert re.search(r'<a class="button" id="mine-link" href="/leader/results/mine" hidden>', plain)
    assert 'data-url="/leader/results/personal"' in plain


def test_what_is_hers_comes_apart_and_is_never_stored(leader_client, rated_block, client,
                                                      login_as):
    response = page(leader_client, "/leader/results/personal")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["rated"] == [{"id": rated_block["bdo"].id, "name": "বিডিও, গাইঘাটা"}]
    assert data["language"] == "bn" and data["tag"] and data["csrf_token"]
    assert "BJ-001" in data["who"]
    client.post("/logout", data={"csrf_token": data["csrf_token"]})
    assert client.get("/leader/results/personal").status_code in (302, 401)
    login_as("staff", language="en")
    staff = page(client, "/leader/results/personal").get_json()
    assert staff["rated"] == [] and staff["tag"] is None and staff["language"] == "en"


def test_a_group_under_five_is_not_recoverable_from_any_page(client, rated_block, make_user):
    """Differencing across pages: the block's page and each office's page publish the same
    figures, the withheld office's on neither, and a rating in the open cycle changes
    nothing anyone can see."""
    Browser(client).login("BJ-001", TEST_PIN)
    block, bdo, small = rated_block["block"].id, rated_block["bdo"].id, rated_block["small"].id
    before = {url: figures(page(client, url).get_data(as_text=True)) for url in (
        f"/leader/results/block/{block}", f"/leader/results/office/{bdo}",
        f"/leader/results/office/{small}")}
    assert before[f"/leader/results/block/{block}"] == before[f"/leader/results/office/{bdo}"]
    assert before[f"/leader/results/office/{small}"] == []
    small_page = page(client, f"/leader/results/office/{small}").get_data(as_text=True)
    words = re.sub(r"<svg.*?</svg>", "", small_page.split('id="main"')[1], flags=re.S)
    assert not re.search(r"\b\d+\.\d\b", words)  # no mean at all, in any digits
    # the open cycle's fifth leader of the small office: nothing moves
    from rating.cycles.models import Rating
    from rating.extensions import db
    assert db.session.query(Rating).filter_by(office_id=small).count() == 9
    after = {url: figures(page(client, url).get_data(as_text=True)) for url in before}
    assert after == before


def test_her_own_ratings_are_hers_alone_and_never_kept(leader_client, rated_block, client):
    response = page(leader_client, "/leader/results/mine")
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>\s*<td><span[^>]*>(\d+)</span></td>",
                      html)
    assert rows == [("বিডিও, গাইঘাটা", "২০২৬ Q২", "৪"), ("বিডিও, গাইঘাটা", "২০২৬ Q১", "৩")]


def test_her_own_ratings_come_apart_from_the_frame_the_phone_keeps(leader_client, rated_block):
    frame = page(leader_client, "/leader/results/mine?copy=plain")
    html = frame.get_data(as_text=True)
    assert "বিডিও, গাইঘাটা" not in html and "<tr><td>" not in html and "csrf" not in html
    assert 'data-url="/leader/results/mine/data"' in html
    response = page(leader_client, "/leader/results/mine/data")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert [(data["offices"][str(office)], data["cycles"][str(cycle)], score)
            for office, cycle, score, _ in data["ratings"]] == [
        ("বিডিও, গাইঘাটা", "২০২৬ Q২", 4), ("বিডিও, গাইঘাটা", "২০২৬ Q১", 3)]
    assert "বিডিও" in response.get_data(as_text=True)  # UTF-8, not \\u escapes


def test_staff_see_a_block_but_not_a_leaders_ratings(client, rated_block, login_as):
    login_as("staff", language="en")
    html = page(client, f"/leader/results/block/{rated_block['block'].id}").get_data(as_text=True)
    assert figures(html) == ["Leaders gave it 7.2 out of 10 on average: good (6 leaders, 2026 Q2)."]
    assert "you rated it" not in html
    assert client.get("/leader/results/mine").status_code == 403


@pytest.mark.parametrize("url", ["/leader/results/block/999999", "/leader/results/office/999999",
                                 "/leader/results/block/999999/card.pdf"])
def test_unknown_places_and_offices_are_404(leader_client, url):
    assert leader_client.get(url).status_code == 404


def test_the_office_of_a_district_is_not_a_block(leader_client, directory):
    assert leader_client.get(f"/leader/results/block/{directory['district'].id}").status_code == 404


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils is not installed")
@pytest.mark.parametrize("kind", ["block", "office"])
def test_score_card_is_one_a4_page(leader_client, rated_block, tmp_path, kind):
    ident = rated_block["block"].id if kind == "block" else rated_block["bdo"].id
    response = leader_client.get(f"/leader/results/{kind}/{ident}/card.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "card.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\b", info)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "৭.২" in text  # the published mean, in Bengali digits


@pytest.mark.parametrize("q", ["গাইঘাটা বিডিও", "bdo gaighata", "gaighata", "BDO, Gaighata",
                               "গাইঘা", "gaigh bd", "Block Development", "উন্নয়ন"])
def test_search_finds_the_office_by_any_words_in_either_language(leader_client, rated_block, q):
    html = leader_client.get("/leader/offices", query_string={"q": q}).get_data(as_text=True)
    assert f'/leader/rate/{rated_block["bdo"].id}"' in html


def test_search_needs_every_word(leader_client, rated_block):
    html = leader_client.get("/leader/offices", query_string={"q": "bdo bagdah"}).get_data(
        as_text=True)
    assert f'/leader/rate/{rated_block["bdo"].id}"' not in html


def test_bengali_names_sort_in_bengali_order():
    # Code point order puts ড় (U+09DC) and য় (U+09DF) after হ; the dictionary puts them
    # beside ড and য, and a conjunct after the vowel signs of its first consonant.
    rra, yya = "\u09dc", "\u09df"
    names = ["হাবড়া", yya, rra, "ঢ", "য", "ক্ষ", "কা", "ক", "আমডাঙা", "অশোকনগর"]
    expected = ["অশোকনগর", "আমডাঙা", "ক", "কা", "ক্ষ", rra, "ঢ", "য", yya, "হাবড়া"]
    assert sorted(names, key=lambda n: sort_key(n, "bn")) == expected
    assert sorted(names) != expected


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_block_of_fewer_than_five_raters_shows_nothing_recoverable(client, small_block,
                                                                   login_as, tmp_path):
    login_as("staff", language="en")
    block, office = small_block["block"].id, small_block["office"].id
    pages = {url: page(client, url).get_data(as_text=True) for url in (
        f"/leader/results/block/{block}", f"/leader/results/block/{block}?copy=plain",
        f"/leader/results/office/{office}")}
    for url, html in pages.items():
        main = re.sub(r"<svg.*?</svg>", "", html.split('id="main"')[1], flags=re.S)
        assert figures(html) == [], url
        assert 'class="faces"' not in html and "peerbar" not in html, url
        # no mean, no count of leaders, no place: the only numbers are the rule's and the
        # number of closed cycles
        assert set(re.findall(r"\d+(?:\.\d+)?", re.sub(r"<[^>]+>", " ", main))) <= {"5", "2"}, url
    assert "BDO, Bagdah" in pages[f"/leader/results/block/{block}"]
    card = client.get(f"/leader/results/block/{block}/card.pdf")
    path = tmp_path / "card.pdf"
    path.write_bytes(card.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "বিডিও, বাগদা" in text  # named among the offices without enough ratings
    assert not re.search(r"[০-৯0-9][.][০-৯0-9]", text)  # and no mean anywhere on the card


def test_the_docstring_examples_hold():
    """rating/ is not collected for doctests (setup.cfg's testpaths): run these here."""
    import doctest

    from rating import collation
    from rating.results import services as results_services

    for module in (collation, results_services):
        outcome = doctest.testmod(module)
        assert outcome.attempted and not outcome.failed, module.__name__


@pytest.mark.parametrize("language", ["bn", "en"])
def test_the_phones_office_list_comes_in_the_readers_order(client, directory, make_cycle,
                                                           login_as, language):
    """The list the phone keeps for offline rating: Bengali order on a Bengali phone (by
    English abbreviation, "BDO" before "WDO", it put বিডিও after ডব্লিউডিও)."""
    from rating.directory.models import Office
    from rating.extensions import db

    names = [("WDO, Bagdah", "ডব্লিউডিও, বাগদা"), ("BDO, Gaighata", "বিডিও, গাইঘাটা"),
             ("Pradhan, Sutia", "প্রধান, সুটিয়া"), ("AHTU, Bongaon", "এএইচটিইউ, বনগাঁ")]
    for n, (name_en, name_bn) in enumerate(names):
        db.session.add(Office(code=f"O-{n}", department_type=directory["bdo"],
                              place=directory["bagdah"], level="block", name_en=name_en,
                              name_bn=name_bn))
    db.session.commit()
    make_cycle()
    login_as("leader", language=language)
    listed = [o[f"name_{language}"] for o in client.get("/api/offices").json["offices"]]
    expected = {"bn": ["এএইচটিইউ, বনগাঁ", "ডব্লিউডিও, বাগদা", "প্রধান, সুটিয়া", "বিডিও, গাইঘাটা"],
                "en": ["AHTU, Bongaon", "BDO, Gaighata", "Pradhan, Sutia", "WDO, Bagdah"]}
    assert listed == expected[language]
