"""The office page reads the network's variances in one aggregate query and only its own
office's and peers' histograms: its trend, monitor and letter figures must be those of the
full computation over every office's shown cells."""

import re
from datetime import UTC, date, datetime

import numpy as np
import pytest
from cachetools import LRUCache
from sqlalchemy import event, select

from analysis import assess_trends, letter_effect, network_slopes, summarize
from analysis._moments import mean_and_variance
from rating.cycles.models import Rating
from rating.dashboard.office import build_office_page
from rating.dashboard.shown import count_shown_scores, shown_variances
from rating.extensions import db
from rating.histograms import RatingFilter, cycles_in_range
from rating.rules import current_rules


@pytest.fixture
def generated(app, directory, make_office, make_cycle, make_user, make_rating):
    """8 offices of two department types, 6 closed cycles, 14 leaders in two collectives;
    each leader rates an office in a cycle with chance 0.6 (cells of 1-2 ratings, which the
    staff pages hide, and collective parts of 1-2 ratings among them)."""
    rng = np.random.default_rng(3)
    leaders = [make_user("leader", login=f"{'BJ' if i % 2 else 'UT'}-{i + 100}",
                         collective_code="BJ" if i % 2 else "UT", commit=False)
               for i in range(14)]
    offices = [make_office(code=f"OFF-{o}", place="gaighata" if o % 2 else "bagdah",
                           department="bdo" if o < 5 else "dcpo", commit=False)
               for o in range(8)]
    cycles = [make_cycle(name=f"C{c}", status="closed", starts_on=date(2024, 1 + 2 * c, 1),
                         ends_on=date(2024, 2 + 2 * c, 28), commit=False) for c in range(6)]
    db.session.flush()
    level = rng.normal(5.5, 1.2, len(offices))
    for o, office in enumerate(offices):
        for c, cycle in enumerate(cycles):
            shock = rng.normal(0, 0.8)
            raters = leaders if o != 2 or c != 1 else leaders[:2]  # a hidden cell
            for leader in raters:
                if rng.random() < 0.6:
                    score = int(np.clip(np.rint(level[o] - 0.2 * c * (o == 0) + shock
                                                + rng.normal(0, 2)), 1, 10))
                    make_rating(cycle, office, leader, score=score, commit=False)
    db.session.commit()
    return {"offices": offices, "collectives": sorted({u.collective_id for u in leaders})}


def _full(criteria):
    cycles = cycles_in_range(criteria)
    shown = count_shown_scores(criteria, cycles)
    return cycles, shown.network


@pytest.mark.parametrize("collective", [None, 0, 1])
def test_the_aggregate_query_gives_the_full_computations_variances(generated, collective):
    criteria = RatingFilter(collective_id=None if collective is None
                            else generated["collectives"][collective])
    cycles, network = _full(criteria)
    assert network.counts.sum() > 0
    n, mean, var = mean_and_variance(network.counts)
    full = network_slopes(n.astype(float), mean, var)
    got = shown_variances(criteria, cycles)
    assert full.tau2 > 0 or collective is not None
    assert got.sigma2 == pytest.approx(full.sigma2, rel=1e-12)
    assert got.tau2 == pytest.approx(full.tau2, rel=1e-9, abs=1e-15)
    assert got.df == full.df
    assert got.within_df == int(np.where(n > 1, n - 1, 0).sum())


@pytest.mark.parametrize("collective", [None, 0, 1])
def test_the_office_page_keeps_the_full_computations_figures(generated, collective):
    criteria = RatingFilter(collective_id=None if collective is None
                            else generated["collectives"][collective])
    cycles, network = _full(criteria)
    slopes, monitor = assess_trends(network, rules=current_rules())
    checked = letters = 0
    for office in generated["offices"]:
        page = build_office_page(office, criteria)
        if office.id not in network.offices:
            assert page.trend is None and page.monitor is None
            continue
        row = network.offices.index(office.id)
        expected = slopes.office_slope(row, office.id)
        assert page.trend.positions == expected.positions
        assert page.trend.verdict == expected.verdict
        for name in ("slope", "level", "centre"):
            assert getattr(page.trend, name) == pytest.approx(getattr(expected, name),
                                                              rel=1e-9)
        if expected.slope_ci95 is None:
            assert page.trend.slope_ci95 is None
        else:
            assert page.trend.slope_ci95 == pytest.approx(expected.slope_ci95, rel=1e-9)
            checked += 1
        assert page.monitor == monitor.verdicts[row]
        assert page.monitor.params == monitor.verdicts[row].params
        peers = tuple(other for other in network.offices if other != office.id and
                      db.session.get(type(office), other).department_type_id
                      == office.department_type_id)
        assert page.peers == peers
        for action_at in (1.5, 2.3, 3.5):
            cheap = letter_effect(page.network, office.id, action_at, peers=page.peers,
                                  variances=page.variances)
            whole = letter_effect(network, office.id, action_at, peers=peers)
            assert cheap.check.verdict == whole.check.verdict
            assert cheap.check.comparators == whole.check.comparators
            for name in ("diff", "change", "comparator_change", "diff_ci95"):
                value = getattr(whole.check, name)
                assert getattr(cheap.check, name) == (
                    None if value is None else pytest.approx(value, rel=1e-9))
            letters += whole.check.diff_ci95 is not None
    assert checked >= 5 and letters >= (5 if collective is None else 1)


