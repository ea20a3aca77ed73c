"""Empirical-Bayes shrinkage: hand-worked DerSimonian-Laird and rank-interval sanity."""

import numpy as np
import pytest

from analysis import ScoreHistogram, dersimonian_laird, shrink_means

H = ScoreHistogram.from_scores


def test_dersimonian_laird_hand_worked():
    # w = 2, 2; centre 6; Q = 2 + 2 = 4; denominator 4 - 8/4 = 2; tau2 = (4 - 1)/2 = 1.5
    assert dersimonian_laird([5.0, 7.0], [0.5, 0.5]) == (6.0, 1.5)
    # homogeneous estimates: Q < k - 1 -> tau2 = 0, mu = inverse-variance mean
    mu, tau2 = dersimonian_laird([5.0, 5.1, 4.9], [1.0, 2.0, 4.0])
    assert tau2 == 0.0
    assert mu == pytest.approx((5.0 / 1 + 5.1 / 2 + 4.9 / 4) / (1 + 1 / 2 + 1 / 4))


def test_shrunk_means_written_out():
    groups = {"a": [8, 9, 9, 10, 8], "b": [2, 4, 3, 5, 3, 4], "c": [5, 6, 7, 5, 6, 6, 7]}
    result = shrink_means({o: H(s) for o, s in groups.items()})
    n = np.array([len(s) for s in groups.values()], dtype=float)
    means = np.array([np.mean(s) for s in groups.values()])
    pooled = sum(np.var(s, ddof=1) * (len(s) - 1) for s in groups.values()) / (n - 1).sum()
    v = pooled / n
    w = 1 / v
    centre = (w * means).sum() / w.sum()
    q = (w * (means - centre) ** 2).sum()
    tau2 = max(0.0, (q - 2) / (w.sum() - (w**2).sum() / w.sum()))
    mu = (means / (v + tau2)).sum() / (1 / (v + tau2)).sum()
    expected = mu + tau2 / (v + tau2) * (means - mu)
    assert [o.eb_mean for o in result.offices] == pytest.approx(expected)
    assert result.tau2 == pytest.approx(tau2)
    assert [o.rank for o in result.offices] == [1, 3, 2]
    for office in result.offices:
        low, high = office.rank_interval
        assert low <= office.rank <= high


def test_shrinkage_pulls_small_offices_more():
    result = shrink_means(
        {
            "small": H([10] * 4 + [9]),
            "big": H([10] * 40 + [9] * 10),
            "mid": H([5, 6, 5, 6, 5, 6, 5, 6] * 3),
        }
    )
    by_office = {o.office: o for o in result.offices}
    small_pull = by_office["small"].mean - by_office["small"].eb_mean
    big_pull = by_office["big"].mean - by_office["big"].eb_mean
    assert small_pull > big_pull > 0


def test_offices_under_the_minimum_are_left_out():
    result = shrink_means({"a": H([5, 6, 7, 8, 9]), "b": H([1, 2])})
    assert [o.office for o in result.offices] == ["a"]
    assert result.offices[0].eb_mean == result.offices[0].mean


def test_bad_variances():
    with pytest.raises(ValueError, match="positive"):
        dersimonian_laird([1.0, 2.0], [0.0, 1.0])
