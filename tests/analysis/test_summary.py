"""Cell summaries against scipy on the raw scores and a hand-worked example."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import (
    BOOTSTRAP_SEED,
    ScoreHistogram,
    bca_interval,
    summarize,
    summarize_counts,
    wilson_interval,
)

CASES = [
    [6, 7, 8, 9, 10],
    [1, 1, 2, 1, 3, 1, 1],
    [10, 10, 9, 10, 10, 9, 10, 8],
    [1, 10, 1, 10, 1, 10, 5],
    [3, 4, 5, 6, 7, 8, 5, 5, 6, 7, 2, 9, 4, 5, 6, 7, 8, 5, 5],
    [4, 7],
]


@pytest.mark.parametrize("scores", CASES)
def test_figures_equal_scipy_on_the_raw_scores(scores):
    raw = np.array(scores, dtype=float)
    summary = summarize(ScoreHistogram.from_scores(scores))
    assert summary.n == len(raw)
    assert summary.mean == pytest.approx(raw.mean(), rel=1e-12)
    assert summary.sd == pytest.approx(raw.std(ddof=1), rel=1e-12)
    assert summary.median == np.median(raw)
    expected = stats.t.interval(0.95, len(raw) - 1, loc=raw.mean(), scale=stats.sem(raw))
    assert summary.ci95 == pytest.approx(expected, rel=1e-12)
    sevens = int(np.sum(raw >= 7))
    assert summary.share_7plus == pytest.approx(sevens / len(raw))
    wilson = stats.binomtest(sevens, len(raw)).proportion_ci(method="wilson")
    assert summary.share_7plus_ci95 == pytest.approx((wilson.low, wilson.high), abs=1e-12)


def test_hand_worked_example():
    # 6..10: mean 8, s^2 = (4+1+0+1+4)/4 = 2.5, t(0.975, 4) = 2.776445, s/sqrt(5) = 0.707107
    summary = summarize(ScoreHistogram.from_scores([6, 7, 8, 9, 10]))
    assert summary.mean == 8.0
    assert summary.sd**2 == pytest.approx(2.5)
    assert summary.ci95 == pytest.approx((8 - 2.776445 * 0.707107, 8 + 2.776445 * 0.707107))
    assert summary.share_7plus == 0.8
    assert summary.flags == ("small_n",)


def test_interval_is_shown_clipped_but_computed_unclipped():
    summary = summarize(ScoreHistogram.from_scores([10, 10, 10, 9, 10]))
    assert summary.ci95[1] > 10
    assert summary.ci95_shown == (summary.ci95[0], 10.0)


@pytest.mark.parametrize(
    ("scores", "flags"),
    [
        ([7, 7, 7, 7], ("small_n", "all_same")),
        ([1, 1, 2, 9, 5], ("small_n", "mostly_floor")),
        ([1, 1, 9, 9, 5], ("small_n",)),
        ([9, 10, 10, 3, 5] * 2, ("mostly_ceiling",)),
        ([5], ("small_n", "all_same")),
    ],
)
def test_flags(scores, flags):
    assert summarize(ScoreHistogram.from_scores(scores)).flags == flags


def test_all_the_same_has_no_interval_never_a_zero_width_one():
    summary = summarize(ScoreHistogram.from_scores([4] * 12), bootstrap=True)
    assert summary.ci95 is None
    assert summary.sd == 0.0
    assert summary.bca95 is None
    assert "all_same" in summary.flags
    assert summary.to_dict()["ci95"] is None


def test_single_rating_has_no_sd():
    summary = summarize(ScoreHistogram.from_scores([3]))
    assert summary.sd is None and summary.ci95 is None


def test_bootstrap_only_on_demand_and_from_15():
    hist = ScoreHistogram.from_scores(CASES[4])
    assert summarize(hist).bca95 is None
    assert summarize(hist, bootstrap=True).bca95 == bca_interval(hist)
    small = summarize(ScoreHistogram.from_scores(CASES[0]), bootstrap=True)
    assert small.bca95 is None and "no_bootstrap_below_15" in small.flags


@pytest.mark.parametrize("scores", [CASES[4], [1, 1, 1, 2, 2, 3, 1, 1, 10, 9, 1, 1, 2, 1, 1, 4]])
def test_bca_is_close_to_scipys_bca_on_the_raw_scores(scores):
    # Different random draws, so agreement to Monte Carlo error (about 0.05 points here).
    ours = bca_interval(ScoreHistogram.from_scores(scores))
    theirs = stats.bootstrap(
        (np.array(scores, dtype=float),),
        np.mean,
        method="BCa",
        n_resamples=9999,
        rng=np.random.default_rng(1),
    ).confidence_interval
    assert ours == pytest.approx((theirs.low, theirs.high), abs=0.1)


def test_bca_is_reproducible_with_its_documented_seed():
    hist = ScoreHistogram.from_scores(CASES[4])
    assert bca_interval(hist) == bca_interval(hist, seed=BOOTSTRAP_SEED)
    assert bca_interval(hist) != bca_interval(hist, seed=BOOTSTRAP_SEED + 1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(1, 10), min_size=1, max_size=25), min_size=1, max_size=6))
def test_vectorised_summaries_equal_one_at_a_time(groups):
    hists = [ScoreHistogram.from_scores(g) for g in groups]
    many = summarize_counts([h.counts for h in hists])
    assert many == [summarize(h) for h in hists]


@pytest.mark.parametrize(("successes", "n"), [(0, 3), (3, 3), (1, 7), (15, 30), (29, 30)])
def test_wilson_equals_scipy(successes, n):
    expected = stats.binomtest(successes, n).proportion_ci(method="wilson")
    assert wilson_interval(successes, n) == pytest.approx((expected.low, expected.high), abs=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: summarize(ScoreHistogram.empty()), "no ratings"),
        (lambda: summarize([1, 2, 3]), "ScoreHistogram"),
        (lambda: summarize_counts([[0] * 10]), "at least one rating"),
        (lambda: summarize_counts([[1] * 9]), "shape"),
        (lambda: wilson_interval(4, 3), "successes <= n"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
