"""Stratified rank tests whose p-values hold on ceiling- and floor-heavy ratings.

Within each stratum (one leader in one cycle, or one whole cycle) the ratings are replaced by
their mid-ranks. A group's statistic (an office's ratings) is the sum of its van Elteren rank
scores, and its variance is the exact variance of that sum when the group labels are
shuffled within every stratum: the permutation distribution, which needs no assumption about
the shape of the scores. Rank scores are bounded, so the sum is close to normal even where
most ratings are 9-10 or 1-2, unlike a t statistic on the raw scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["StratifiedRankTest", "midranks", "stratified_rank_test"]


def midranks(stratum: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mid-ranks of ``score`` within each stratum, and each rating's stratum size.

    Examples
    --------
    >>> ranks, size = midranks(np.array([0, 0, 0, 1, 1]), np.array([7, 9, 7, 2, 1]))
    >>> ranks.tolist(), size.tolist()
    ([1.5, 3.0, 1.5, 2.0, 1.0], [3, 3, 3, 2, 2])
    """
    stratum = np.asarray(stratum, dtype=np.int64)
    score = np.asarray(score, dtype=float)
    m = stratum.size
    ranks = np.empty(m)
    size = np.empty(m, dtype=np.int64)
    if m == 0:
        return ranks, size
    order = np.lexsort((score, stratum))
    s_sorted, y_sorted = stratum[order], score[order]
    new_stratum = np.r_[True, s_sorted[1:] != s_sorted[:-1]]
    new_run = new_stratum | np.r_[True, y_sorted[1:] != y_sorted[:-1]]
    stratum_start = np.maximum.accumulate(np.where(new_stratum, np.arange(m), 0))
    run_id = np.cumsum(new_run) - 1
    run_first = np.flatnonzero(new_run)
    run_last = np.r_[run_first[1:], m] - 1
    position_first = run_first[run_id] - stratum_start
    position_last = run_last[run_id] - stratum_start
    ranks[order] = (position_first + position_last) / 2 + 1
    stratum_id = np.cumsum(new_stratum) - 1
    stratum_size = np.bincount(stratum_id)
    size[order] = stratum_size[stratum_id]
    return ranks, size


@dataclass(frozen=True, slots=True)
class StratifiedRankTest:
    """Per group (arrays indexed by group id).

    Attributes
    ----------
    informative : ndarray of int
        The group's ratings in strata that also hold other groups' ratings (the only ones
        that say anything about the group).
    z, p : ndarray of float
        Standardised van Elteren statistic and its two-sided p (NaN when not informative).
    diff, diff_se : ndarray of float
        The group's mean rating minus the mean of the *other* ratings of the same strata
        (points), averaged over its informative ratings, and its permutation standard error.
    """

    informative: np.ndarray
    z: np.ndarray
    p: np.ndarray
    diff: np.ndarray
    diff_se: np.ndarray


