"""Staff charts through the real app, on a small hand-made network whose every score is known:
each table and figure is checked against numpy/scipy on those scores, each CSV against its
page's table; small groups never show; filters in the URL; leaders refused; Bengali digits."""

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

import numpy as np
import pytest
from scipy import stats
from sqlalchemy import event
from statsmodels.stats.meta_analysis import combine_effects

from rating.extensions import db

CYCLES = [("2025 Q1", date(2025, 1, 1), date(2025, 3, 31)),
          ("2025 Q2", date(2025, 4, 1), date(2025, 6, 30)),
          ("2025 Q3", date(2025, 7, 1), date(2025, 9, 30)),
          ("2025 Q4", date(2025, 10, 1), date(2025, 12, 31)),
          ("2026 Q1", date(2026, 1, 1), date(2026, 3, 31))]
# key: (code, place, department, English name or None for the factory's)
OFFICES = {
    "gaighata": ("BDO-GAIGHATA", "gaighata", "bdo", None),
    "bagdah": ("BDO-BAGDAH", "bagdah", "bdo", None),
    "dcpo": ("DCPO-N24P", "district", "dcpo", None),
    "formula": ("WDO-GAIGHATA", "gaighata", "dcpo", '=HYPERLINK("x")'),
    "plus": ("BWO-BAGDAH", "bagdah", "bdo", "+cmd"),
}
# Scores per office and cycle; the i-th score of a cell is given by leader i (leaders 0-5 are
# in the BJ collective, 6-11 in UT), so no leader rates an office twice in a cycle.
SCORES = {
    "gaighata": [[9, 8, 8, 7, 9, 8, 7, 8, 9, 8, 6, 7], [8, 7, 8, 7, 6, 8, 7, 7, 9, 6, 7, 8],
                 [7, 6, 7, 6, 5, 7, 6, 8, 6, 5, 7, 6], [6, 5, 6, 5, 4, 6, 7, 5, 6, 4, 5, 6],
                 [5, 4, 5, 3, 4, 5, 6, 4, 5, 3, 4, 5]],
    "bagdah": [[2, 3, 2, 4, 3, 2], [3, 3, 4, 4, 2, 3], [4, 5, 3, 4, 5, 4], [5, 4, 6, 5, 5, 6],
               [6, 7, 5, 6, 7, 6]],
    "dcpo": [[5, 6, 4, 5], [6, 5, 5, 7], [3, 4], [5, 5, 6, 4], [6, 4, 5, 7]],
    "formula": [[5, 6, 7, 5, 6], [6, 6, 7, 5, 6], [5, 5, 6, 7, 8], [4, 6, 7, 5, 6],
                [7, 7, 7, 7, 7]],
    "plus": [[], [], [], [4, 5, 6], [7, 8]],
}
LATEST = len(CYCLES) - 1
FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Network:
    offices: dict
    cycles: list
    leaders: list
    collectives: dict
    open_cycle: object

    def scores(self, office: str, cycle: int, collective: str | None = None) -> list[int]:
        cell = SCORES[office][cycle]
        if collective is None:
            return list(cell)
        wanted = self.collectives[collective].id
        return [s for i, s in enumerate(cell) if self.leaders[i].collective_id == wanted]


@pytest.fixture
def network(app, directory, snapshot, request):
    """Built once per database, laid down again for each test (the `snapshot` fixture)."""
    ids = snapshot("test_dashboard network", lambda: _build_network(request.getfixturevalue))
    return _load_network(ids)