# ---- the variances kept between pages -------------------------------------------------------

class Statements:
    """The SQL the engine runs while inside the block."""

    def __init__(self):
        self.seen = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(" ".join(statement.split()))

    def __enter__(self):
        self.seen.clear()
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)

    @property
    def aggregates(self) -> list[str]:
        """The variances' own query (a GROUP BY of the counts' cells)."""
        return [s for s in self.seen if "FROM rating_counts" in s and "GROUP BY" in s]


def _expected(criteria):
    cycles, network = _full(criteria)
    n, mean, var = mean_and_variance(network.counts)
    return network_slopes(n.astype(float), mean, var)


def _same(got, full):
    return (got.sigma2 == pytest.approx(full.sigma2, rel=1e-12)
            and got.tau2 == pytest.approx(full.tau2, rel=1e-9, abs=1e-15)
            and got.df == full.df)


def test_the_variances_are_kept_until_a_closed_cycles_ratings_change(generated, make_user,
                                                                     make_rating):
    criteria = RatingFilter()
    cycles = cycles_in_range(criteria)
    with Statements() as first:
        kept = shown_variances(criteria, cycles)
    assert len(first.aggregates) == 1 and _same(kept, _expected(criteria))
    with Statements() as again:
        assert shown_variances(criteria, cycles) is kept
    assert again.aggregates == [] and len(again.seen) == 1  # the key's one read
    # a write outside the app (the app refuses ratings for a closed cycle) adds ratings
    late = make_user("leader", login="BJ-900", collective_code="BJ")
    for office in generated["offices"][:3]:
        make_rating(cycles[2], office, late, score=10)
    with Statements() as changed:
        fresh = shown_variances(criteria, cycles)
    assert len(changed.aggregates) == 1
    assert _same(fresh, _expected(criteria)) and not _same(kept, _expected(criteria))


def test_a_reopened_cycle_is_counted_afresh_every_time(generated, make_user, make_rating):
    criteria = RatingFilter(closed_only=False)
    cycles = cycles_in_range(criteria)
    shown_variances(criteria, cycles)
    cycles[-1].status, cycles[-1].closed_at = "open", None
    db.session.commit()
    for _ in range(2):
        with Statements() as each:
            got = shown_variances(criteria, cycles)
        assert len(each.aggregates) == 1 and _same(got, _expected(criteria))
    # an edit in the open cycle changes no total, and still shows at once
    rating = db.session.scalars(select(Rating).where(Rating.cycle_id == cycles[-1].id)).first()
    rating.score = 11 - rating.score
    db.session.commit()
    assert _same(shown_variances(criteria, cycles), _expected(criteria))
    # closed again: a new closing time, a new key, then kept
    cycles[-1].status, cycles[-1].closed_at = "closed", datetime(2025, 1, 2, tzinfo=UTC)
    db.session.commit()
    with Statements() as closed:
        first = shown_variances(criteria, cycles)
        assert shown_variances(criteria, cycles) is first
    assert len(closed.aggregates) == 1 and _same(first, _expected(criteria))


def test_the_office_page_reads_its_peers_only_for_its_letters(generated, client, login_as):
    """Without a letter the page needs no peer's cells: its counts are its own office's."""
    login_as("staff")
    office = generated["offices"][1]
    with Statements() as page:
        assert client.get(f"/dashboard/offices/{office.id}").status_code == 200
    counts = [s for s in page.seen if "FROM rating_counts" in s]
    # one office's id, in SQLite's or PostgreSQL's parameter style
    assert any(re.search(r"rating_counts\.office_id IN \((\?|%\(\w+\)s(::INTEGER)?)\)", s)
               for s in counts), counts
    assert not [s for s in counts if "rating_counts.office_id IN (?, " in s], counts
    assert not [s for s in page.seen if "offices.department_type_id = ?" in s]


@pytest.mark.parametrize("collective", [None, 0])
def test_the_office_pages_cells_are_summarized_as_one_by_one(generated, collective):
    """The page summarizes its shown cells in one call (`summarize_counts`): the same
    summaries, flags and labels as `summarize` on each cell."""
    criteria = RatingFilter(collective_id=None if collective is None
                            else generated["collectives"][collective])
    compared = hidden = 0
    for office in generated["offices"]:
        for point in build_office_page(office, criteria).points:
            if point.summary is None:
                hidden += point.hidden_why is not None
                continue
            assert point.summary == summarize(point.histogram, office.id, point.cycle.id)
            assert point.summary.office == office.id and point.summary.cycle == point.cycle.id
            compared += 1
    assert compared >= 30 and hidden >= 1


def test_only_the_latest_variances_are_kept(generated, monkeypatch):
    from rating.dashboard import shown

    monkeypatch.setattr(shown, "_kept_variances", LRUCache(maxsize=2))
    cycles = cycles_in_range(RatingFilter())
    ranges = [cycles[:3], cycles[1:4], cycles[2:5]]
    for criteria_cycles in ranges:
        shown_variances(RatingFilter(), criteria_cycles)
    kept = shown._kept_variances
    assert len(kept) == 2
    assert [tuple(c for c, _made, _closed in key[0]) for key in kept] == [
        tuple(c.id for c in r) for r in ranges[1:]]
