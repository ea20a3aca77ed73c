"""Before and after a letter: the triggering cycles left out, against comparable offices."""

import json

import numpy as np
import pytest
from scipy import stats

from analysis import (
    ChangeVerdict,
    NetworkCounts,
    PublicationRules,
    Withheld,
    letter_check,
    letter_effect,
    network_slopes,
    publish_letter_effect,
    staff_letter_figures,
    trigger_cycles,
)
from analysis._moments import mean_and_variance


def _weighted(n, mean, positions, sigma2, tau2):
    w = np.array([1 / (sigma2 / n[p] + tau2) for p in positions])
    return np.dot(w, [mean[p] for p in positions]) / w.sum(), 1 / w.sum()


def test_figures_by_hand():
    n = np.array([10, 8, 12, 9, 11, 10, 7], float)
    mean = np.array([6.0, 6.4, 4.1, 6.2, 6.8, 6.5, 6.9])
    comparators_n = np.array([[9, 9, 9, 9, 9, 9, 9], [12, 0, 10, 11, 10, 9, 8]], float)
    comparators_mean = np.array([[5, 5.2, 5.1, 5.3, 5.6, 5.4, 5.5], [6, 0, 6.1, 6.0, 6.4, 6.2,
                                                                       6.3]])
    result = letter_check(n, mean, 3.5, [2, 3], sigma2=4.0, tau2=0.05,
                          comparators_n=comparators_n, comparators_mean=comparators_mean)
    assert result.before_positions == (0, 1) and result.left_out == (2, 3)
    assert result.after_positions == (4, 5, 6)
    before, before_var = _weighted(n, mean, (0, 1), 4.0, 0.05)
    after, after_var = _weighted(n, mean, (4, 5, 6), 4.0, 0.05)
    changes, variances = [], []
    for cn, cm in zip(comparators_n, comparators_mean, strict=True):
        rated_before = [p for p in (0, 1) if cn[p] > 0]
        b, bv = _weighted(cn, cm, rated_before, 4.0, 0.05)
        a, av = _weighted(cn, cm, (4, 5, 6), 4.0, 0.05)
        changes.append(a - b)
        variances.append(av + bv)
    diff = (after - before) - np.mean(changes)
    half = 1.959963984540054 * np.sqrt(after_var + before_var + sum(variances) / 4)
    assert result.change == pytest.approx(after - before)
    assert result.diff == pytest.approx(diff)
    assert result.diff_ci95 == pytest.approx((diff - half, diff + half))
    assert result.comparators == 2


def test_regression_to_the_mean_is_not_credited_to_the_letter():
    """Offices written to because their last cycles were low, nothing changed: the old
    before/after calls them "higher after" far more often than 1 in 40; this check does not."""
    rng = np.random.default_rng(21)
    old, new = [], []
    for _ in range(150):
        n = rng.integers(5, 16, (150, 9)).astype(float)
        mean = 6 + rng.normal(0, 0.3, (150, 1)) + rng.normal(0, np.sqrt(4 / n + 0.04))
        written = np.argsort(mean[:, 3:6].mean(axis=1))[:8]  # the lowest over cycles 3-5
        others = np.setdiff1d(np.arange(150), written)
        for o in written:
            result = letter_check(n[o], mean[o], 5.5, [3, 4, 5], sigma2=4.0, tau2=0.04,
                                  comparators_n=n[others], comparators_mean=mean[others])
            new.append(result.verdict == ChangeVerdict.HIGHER_AFTER)
            before = np.concatenate([_scores(rng, n[o, c], mean[o, c]) for c in (3, 4, 5)])
            after = np.concatenate([_scores(rng, n[o, c], mean[o, c]) for c in (6, 7, 8)])
            welch = stats.ttest_ind(after, before, equal_var=False).confidence_interval()
            old.append(welch.low > 0)  # the old method: the 3 cycles on each side, pooled
    assert np.mean(new) <= 0.05
    assert np.mean(old) > 2 * np.mean(new)


def _scores(rng, n, mean):
    """n ratings around a mean (for the old, rating-level before/after)."""
    return np.clip(np.rint(rng.normal(mean, 2, int(n))), 1, 10)


def test_not_enough_data_without_cycles_before_the_trigger():
    result = letter_check([10, 10, 10, 10], [5, 4, 6, 6], 1.5, [0, 1], sigma2=4.0)
    assert result.verdict == ChangeVerdict.NOT_ENOUGH_DATA(min_per_side=5)
    assert result.before_positions == ()


