"""One rater counts once; cycle order is never guessed."""

import pytest

from analysis import one_rating_per_rater, order_cycle_labels


def test_one_rater_counts_once_per_cell_latest_wins():
    rows = [("L1", "BDO", "1", 2)] * 20 + [("L1", "BDO", "1", 9), ("L1", "BDO", "2", 4)]
    rows += [(f"L{r}", "BDO", "1", 7) for r in range(2, 6)]
    kept = one_rating_per_rater(rows)
    assert kept.dropped == 20
    assert sorted(kept.ratings)[:2] == [("L1", "BDO", "1", 9), ("L1", "BDO", "2", 4)]
    assert len(kept.ratings) == 6
    assert kept.repeated_cells == (("BDO", "1", "L1"),)


@pytest.mark.parametrize("labels, expected", [
    (["2024-10", "2024-2", "2024-1"], ["2024-1", "2024-2", "2024-10"]),
    (["10", "9", "2"], ["2", "9", "10"]),
    (["2024-03-01", "2023-12-15"], ["2023-12-15", "2024-03-01"]),
    (["2024/2", "2023/11"], ["2023/11", "2024/2"]),
])
def test_orderable_labels(labels, expected):
    assert order_cycle_labels(labels) == expected


@pytest.mark.parametrize("labels, named", [
    (["spring", "2024-2"], "spring"),
    (["2024", "2024-2"], "2024, 2024-2"),
    (["2024-2", "2024-02"], "2024-2 and 2024-02"),
    (["Q1 2024", "Q2 2024"], "Q1 2024, Q2 2024"),
])
def test_ambiguous_labels_are_refused_by_name(labels, named):
    with pytest.raises(ValueError, match=named):
        order_cycle_labels(labels)


def test_starts_order_and_must_be_distinct():
    assert order_cycle_labels(["b", "a"], {"a": "2024-01-01", "b": "2024-06-01"}) == ["a", "b"]
    with pytest.raises(ValueError, match="a and b"):
        order_cycle_labels(["a", "b"], {"a": "2024-01-01", "b": "2024-01-01"})
    with pytest.raises(ValueError, match="have no cycle_start"):
        order_cycle_labels(["a", "b"], {"a": "2024-01-01"})
