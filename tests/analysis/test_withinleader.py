"""Leader-adjusted comparisons against a hand-written reference and the sign test."""

import numpy as np
import pytest

from analysis import ComparisonFlag, compare_with_leaders

RNG_SEED = 11


def _reference_diff(rows, office, peer_group=None):
    """Each rating of the office minus the same leader's mean of other offices that cycle."""
    deltas = []
    for rater, o, cycle, score in rows:
        if o != office:
            continue
        others = [s for r, o2, c, s in rows if r == rater and c == cycle and o2 != office
                  and (peer_group is None or peer_group[o2] == peer_group[office])]
        if others:
            deltas.append(score - np.mean(others))
    return np.mean(deltas)


def test_a_harsh_leaders_offices_are_not_made_to_look_worse():
    rng = np.random.default_rng(RNG_SEED)
    rows = []
    for cycle in (1, 2, 3):
        for leader in range(12):
            harsh = 3 if leader < 6 else 0  # the first six leaders rate 3 points lower
            visited = ("A", "B") if leader < 6 else ("B", "C")
            for office in visited:
                rows.append((f"L{leader}", office, cycle, int(rng.integers(5, 9)) - harsh))
    raw = {o: np.mean([s for _, o2, _, s in rows if o2 == o]) for o in "ABC"}
    assert raw["A"] < raw["C"] - 2  # the raw means blame office A for its leaders
    result = {c.office: c for c in compare_with_leaders(rows)}
    for office in "ABC":
        assert result[office].diff == pytest.approx(_reference_diff(rows, office), rel=1e-12)
        assert result[office].flag == ComparisonFlag.NO_CLEAR_DIFFERENCE
    assert abs(result["A"].diff) < 1


def test_two_offices_rated_by_every_leader_is_the_sign_test():
    """With two ratings per stratum van Elteren's z is (wins - losses)/sqrt(untied)."""
    pairs = [(7, 5), (6, 6), (8, 3), (4, 6), (9, 7), (6, 5), (7, 7), (8, 6), (5, 4)]
    rows = [(f"L{i}", office, 1, score) for i, pair in enumerate(pairs)
            for office, score in zip("AB", pair, strict=True)]
    a = next(c for c in compare_with_leaders(rows) if c.office == "A")
    wins = sum(x > y for x, y in pairs)
    losses = sum(x < y for x, y in pairs)
    assert a.z == pytest.approx((wins - losses) / (wins + losses) ** 0.5, rel=1e-12)


def test_peers_are_compared_only_with_offices_of_their_type():
    rows = []
    for leader in range(6):
        rows += [(f"L{leader}", "BDO-1", 1, 3), (f"L{leader}", "BDO-2", 1, 4 + leader % 2),
                 (f"L{leader}", "PS-1", 1, 9)]
    types = {"BDO-1": "BDO", "BDO-2": "BDO", "PS-1": "police"}
    network = {c.office: c for c in compare_with_leaders(rows)}
    peers = {c.office: c for c in compare_with_leaders(rows, peer_group=types)}
    assert network["BDO-1"].diff == pytest.approx(_reference_diff(rows, "BDO-1"))
    assert peers["BDO-1"].diff == pytest.approx(_reference_diff(rows, "BDO-1", types))
    assert peers["BDO-1"].diff == pytest.approx(-1.5)
    assert peers["BDO-1"].flag == ComparisonFlag.BELOW_PEERS(false_discovery_rate=0.05, peers=2)
    assert (peers["BDO-1"].rank_from_bottom, peers["BDO-1"].compared_in_group) == (1, 2)
    assert peers["PS-1"].flag == ComparisonFlag.NOT_COMPARED_NO_REST


def test_the_window_and_the_rater_threshold():
    rows = [(f"L{r}", o, c, 5 + (o == "A") + r % 2) for c in (1, 2, 3, 4) for r in range(4)
            for o in "AB"]
    result = compare_with_leaders(rows, cycles=[2, 3, 4])
    assert result[0].cycles == (2, 3, 4) and result[0].n == 12
    assert result[0].flag == ComparisonFlag.NOT_COMPARED_FEW_RATERS(min_raters=5)
    assert compare_with_leaders(rows, min_raters=4)[0].flag == \
        ComparisonFlag.ABOVE_LEADERS_OTHERS(false_discovery_rate=0.05, cycles=4)


@pytest.mark.parametrize("row, message", [
    (("L1", "A", 1, 11), "not a whole number 1..10"),
    (("L1", "A", 1, 4.5), "not a whole number 1..10"),
])
def test_bad_scores_are_refused(row, message):
    with pytest.raises(ValueError, match=message):
        compare_with_leaders([("L0", "A", 1, 5), row])