# -- one office of a network, as the service counts it ----------------------------------------


def _network(rng, offices=60, cycles=9, low_office=None):
    """Ratings 1-10 of ``offices`` offices over ``cycles`` cycles, nothing changing; rows
    in office order, 4-12 ratings a cell, each a distinct leader."""
    rows = []
    for o in range(offices):
        level = rng.normal(6, 0.4)
        for c in range(cycles):
            k = int(rng.integers(4, 13))
            scores = np.clip(np.rint(rng.normal(level + rng.normal(0, 0.2), 2, k)), 1, 10)
            for score, count in zip(*np.unique(scores.astype(int), return_counts=True),
                                    strict=True):
                rows.append((f"O{o:02d}", f"C{c}", int(score), int(count)))
    return NetworkCounts.from_rows(rows, cycle_order=[f"C{c}" for c in range(cycles)])


def test_letter_effect_is_letter_check_on_the_networks_variances():
    net = _network(np.random.default_rng(3))
    n, mean, var = mean_and_variance(net.counts)
    slopes = network_slopes(n.astype(float), mean, var)
    peers = [f"O{o:02d}" for o in range(1, 20)]
    effect = letter_effect(net, "O00", 5.5, peers=peers, peer_actions={"O01": [7.2]})
    # O01 had an action inside the cycles compared (0..2 and 6..8): no comparator
    rows = [net.offices.index(p) for p in peers if p != "O01"]
    reference = letter_check(n[0], mean[0], 5.5, [3, 4, 5], sigma2=slopes.sigma2,
                             tau2=slopes.tau2, comparators_n=n[rows], comparators_mean=mean[rows])
    assert effect.check == reference and effect.check.comparators == 18
    assert effect.before.counts == tuple(net.counts[0, :3].sum(axis=0))
    assert effect.after.counts == tuple(net.counts[0, 6:].sum(axis=0))
    assert effect.before.raters == int(net.counts[0, :3].sum(axis=1).max())
    # an action of a peer outside the cycles compared leaves it a comparator
    later = letter_effect(net, "O00", 5.5, peers=peers, peer_actions={"O01": [9.5]})
    assert later.check.comparators == 19


def test_an_office_without_ratings_has_not_enough_data():
    net = _network(np.random.default_rng(4), offices=3)
    effect = letter_effect(net, "elsewhere", 5.5, peers=net.offices)
    assert effect.verdict == ChangeVerdict.NOT_ENOUGH_DATA(min_per_side=5)
    assert effect.before.n == effect.after.n == 0


@pytest.mark.parametrize(("action_at", "window", "expected"), [
    (5.5, 3, (3, 4, 5)), (5.25, 3, (2, 3, 4)), (5.75, 1, (5,)), (1.5, 3, (0, 1)), (0.25, 3, ()),
])
def test_trigger_cycles_are_the_window_before_the_action(action_at, window, expected):
    assert trigger_cycles(action_at, window) == expected


def test_offices_written_to_after_a_low_spell_are_not_higher_after_by_chance():
    """Nothing changes anywhere; each network's 5 offices with the lowest cycles 3-5 get a
    letter after cycle 5 and are checked against the others (their peers): "higher after" in
    at most 5% of them (the promise is 2.5%; 200 networks x 5 offices, seeded)."""
    rng = np.random.default_rng(20261201)
    higher = []
    for _ in range(200):
        net = _network(rng, offices=40)
        n, mean, _ = mean_and_variance(net.counts)
        lowest = np.argsort(np.nanmean(mean[:, 3:6], axis=1))[:5]
        written = {net.offices[o] for o in lowest}
        others = [o for o in net.offices if o not in written]
        for office in written:
            effect = letter_effect(net, office, 5.5, peers=others)
            higher.append(effect.verdict == ChangeVerdict.HIGHER_AFTER)
    assert len(higher) == 1000
    assert np.mean(higher) <= 0.05


def _net(cells):
    """{(office, cycle): scores} -> NetworkCounts, cycles C0..C7 in order."""
    rows = [(office, f"C{cycle}", score, scores.count(score))
            for (office, cycle), scores in cells.items() for score in set(scores)]
    return NetworkCounts.from_rows(rows, cycle_order=[f"C{c}" for c in range(8)])


SPREAD = [3, 4, 5, 6, 7, 5, 6]