def _build_network(fixture) -> dict:
    from rating.directory.models import Officer, Posting

    directory, make_user = fixture("directory"), fixture("make_user")
    make_office, make_cycle, make_rating = (fixture("make_office"), fixture("make_cycle"),
                                            fixture("make_rating"))
    collectives = {"BJ": fixture("make_collective")("BJ", "Bijoyini", "বিজয়িনী", commit=False),
                   "UT": fixture("make_collective")("UT", "Utthan", "উত্থান", commit=False)}
    leaders = [make_user("leader", login=f"{'BJ' if i < 6 else 'UT'}-{i + 1:03d}",
                         collective_code="BJ" if i < 6 else "UT",
                         display_name="Rina Das" if i == 0 else f"Leader {i}",
                         home_place=directory["gaighata" if i % 2 else "bagdah"], commit=False)
               for i in range(12)]
    offices = {}
    for key, (code, place, department, name) in OFFICES.items():
        office = make_office(code=code, place=place, department=department, commit=False)
        if name:
            office.name_en = name
        offices[key] = office
    db.session.flush()
    cycles = [make_cycle(name=name, status="closed", starts_on=start, ends_on=end,
                          commit=False)
              for name, start, end in CYCLES]
    for key, per_cycle in SCORES.items():
        for cycle, scores in zip(cycles, per_cycle, strict=True):
            for leader, score in zip(leaders, scores, strict=False):
                make_rating(cycle, offices[key], leader, score=score,
                            respect="yes" if score >= 6 else "no",
                            work_done="partly" if score == 5 else None, commit=False)
    # The open cycle counts for participation only, never for the charts.
    open_cycle = make_cycle(name="2026 Q2", status="open", starts_on=date(2026, 4, 1),
                            ends_on=date(2026, 6, 30), commit=False)
    for leader in leaders[:3]:
        make_rating(open_cycle, offices["gaighata"], leader, score=1, commit=False)
    officer = Officer(name_en="Tapas Ghosh", name_bn="তাপস ঘোষ")
    db.session.add(officer)
    db.session.flush()
    db.session.add(Posting(officer=officer, office=offices["gaighata"],
                           started_on=date(2025, 8, 15)))
    db.session.commit()
    return {"offices": {key: office.id for key, office in offices.items()},
            "cycles": [cycle.id for cycle in cycles],
            "leaders": [leader.id for leader in leaders],
            "collectives": {key: collective.id for key, collective in collectives.items()},
            "open_cycle": open_cycle.id}


def _load_network(ids: dict) -> Network:
    from rating.auth.models import Collective, User
    from rating.cycles.models import Cycle
    from rating.directory.models import Office

    return Network(offices={key: db.session.get(Office, i) for key, i in ids["offices"].items()},
                   cycles=[db.session.get(Cycle, i) for i in ids["cycles"]],
                   leaders=[db.session.get(User, i) for i in ids["leaders"]],
                   collectives={key: db.session.get(Collective, i)
                                for key, i in ids["collectives"].items()},
                   open_cycle=db.session.get(Cycle, ids["open_cycle"]))


# ---- reading pages -------------------------------------------------------------------------

