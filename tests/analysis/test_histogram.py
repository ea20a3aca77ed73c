"""ScoreHistogram against numpy on the raw scores, and its constructors' validation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import ScoreHistogram

score_lists = st.lists(st.integers(min_value=1, max_value=10), min_size=1, max_size=60)


@given(score_lists)
def test_moments_equal_numpy_on_the_raw_scores(scores):
    hist = ScoreHistogram.from_scores(scores)
    raw = np.array(scores, dtype=float)
    assert hist.n == len(scores)
    assert hist.mean == pytest.approx(raw.mean(), rel=1e-12)
    assert hist.median == np.median(raw)
    if len(scores) >= 2:
        assert hist.variance == pytest.approx(raw.var(ddof=1), rel=1e-9, abs=1e-12)
        assert hist.sd == pytest.approx(raw.std(ddof=1), rel=1e-9, abs=1e-12)
    else:
        assert hist.variance is None
    assert hist.share_at_least(7) == pytest.approx(np.mean(raw >= 7))


@given(score_lists, score_lists)
def test_adding_histograms_is_the_histogram_of_the_joined_lists(first, second):
    total = ScoreHistogram.from_scores(first) + ScoreHistogram.from_scores(second)
    assert total == ScoreHistogram.from_scores(first + second)
    assert sum([ScoreHistogram.from_scores(first), ScoreHistogram.from_scores(second)]) == total


def test_constructors_agree():
    from_scores = ScoreHistogram.from_scores([2, 2, 9, 10, 10, 10])
    assert ScoreHistogram.from_pairs([(2, 2), (9, 1), (10, 3)]) == from_scores
    assert ScoreHistogram.from_pairs([(10, 1), (2, 2), (9, 1), (10, 2)]) == from_scores
    assert ScoreHistogram.from_counts({2: 2, 9: 1, 10: 3}) == from_scores
    assert ScoreHistogram.from_counts([0, 2, 0, 0, 0, 0, 0, 0, 1, 3]) == from_scores
    assert from_scores.scores() == [2, 2, 9, 10, 10, 10]


def test_raters_of_a_sum_are_unknown_unless_stated():
    a = ScoreHistogram.from_scores([5, 6], raters=2)
    b = ScoreHistogram.from_scores([7], raters=1)
    assert (a + b).raters is None
    assert (a + b).with_raters(3).raters == 3
    assert (a + ScoreHistogram.empty()).raters == 2
    assert (a + b).raters_or_n == 3


def test_raters_counted_from_rater_ids():
    hist = ScoreHistogram.from_scores([3, 4, 5], raters=["r1", "r2", "r1"])
    assert hist.raters == 2


def test_histogram_is_immutable():
    hist = ScoreHistogram.from_scores([5])
    with pytest.raises(AttributeError):
        hist.counts = (1,) * 10


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ScoreHistogram.from_scores([5, 0]), "outside 1..10"),
        (lambda: ScoreHistogram.from_scores([11]), "outside 1..10"),
        (lambda: ScoreHistogram.from_scores([7.5]), "whole number"),
        (lambda: ScoreHistogram.from_scores(["7"]), "whole number"),
        (lambda: ScoreHistogram.from_scores([True]), "whole number"),
        (lambda: ScoreHistogram.from_pairs([(12, 3)]), "outside 1..10"),
        (lambda: ScoreHistogram.from_pairs([(3, -1)]), "negative"),
        (lambda: ScoreHistogram.from_counts([1, 2, 3]), "10 counts"),
        (lambda: ScoreHistogram.from_counts([1] * 9 + [-1]), "negative"),
        (lambda: ScoreHistogram.from_counts([1] * 10, raters=11), "between 1"),
        (lambda: ScoreHistogram.from_scores([1, 2], raters=["a"]), "one id per score"),
    ],
)
def test_bad_input_is_refused_with_a_message(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_float_whole_scores_are_accepted():
    assert ScoreHistogram.from_scores([7.0, 3]).counts[6] == 1