def _two_offices(before, after):
    """Office A: ``before`` in cycle 0, the trigger cycles 1-3, ``after`` in cycle 5; office B
    every cycle. A letter to A between cycles 3 and 4."""
    cells = {("A", 0): before, ("A", 1): SPREAD, ("A", 2): SPREAD, ("A", 3): SPREAD,
             ("A", 5): after}
    cells.update({("B", c): [4, 5, 6, 7, 6, 5, 8, 3] for c in range(8)})
    return letter_effect(_net(cells), "A", 3.5, peers=["B"])


def test_published_figures_are_rounded_and_banded():
    effect = _two_offices([3, 4, 5, 4, 3, 4, 4, 5, 3, 4, 2, 3], [6, 7, 6, 8, 7, 6, 5])
    published = publish_letter_effect(effect)
    check = effect.check
    assert published == {
        "verdict": check.verdict, "before_cycles": 1, "after_cycles": 1, "left_out_cycles": 3,
        "before_band": "10-19", "after_band": "5-9",
        "before_mean": round(check.before_mean, 1), "after_mean": round(check.after_mean, 1),
        "change": round(check.change, 1), "comparators": 1,
        "comparator_change": round(check.comparator_change, 1), "diff": round(check.diff, 1),
        "ci95": [round(check.diff_ci95[0], 1), round(check.diff_ci95[1], 1)],
        "withheld": None}
    assert check.before_mean == pytest.approx(np.mean([3, 4, 5, 4, 3, 4, 4, 5, 3, 4, 2, 3]))
    assert check.verdict == ChangeVerdict.HIGHER_AFTER
    json.dumps({k: v for k, v in published.items()})
    finer = publish_letter_effect(effect, PublicationRules(
        mean_decimals=2, count_bands=((5, 14), (15, None))))
    assert finer["before_band"] == "5-14" and finer["diff"] == round(check.diff, 2)
    staff = staff_letter_figures(effect)
    assert staff["before_n"] == 12 and staff["after_n"] == 7 and staff["diff"] == check.diff


def _withheld_figures_none(published):
    keys = ("before_band", "after_band", "before_mean", "after_mean", "change",
            "comparator_change", "diff", "ci95")
    return all(published[key] is None for key in keys)


@pytest.mark.parametrize(("before", "after", "withheld"), [
    ([4] * 12, [6] * 10, {"before": Withheld.ALL_SAME, "after": Withheld.ALL_SAME}),
    ([3, 4, 5, 4, 3, 4], [6, 8, 6, 9, 5, 7, 8], {"before": Withheld.PINS_SCORES}),
    ([2, 4, 6, 4, 3, 5, 4], [8, 9, 7, 9], {"after": Withheld.FEW_RATERS}),
    ([5] * 8, [6, 8, 6, 9, 5], {"before": Withheld.ALL_SAME}),
])
def test_sides_the_publication_rule_withholds_publish_nothing(before, after, withheld):
    published = publish_letter_effect(_two_offices(before, after))
    assert published["withheld"] == withheld
    assert published["verdict"] == ChangeVerdict.NOT_ENOUGH_DATA(min_per_side=5)
    assert _withheld_figures_none(published)


def test_pooling_cycles_does_not_turn_few_leaders_into_many():
    """3 ratings in each of 3 cycles could be the same 3 leaders each time."""
    cells = {("A", 0): [5, 6, 7], ("A", 1): [4, 6, 7], ("A", 2): [5, 5, 7], ("A", 3): SPREAD,
             ("A", 5): [2, 4, 6, 4, 3, 5, 4, 6]}
    cells.update({("B", c): [4, 5, 6, 7, 6, 5, 8, 3] for c in range(8)})
    effect = letter_effect(_net(cells), "A", 3.5, peers=["B"], window_cycles=1)
    assert effect.before.n == 9 and effect.before.raters == 3
    assert publish_letter_effect(effect)["withheld"] == {
        "before": Withheld.FEW_RATERS(min_raters=5)}


def test_stricter_rules_withhold_more():
    effect = _two_offices([3, 8, 5, 6, 9, 2, 7], [6, 8, 5, 9, 7, 10, 4])
    assert publish_letter_effect(effect)["withheld"] is None
    strict = PublicationRules(min_raters_mean=8, min_raters_distribution=10)
    withheld = publish_letter_effect(effect, strict)
    assert withheld["withheld"] == {"before": Withheld.FEW_RATERS(min_raters=8),
                                    "after": Withheld.FEW_RATERS(min_raters=8)}
    assert withheld["verdict"] == ChangeVerdict.NOT_ENOUGH_DATA(min_per_side=8)