class _Tables(HTMLParser):
    """Every <table> of a page: caption, header cells and body rows, as text."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._where = [], None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "columns": [], "rows": []})
        elif tag == "caption":
            self._where = "caption"
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._where = None
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if not table["columns"]:
                table["columns"] = self._row
            else:
                table["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._where == "caption":
            self.tables[-1]["caption"] += data.strip()
        elif self._cell is not None:
            self._cell += data


def page_tables(html: str) -> list[dict]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def page_table(html: str, caption: str) -> dict:
    found = [t for t in page_tables(html) if t["caption"] == caption]
    assert found, f"no table captioned {caption!r}"
    return found[0]


def as_dicts(table: dict) -> list[dict]:
    return [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]


def figures_of(html: str) -> dict:
    return {name: json.loads(body) for name, body in re.findall(
        r'<script type="application/json" id="figure-([\w-]+)">(.*?)</script>', html, re.S)}


def download(client, url: str, table: str) -> list[list[str]]:
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}csv={table}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f'filename="{table}.csv"' in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def get_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# ---- independent figures -------------------------------------------------------------------

def t_interval(scores):
    x = np.array(scores, dtype=float)
    if len(x) < 2 or x.std() == 0:
        return None
    return stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))


def expected_note(scores) -> str:
    n = len(scores)
    if n == 0:
        return "no ratings"
    if n < 3:
        return "fewer than 3 ratings: not shown"
    if n < 5:
        return "not for sharing: fewer than 5 leaders rated it"
    if len(set(scores)) == 1:
        return "not for sharing: every rating is the same, so it would tell each leader's score"
    if n < 10 and sum(scores) in (n + 1, 10 * n - 1):  # one distribution has that sum
        return "not for sharing: under 10 leaders, it would tell every score"
    if n < 10:
        return "not for sharing: spread and shares need 10 leaders"
    return ""


def close(text: str, value, digits=2) -> bool:
    """A table cell (rounded to ``digits``) against an exact figure."""
    if value is None:
        return text in ("–", "")
    return abs(float(text) - value) <= 0.5 * 10 ** -digits + 1e-9


def check_mean_row(row: dict, scores, n_column="ratings"):
    x = np.array(scores, dtype=float)
    assert int(row[n_column]) == len(x)
    assert close(row["mean"], x.mean())
    interval = t_interval(scores)
    assert close(row["low (95%)"], interval and interval[0])
    assert close(row["high (95%)"], interval and interval[1])


# ---- pages ---------------------------------------------------------------------------------

def urls(network) -> dict[str, str]:
    gaighata = network.offices["gaighata"]
    return {"overview": "/dashboard/", "heatmap": "/dashboard/heatmap",
            "office": f"/dashboard/offices/{gaighata.id}",
            "block": f"/dashboard/blocks/{gaighata.place_id}",
            "department": f"/dashboard/departments/{gaighata.department_type_id}"}


PAGE_TABLES = [("overview", "offices"), ("overview", "participation"), ("heatmap", "heatmap"),
               ("office", "cycles"), ("office", "spread"), ("office", "answers"),
               ("block", "offices"), ("department", "offices")]


@pytest.mark.parametrize("role", ["staff", "advocacy"])
@pytest.mark.parametrize("page", ["overview", "heatmap", "office", "block", "department"])
def test_staff_and_advocacy_open_every_page(client, login_as, network, role, page):
    login_as(role)
    html = get_html(client, urls(network)[page])
    assert figures_of(html), "no chart drawn"
    assert "Not enough ratings" not in html


@pytest.mark.parametrize("page", ["overview", "heatmap", "office", "block", "department"])
@pytest.mark.parametrize("value", ["2147483648", "-9223372036854775809", "99999", "x"])
def test_a_filter_that_is_no_choice_is_no_filter(client, login_as, network, page, value):
    """Hypothesis found `?collective=2147483648` answering 500 on PostgreSQL (integer out of
    range). A filter outside its choices is now dropped, and the page is the unfiltered one."""
    login_as("staff")
    query = "&".join(f"{name}={value}" for name in
                     ("district", "block", "department", "collective", "cycle_from", "cycle_to",
                      "cycle"))
    response = client.get(f"{urls(network)[page]}?{query}")
    assert response.status_code == 200
    assert figures_of(response.get_data(as_text=True))


@pytest.mark.parametrize("page,table", PAGE_TABLES + [("plotly", None)])
def test_a_leader_is_refused_every_page_and_csv(client, login_as, network, page, table):
    login_as("leader", login="BJ-900")
    url = "/dashboard/plotly.js" if page == "plotly" else urls(network)[page]
    assert client.get(url).status_code == 403
    if table:
        assert client.get(f"{url}?csv={table}").status_code == 403


def test_the_overview_ranks_the_latest_cycle_against_scipy(client, login_as, network):
    login_as("staff")
    html = get_html(client, "/dashboard/")
    assert "Network overview: 2026 Q1" in html
    rows = {row["office code"]: row for row in as_dicts(page_table(html, "Offices ranked"))}
    shown = {key for key in OFFICES if len(SCORES[key][LATEST]) >= 3}
    assert set(rows) == {OFFICES[key][0] for key in shown}
    for key in shown:
        row = rows[OFFICES[key][0]]
        check_mean_row(row, SCORES[key][LATEST])
        assert row["sharing"] == expected_note(SCORES[key][LATEST])
    # The one office rated twice is counted, not shown.
    assert "1 office with fewer than 3 ratings is not shown." in html
    # The network mean pools the offices shown only: with the hidden one in, it would
    # give that office's ratings away by subtraction.
    pooled = np.concatenate([SCORES[key][LATEST] for key in shown])
    assert f"Network mean in this cycle: {pooled.mean():.1f}." in html

    funnel = figures_of(html)["funnel"]
    offices = next(trace for trace in funnel["data"] if trace.get("mode") == "markers")
    drawn = sorted(zip(offices["x"], offices["y"], strict=True))
    expected = sorted((len(SCORES[k][LATEST]), np.mean(SCORES[k][LATEST])) for k in shown)
    assert [n for n, _ in drawn] == [n for n, _ in expected]
    assert [y for _, y in drawn] == pytest.approx([y for _, y in expected])


def test_the_funnel_limits_allow_for_the_spread_between_offices(client, login_as, network):
    """Spiegelhalter's additive overdispersed limits: the within-office SD and the
    DerSimonian-Laird between-office variance (statsmodels), around the network mean. The
    old limits used the SD of all ratings and no allowance (the issue's 13.9% outside 95%)."""
    login_as("staff")
    funnel = figures_of(get_html(client, "/dashboard/"))["funnel"]
    # only the offices shown (3 ratings or more) enter the network's figures
    groups = [np.array(SCORES[key][LATEST], float) for key in OFFICES
              if len(SCORES[key][LATEST]) >= 3]
    pooled = np.concatenate(groups)
    n = np.array([g.size for g in groups], float)
    within = sum(((g - g.mean()) ** 2).sum() for g in groups) / (n - 1).sum()
    means = np.array([g.mean() for g in groups])
    tau2 = combine_effects(means, within / n, method_re="dl").tau2
    lines = [trace for trace in funnel["data"] if trace.get("mode") == "lines"]
    low95 = next(t for t in lines if t["legendgroup"] == "95" and t["showlegend"])
    for size, y in zip(low95["x"], low95["y"], strict=True):
        expected = pooled.mean() - stats.norm.ppf(0.975) * np.sqrt(within / size + tau2)
        assert y == pytest.approx(expected)


@pytest.mark.parametrize("office", ["gaighata", "bagdah", "dcpo", "formula", "plus"])
def test_an_office_page_matches_scipy_cycle_by_cycle(client, login_as, network, office):
    login_as("staff")
    html = get_html(client, f"/dashboard/offices/{network.offices[office].id}")
    rows = as_dicts(page_table(html, "Mean score by cycle"))
    assert [row["cycle"] for row in rows] == [name for name, _, _ in CYCLES]
    spread = {row[0]: row[1:] for row in page_table(html, "Spread of scores in each cycle")["rows"]}
    answers = {r["cycle"]: r for r in as_dicts(page_table(html, "Share answering yes"))}
    for row, scores in zip(rows, SCORES[office], strict=True):
        assert row["note"] == expected_note(scores)
        if len(scores) < 3:
            assert row["ratings"] == row["mean"] == row["low (95%)"] == "–"
            assert row["cycle"] not in spread and row["cycle"] not in answers
            continue
        check_mean_row(row, scores)
        x = np.array(scores)
        assert close(row["SD"], x.std(ddof=1))
        sevens = int((x >= 7).sum())
        assert close(row["share at 7 or more"], sevens / len(x))
        wilson = stats.binomtest(sevens, len(x)).proportion_ci(method="wilson")
        assert close(row["share low (95%)"], wilson.low)
        assert close(row["share high (95%)"], wilson.high)
        assert [int(c) for c in spread[row["cycle"]][:10]] == \
            np.bincount(x, minlength=11)[1:].tolist()
        assert spread[row["cycle"]][10] == expected_note(scores)
        answer = answers[row["cycle"]]
        assert answer["note"] == expected_note(scores)
        assert int(answer["respect: yes"]) == sevens + int((x == 6).sum())
        assert int(answer["respect: no"]) == int((x < 6).sum())
        assert int(answer["work done: partly"]) == int((x == 5).sum())


def test_the_office_trend_is_said_in_words_and_drawn(client, login_as, network):
    login_as("staff")
    html = get_html(client, f"/dashboard/offices/{network.offices['gaighata'].id}")
    # The trend is the overview's and the pack's: weighted least squares on the cycle means
    # with weights 1/(sigma2/n + tau2), sigma2 the pooled within-cell variance and tau2 the
    # cycle-shock variance (method of moments over every office's line), a t interval on
    # the pooled residual df. Recomputed here with statsmodels from the raw scores of every
    # cell the staff pages show (3 ratings or more).
    import statsmodels.api as sm

    shown = {key: [(c, np.array(s, float)) for c, s in enumerate(cells) if len(s) >= 3]
             for key, cells in SCORES.items()}
    sigma2 = sum((len(s) - 1) * s.var(ddof=1) for cells in shown.values() for _, s in cells) / \
        sum(len(s) - 1 for cells in shown.values() for _, s in cells)
    q = df = c = 0.0
    for cells in shown.values():
        if len(cells) < 3:
            continue
        x = sm.add_constant(np.array([p for p, _ in cells], float))
        w = np.array([len(s) for _, s in cells]) / sigma2
        fit = sm.WLS([s.mean() for _, s in cells], x, weights=w).fit()
        q += fit.ssr
        df += len(cells) - 2
        xtwx = np.linalg.inv(x.T @ (w[:, None] * x))
        c += w.sum() - np.trace(xtwx @ (x.T @ ((w**2)[:, None] * x)))
    tau2 = max(0.0, (q - df) / c)
    cells = shown["gaighata"]
    x = sm.add_constant(np.array([p for p, _ in cells], float))
    w = 1 / (sigma2 / np.array([len(s) for _, s in cells]) + tau2)
    fit = sm.WLS([s.mean() for _, s in cells], x, weights=w).fit(cov_type="fixed scale")
    slope = fit.params[1]
    half = stats.t.ppf(0.975, df) * fit.bse[1]
    sentence = (f"declining: {slope:.1f} points a cycle, 95% interval "
                f"{slope - half:.1f} to {slope + half:.1f}, over 5 cycles")
    assert sentence in html
    trend = figures_of(html)["trend"]
    means = next(t for t in trend["data"] if t.get("mode") == "lines+markers")
    assert means["y"] == pytest.approx([np.mean(s) for s in SCORES["gaighata"]])
    change = trend["layout"]["shapes"][0]["x0"]
    assert 1.5 < change < 2.5  # the new officer came half-way through the third cycle
    assert "Tapas Ghosh" in html  # in the list of officers in post


def test_the_heatmap_greys_out_small_groups_and_says_why(client, login_as, network):
    login_as("staff")
    html = get_html(client, "/dashboard/heatmap")
    figure = figures_of(html)["heatmap"]["data"][0]
    assert figure["x"] == [name for name, _, _ in CYCLES]
    names = {network.offices[key].name_en: key for key in OFFICES}
    for row_name, z_row, text_row in zip(figure["y"], figure["z"], figure["text"], strict=True):
        key = names[row_name]
        for scores, z, text in zip(SCORES[key], z_row, text_row, strict=True):
            if len(scores) < 3:
                assert z is None
                assert expected_note(scores) in text
            else:
                assert z == pytest.approx(np.mean(scores))
                assert expected_note(scores) in text
    cells = {(r["office code"], r["cycle"]): r
             for r in as_dicts(page_table(html, figures_of(html)["heatmap"]["layout"]["title"]
                                          ["text"]))}
    for key in OFFICES:
        for (name, _, _), scores in zip(CYCLES, SCORES[key], strict=True):
            cell = cells[OFFICES[key][0], name]
            assert cell["note"] == expected_note(scores)
            if len(scores) >= 3:
                assert int(cell["ratings"]) == len(scores)
                assert close(cell["mean"], np.mean(scores))
            else:
                assert cell["ratings"] == cell["mean"] == "–"


@pytest.mark.parametrize("page,key", [("block", "gaighata"), ("block", "bagdah"),
                                      ("department", "bdo"), ("department", "dcpo")])
def test_block_and_department_views_match_scipy(client, login_as, network, directory, page,
                                                key):
    login_as("staff")
    place = 1 if page == "block" else 2
    members = [k for k, spec in OFFICES.items() if spec[place] == key]
    url = (f"/dashboard/blocks/{directory[key].id}" if page == "block"
           else f"/dashboard/departments/{directory[key].id}")
    html = get_html(client, url)
    rows = {r["office code"]: r for r in as_dicts(page_tables(html)[0])}
    assert set(rows) == {OFFICES[k][0] for k in members}
    for k in members:
        latest = [s for s in SCORES[k] if len(s) >= 3][-1]
        check_mean_row(rows[OFFICES[k][0]], latest, n_column="ratings (latest cycle)")
        assert rows[OFFICES[k][0]]["sharing"] == expected_note(latest)
    lines = {t["name"]: t["y"] for t in figures_of(html)["lines"]["data"]}
    for k in members:
        assert lines[network.offices[k].name_en] == [
            pytest.approx(np.mean(s)) if len(s) >= 3 else None for s in SCORES[k]]


# ---- CSV -----------------------------------------------------------------------------------

@pytest.mark.parametrize("page,table", PAGE_TABLES)
def test_each_csv_equals_its_table_on_the_page(client, login_as, network, page, table):
    login_as("staff")
    url = urls(network)[page] + "?collective=" + str(network.collectives["BJ"].id)
    html = get_html(client, url)
    rows = download(client, url, table)
    if table == "participation":  # drawn by hand on the page, without the ratings column
        shown = [t for t in page_tables(html) if "collective" in t["columns"][0]][0]
        assert [r[:3] for r in rows] == [shown["columns"], *shown["rows"]]
        return
    expected = page_tables(html)
    on_page = next(t for t in expected if t["columns"] == rows[0])
    assert rows[1:], "an empty table proves nothing"
    cells = [[value.removeprefix("'") if value[1:].startswith(FORMULA_START) else value
              for value in row] for row in rows[1:]]
    assert [[value or "–" for value in row] for row in cells] == on_page["rows"]


@pytest.mark.parametrize("page,table", [("overview", "offices"), ("heatmap", "heatmap"),
                                        ("block", "offices"), ("department", "offices")])
def test_csv_cells_cannot_run_as_formulas(client, login_as, network, page, table):
    login_as("staff")
    url = urls(network)[page]
    if page == "department":
        url = f"/dashboard/departments/{network.offices['formula'].department_type_id}"
    cells = [value for row in download(client, url, table) for value in row]
    named = [value for value in cells if "HYPERLINK" in value or "cmd" in value]
    assert named, "the office with a formula for a name is not in this table"
    assert all(value.startswith("'") for value in named), named
    assert all(not value.startswith(FORMULA_START) for value in cells
               if value and not re.fullmatch(r"-?[0-9.]+", value)), cells


def test_an_unknown_csv_is_not_found(client, login_as, network):
    login_as("staff")
    assert client.get("/dashboard/?csv=ratings").status_code == 404


# ---- small groups --------------------------------------------------------------------------

@pytest.mark.parametrize("page,table", PAGE_TABLES)
def test_a_group_under_three_ratings_shows_no_mean_anywhere(client, login_as, network, page,
                                                            table):
    """dcpo in 2025 Q3 (scores 3, 4) and plus in 2026 Q1 (7, 8): their means 3.5 and 7.5
    and their counts must not reach a table, a CSV or a figure."""
    login_as("staff")
    url = urls(network)[page]
    if page in ("office", "block", "department"):
        url = {"office": f"/dashboard/offices/{network.offices['dcpo'].id}",
               "block": f"/dashboard/blocks/{network.offices['plus'].place_id}",
               "department": f"/dashboard/departments/"
                             f"{network.offices['dcpo'].department_type_id}"}[page]
    html = get_html(client, url)
    rows = download(client, url, table)
    hidden = {("DCPO-N24P", "2025 Q3"), ("BWO-BAGDAH", "2026 Q1")}
    for row in rows:
        assert "3.5" not in row and "7.5" not in row, row
        if len(row) > 2 and (row[0], row[2]) in hidden:  # heatmap: code, name, cycle, ...
            assert row[3] == row[4] == "" and "fewer than 3" in row[5]
    for figure in figures_of(html).values():
        for trace in figure["data"]:
            values = list(trace.get("y", [])) + [v for row in trace.get("z", []) for v in row]
            assert not {3.5, 7.5} & set(values), trace.get("name")


def test_small_groups_are_marked_not_for_sharing_with_their_reason(client, login_as, network):
    login_as("staff")
    rows = {r[0]: r for r in download(client, "/dashboard/", "offices")}
    header = rows.pop("office code")
    sharing = header.index("sharing")
    assert rows["BDO-GAIGHATA"][sharing] == ""  # 12 leaders
    assert rows["BDO-BAGDAH"][sharing] == "not for sharing: spread and shares need 10 leaders"
    assert rows["DCPO-N24P"][sharing] == "not for sharing: fewer than 5 leaders rated it"
    assert rows["WDO-GAIGHATA"][sharing] == ("not for sharing: every rating is the same, so "
                                             "it would tell each leader's score")
    assert "BWO-BAGDAH" not in rows


# ---- filters -------------------------------------------------------------------------------

def _collective(network, code):
    return network.collectives[code].id


@pytest.mark.parametrize("query,members,collective", [
    ("block={gaighata}", ["gaighata", "formula"], None),
    ("block={bagdah}", ["bagdah", "plus"], None),
    ("department={dcpo}", ["dcpo", "formula"], None),
    ("district={district}", list(OFFICES), None),
    ("collective={BJ}", list(OFFICES), "BJ"),
    ("collective={UT}", list(OFFICES), "UT"),
    ("block={gaighata}&collective={UT}", ["gaighata", "formula"], "UT"),
])
def test_filters_in_the_url_change_the_figures(client, login_as, network, directory, query,
                                               members, collective):
    login_as("staff")
    ids = {key: directory[key].id for key in ("gaighata", "bagdah", "dcpo", "district")}
    ids.update({code: c.id for code, c in network.collectives.items()})
    rows = {r["office code"]: r for r in as_dicts(page_table(
        get_html(client, "/dashboard/heatmap?" + query.format(**ids)),
        "Mean score by office and cycle (grey: not shown)"))}
    seen = {code for code, _ in [(r["office code"], None) for r in rows.values()]}
    expected_offices = {OFFICES[k][0] for k in members
                        if any(network.scores(k, c, collective) for c in range(len(CYCLES)))}
    assert seen == expected_offices
    cells = {(r["office code"], r["cycle"]): r for r in as_dicts(page_table(
        get_html(client, "/dashboard/heatmap?" + query.format(**ids)),
        "Mean score by office and cycle (grey: not shown)"))}
    for key in members:
        for c, (name, _, _) in enumerate(CYCLES):
            scores = network.scores(key, c, collective)
            cell = cells.get((OFFICES[key][0], name))
            if cell is None:
                continue
            assert cell["note"] == expected_note(scores)
            if len(scores) >= 3:
                assert close(cell["mean"], np.mean(scores))


@pytest.mark.parametrize("first,last", [(1, 3), (0, 0), (2, 4), (3, None), (None, 1)])
def test_a_cycle_range_limits_every_view(client, login_as, network, first, last):
    login_as("staff")
    args = []
    if first is not None:
        args.append(f"cycle_from={network.cycles[first].id}")
    if last is not None:
        args.append(f"cycle_to={network.cycles[last].id}")
    query = "&".join(args)
    wanted = [name for name, _, _ in CYCLES][first or 0:(LATEST if last is None else last) + 1]
    heatmap = figures_of(get_html(client, f"/dashboard/heatmap?{query}"))["heatmap"]
    assert heatmap["data"][0]["x"] == wanted
    office = network.offices["gaighata"]
    html = get_html(client, f"/dashboard/offices/{office.id}?{query}")
    rows = as_dicts(page_table(html, "Mean score by cycle"))
    assert [r["cycle"] for r in rows] == wanted
    first_index = first or 0
    for offset, row in enumerate(rows):
        check_mean_row(row, SCORES["gaighata"][first_index + offset])


@pytest.mark.parametrize("cycle", [0, 2, 4])
def test_the_overview_shows_the_cycle_asked_for(client, login_as, network, cycle):
    login_as("staff")
    html = get_html(client, f"/dashboard/?cycle={network.cycles[cycle].id}")
    assert f"Network overview: {CYCLES[cycle][0]}" in html
    rows = {r["office code"]: r for r in as_dicts(page_table(html, "Offices ranked"))}
    shown = [k for k in OFFICES if len(SCORES[k][cycle]) >= 3]
    assert set(rows) == {OFFICES[k][0] for k in shown}
    for key in shown:
        check_mean_row(rows[OFFICES[key][0]], SCORES[key][cycle])


def test_the_overview_counts_who_takes_part_in_the_open_cycle(client, login_as, network):
    login_as("staff")
    rows = {r[0]: r[1:] for r in download(client, "/dashboard/", "participation")}
    # leaders 0-2 rated: all in BJ; leaders 0 and 2 live in Bagdah, leader 1 in Gaighata.
    # While the cycle is open these are bands of 10: an exact count that moves with each
    # rating tells whoever watches it who has just rated.
    assert rows["Bijoyini"] == ["6", "0-9", "0-9"]
    assert rows["Utthan"] == ["6", "0-9", "0-9"]
    assert rows["Bagdah"] == ["6", "0-9", ""]
    assert rows["Gaighata"] == ["6", "0-9", ""]
    # and the open cycle's ratings (all 1s) never reach the charts
    html = get_html(client, "/dashboard/heatmap")
    assert "2026 Q2" not in figures_of(html)["heatmap"]["data"][0]["x"]


# ---- quotes and languages ------------------------------------------------------------------

def test_only_consented_quotes_appear_without_names_or_numbers(client, login_as, network,
                                                               make_rating, make_user):
    office = network.offices["bagdah"]
    cycle = network.cycles[LATEST]
    speakers = [make_user("leader", login=f"BJ-{800 + i}") for i in range(3)]
    make_rating(cycle, office, speakers[0], score=2, quote_consent=True,
                comment="Tapas Ghosh shouted; Rina Das saw it. Call me on 98300 12345.")
    make_rating(cycle, office, speakers[1], score=3, quote_consent=False,
                comment="They asked me for money, keep this private")
    make_rating(cycle, office, speakers[2], score=3, quote_consent=True,
                comment="Mr Sen told BJ-001 to come back on ৯৮৩০০ ১২৩৪৫ tomorrow")
    login_as("staff")
    html = get_html(client, f"/dashboard/offices/{office.id}")
    quotes = re.findall(r"<blockquote><p>(.*?)</p>", html)
    assert quotes == [
        "[name removed] shouted; [name removed] saw it. Call me on [number removed].",
        "[name removed] told [name removed] to come back on [number removed] tomorrow"]
    assert "private" not in html


def test_a_bengali_page_writes_its_tables_in_bengali_digits(client, login_as, network):
    login_as("staff", language="bn")
    office = network.offices["gaighata"]
    html = get_html(client, f"/dashboard/offices/{office.id}")
    assert 'lang="bn"' in html
    body = [cell for table in page_tables(html) for row in table["rows"] for cell in row]
    assert body and not any(re.search(r"[0-9]", cell) for cell in body
                            if not re.search(r"[A-Za-z]", cell)), body
    first = np.mean(SCORES["gaighata"][0])
    assert f"{first:.2f}".rstrip("0").translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")) \
        in body
    # the CSV keeps ASCII digits, for spreadsheets
    rows = download(client, f"/dashboard/offices/{office.id}", "cycles")
    assert rows[1][1] == "12"


# ---- how the views read the database -------------------------------------------------------

READS_RATINGS = re.compile(r"\b(FROM|JOIN) ratings\b")


@pytest.mark.parametrize("page", ["/dashboard/", "/dashboard/heatmap",
                                  "/dashboard/blocks/{block}", "/dashboard/departments/{bdo}",
                                  "/dashboard/?collective={collective}&block={block}"])
def test_the_charts_read_the_counts_never_the_ratings(app, client, login_as, network,
                                                      directory, page):
    """Charts cost what offices and cycles cost: a chart page reads the counts the database
    keeps beside the ratings (one GROUP BY over office x cycle, collectives added; under the
    collective filter also each collective's part of a cell), and reads rating rows for one
    statistic only: (rater, office, cycle, score) bounded to the headline window's cycles
    (the leader-adjusted comparison needs to know who rated what:
    rating.histograms.rater_scores); a small bounded number of other statements."""
    login_as("staff")
    url = page.format(block=directory["gaighata"].id, bdo=directory["bdo"].id,
                      collective=network.collectives["BJ"].id)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        get_html(client, url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    histogram = [s for s in statements if "FROM rating_counts" in s]
    assert 1 <= len(histogram) <= (2 if "collective" in page else 1), histogram
    reads = [s for s in statements if READS_RATINGS.search(s)]
    window = app.config["STATISTICS_RULES"].comparison.window_cycles
    assert len(reads) <= 1, reads
    for read in reads:
        assert read.startswith("SELECT ratings.rater_key, ratings.office_id, "
                               "ratings.cycle_id, ratings.score FROM ratings"), read
        cycles = re.search(r"ratings\.cycle_id IN \((.*?)\)", read)
        assert cycles and 1 <= len(cycles.group(1).split(", ")) <= window, read
    # the collective filter adds the collective parts and the comparison window's read; two
    # reads of the closed cycles' revisions ask whether the counts and the comparison are kept
    assert len(statements) <= (26 if "collective" in page else 22), "\n".join(statements)

    # Asked again with nothing changed, the comparison is kept: no rating row is read.
    statements.clear()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        get_html(client, url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [s for s in statements if READS_RATINGS.search(s)], statements


# ---- colours a colour-blind reader can tell apart ----------------------------------------------

def test_charts_use_colour_blind_safe_colours_that_do_not_repeat(client, login_as, network):
    from rating.dashboard.figures import QUALITATIVE, SCORE_COLOURS, line_style

    login_as("staff")
    heatmap = figures_of(get_html(client, "/dashboard/heatmap"))["heatmap"]
    assert heatmap["data"][0]["colorscale"] == "Viridis"
    assert heatmap["layout"]["xaxis2"]["side"] == "top"  # the cycles above the rows as well
    assert SCORE_COLOURS[0] == "#440154" and SCORE_COLOURS[-1] == "#fde725"  # viridis ends
    styles = [(line_style(i)["color"], line_style(i)["dash"]) for i in range(42)]
    assert len(set(styles)) == 42 and {colour for colour, _ in styles} == set(QUALITATIVE)
    department = network.offices["gaighata"].department_type_id
    lines = figures_of(get_html(client, f"/dashboard/departments/{department}"))["lines"]
    drawn = [(t["line"]["color"], t["line"]["dash"]) for t in lines["data"]]
    assert len(drawn) >= 2 and len(set(drawn)) == len(drawn)


def test_every_colour_of_the_ranking_is_in_its_legend(client, login_as, network):
    login_as("staff")
    ranking = figures_of(get_html(client, "/dashboard/"))["ranking"]
    coloured = [t for t in ranking["data"] if t.get("error_x")]
    colours = [t["marker"]["color"] for t in coloured]
    assert len(set(colours)) == len(colours)  # one trace, one legend entry, per colour
    assert all(isinstance(c, str) for c in colours) and all(t["name"] for t in coloured)
    # split into traces, the rows keep the ranking's order: the shrunk means' order
    shown = sorted(name for t in coloured for name in t["y"])
    order = ranking["layout"]["yaxis"]["categoryarray"]
    assert sorted(order) == shown
    shrunk = next(t for t in ranking["data"] if t.get("xaxis") == "x2")
    assert shrunk["y"] == order