def stratified_rank_test(stratum, group, score, groups: int) -> StratifiedRankTest:
    """Each group against the other ratings of the same strata (van Elteren's test).

    Parameters
    ----------
    stratum, group : array_like of int
        Per rating: its stratum id and its group id (``0 <= group < groups``).
    score : array_like of float
        Per rating: the score.
    groups : int
        How many groups there are.

    Returns
    -------
    StratifiedRankTest

    Notes
    -----
    In stratum :math:`s` of :math:`N_s` ratings, rating :math:`i` has mid-rank :math:`r_i`
    and rank score :math:`a_i = (r_i - (N_s+1)/2)/(N_s+1)` (van Elteren's weights). The
    group's statistic is :math:`T = \\sum a_i` over its ratings; if it holds :math:`k_s` of
    stratum :math:`s`'s ratings, shuffling labels within strata gives :math:`E\\,T = 0` and
    :math:`\\mathrm{Var}\\,T = \\sum_s k_s (N_s-k_s)/(N_s-1)\\,\\sigma^2_{a,s}` with
    :math:`\\sigma^2_{a,s}` the rank scores' variance in the stratum (divisor :math:`N_s`;
    ties are allowed for exactly). :math:`z = T/\\sqrt{\\mathrm{Var}\\,T}`, two-sided normal p.
    With one stratum this is the Mann-Whitney test with the tie correction.

    The difference in points is
    :math:`\\sum_s \\frac{N_s}{N_s-k_s}\\sum_{i \\in s} (y_i-\\bar y_s) / \\sum_s k_s`: each
    rating minus the mean of the other ratings of its stratum, averaged; its standard error
    is the permutation standard deviation of the same sum.

    References
    ----------
    van Elteren, P. H. (1960). On the combination of independent two-sample tests of
    Wilcoxon. Bulletin of the International Statistical Institute 37, 351-361.
    Lehmann, E. L. (1975). Nonparametrics: statistical methods based on ranks. Holden-Day.

    Examples
    --------
    >>> result = stratified_rank_test([0, 0, 0, 0], [0, 0, 1, 1], [9, 10, 4, 5], groups=2)
    >>> result.diff.tolist(), round(float(result.p[0]), 4)
    ([5.0, -5.0], 0.1213)
    """
    stratum = np.asarray(stratum, dtype=np.int64)
    group = np.asarray(group, dtype=np.int64)
    score = np.asarray(score, dtype=float)
    if not stratum.shape == group.shape == score.shape or stratum.ndim != 1:
        raise ValueError("stratum, group and score need one value per rating")
    if group.size and (group.min() < 0 or group.max() >= groups):
        raise ValueError("group ids must be 0 <= id < groups")
    _, stratum = np.unique(stratum, return_inverse=True)
    ranks, size = midranks(stratum, score)
    size_f = size.astype(float)
    rank_score = (ranks - (size_f + 1) / 2) / (size_f + 1)
    n_strata = int(stratum.max()) + 1 if stratum.size else 0
    stratum_mean = np.bincount(stratum, score, n_strata) / np.maximum(
        np.bincount(stratum, minlength=n_strata), 1)
    deviation = score - stratum_mean[stratum]
    var_rank = np.bincount(stratum, rank_score**2, n_strata) / np.maximum(
        np.bincount(stratum, minlength=n_strata), 1)
    var_score = np.bincount(stratum, deviation**2, n_strata) / np.maximum(
        np.bincount(stratum, minlength=n_strata), 1)

    pair_key = group * max(n_strata, 1) + stratum
    pairs, pair_of = np.unique(pair_key, return_inverse=True)
    pair_group, pair_stratum = pairs // max(n_strata, 1), pairs % max(n_strata, 1)
    k = np.bincount(pair_of, minlength=pairs.size).astype(float)
    big_n = np.bincount(stratum, minlength=n_strata)[pair_stratum].astype(float)
    useful = big_n > k
    share = np.where(useful, k * (big_n - k) / np.maximum(big_n - 1, 1), 0.0)
    stretch = np.where(useful, big_n / np.maximum(big_n - k, 1), 0.0)
    t_pair = np.bincount(pair_of, rank_score, pairs.size)
    d_pair = np.bincount(pair_of, deviation, pairs.size) * stretch

    statistic = np.bincount(pair_group, np.where(useful, t_pair, 0.0), groups)
    variance = np.bincount(pair_group, share * var_rank[pair_stratum], groups)
    informative = np.bincount(pair_group, np.where(useful, k, 0.0), groups)
    diff_sum = np.bincount(pair_group, d_pair, groups)
    diff_var = np.bincount(pair_group, stretch**2 * share * var_score[pair_stratum], groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(variance > 1e-15, statistic / np.sqrt(variance), np.nan)
        diff = np.where(informative > 0, diff_sum / informative, np.nan)
        diff_se = np.where(informative > 0, np.sqrt(diff_var) / informative, np.nan)
    p = 2 * special.ndtr(-np.abs(z))
    return StratifiedRankTest(informative.astype(np.int64), z, p, diff, diff_se)
