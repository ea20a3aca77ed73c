"""The one-pass network analysis gives the same figures as the single-item functions."""

import numpy as np
import pytest

from analysis import (
    NetworkCounts,
    ScoreHistogram,
    analyse_network,
    compare_offices,
    office_trend,
    order_cycles,
    summarize,
)


@pytest.fixture
def cells():
    rng = np.random.default_rng(7)
    result = {}
    for o, office in enumerate(["BDO Gaighata", "WDO Habra", "DSWO", "AHTU Barasat"]):
        for c in range(6):
            if (o, c) == (2, 3):
                continue  # an office that missed a cycle
            n = int(rng.integers(2, 14))
            p = np.ones(10) / 10 if o != 3 else np.array([6, 3, 1, 1, 1, 1, 1, 1, 1, 1]) / 17
            counts = rng.multinomial(n, p).tolist()
            result[office, f"2024-{c + 1}"] = ScoreHistogram(tuple(counts), raters=n)
    return result


def test_network_equals_item_by_item(cells):
    network = NetworkCounts.from_histograms(cells)
    result = analyse_network(network)
    assert len(result.cells) == len(cells)
    for cell in result.cells:
        assert cell == summarize(cells[cell.office, cell.cycle], cell.office, cell.cycle)
    cycles = network.cycles
    for trend in result.trends:
        by_position = {cycles.index(c): h for (o, c), h in cells.items() if o == trend.office}
        labels = {cycles.index(c): c for (o, c) in cells if o == trend.office}
        assert trend == office_trend(by_position, trend.office, labels)
    for cycle in cycles:
        expected = compare_offices({o: h for (o, c), h in cells.items() if c == cycle}, cycle)
        got = tuple(c for c in result.comparisons if c.cycle == cycle)
        assert sorted(got, key=lambda c: c.office) == sorted(expected, key=lambda c: c.office)


def test_from_rows_matches_from_histograms(cells):
    rows = [(o, c, s, k) for (o, c), h in cells.items() for s, k in enumerate(h.counts, 1) if k]
    from_rows = NetworkCounts.from_rows(rows, raters={key: h.raters for key, h in cells.items()})
    from_hists = NetworkCounts.from_histograms(cells)
    assert np.array_equal(from_rows.counts, from_hists.counts)
    assert from_rows.histogram("DSWO", "2024-2") == cells["DSWO", "2024-2"]


def test_missed_cycle_leaves_a_gap(cells):
    result = analyse_network(NetworkCounts.from_histograms(cells))
    dswo = next(t for t in result.trends if t.office == "DSWO")
    assert dswo.positions == (0, 1, 2, 4, 5)


@pytest.mark.parametrize(
    ("labels", "starts", "expected"),
    [
        (["10", "9", "2"], None, ["2", "9", "10"]),
        (["b", "a", "10"], None, ["10", "a", "b"]),
        (["x", "y"], {"x": "2024-06-01", "y": "2024-01-01"}, ["y", "x"]),
        ([3, 1, 2], None, [1, 2, 3]),
    ],
)
def test_cycle_order(labels, starts, expected):
    assert order_cycles(labels, starts) == expected


def test_bad_rows_are_refused():
    with pytest.raises(ValueError, match="row 2: score 11"):
        NetworkCounts.from_rows([("A", "1", 5, 1), ("A", "1", 11, 1)])
    with pytest.raises(ValueError, match="not in cycle_order"):
        NetworkCounts.from_rows([("A", "9", 5, 1)], cycle_order=["1"])
