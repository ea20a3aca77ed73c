"""Empirical-Bayes shrunk office means and rank intervals, for ranking displays only.

API
---
``shrink_means(by_office, min_raters=5) -> Shrinkage``
    One cycle's offices (mapping office -> ScoreHistogram); offices under ``min_raters``
    distinct raters are left out.
``dersimonian_laird(estimates, variances) -> (mu, tau2)``

A shrunk mean pulls a small office's noisy mean towards the network, so a league table is
not led by whoever had three enthusiastic raters. It is never the basis of a "significant"
claim: that is :mod:`analysis.compare`'s job, on the raw means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from analysis.histogram import ScoreHistogram

__all__ = [
    "RANK_SEED",
    "RANK_SIMULATIONS",
    "ShrunkMean",
    "Shrinkage",
    "dersimonian_laird",
    "shrink_arrays",
    "shrink_means",
]

#: Seed of ``numpy.random.default_rng`` for the rank simulation, fixed for reproducibility.
RANK_SEED = 20240605
RANK_SIMULATIONS = 1000


@dataclass(frozen=True, slots=True)
class ShrunkMean:
    """One office's shrunk mean.

    Attributes
    ----------
    office : str
    n : int
    mean : float
        Raw mean.
    eb_mean : float
        Empirical-Bayes (shrunk) mean.
    eb_sd : float
        Its approximate posterior SD.
    rank : int
        1 = highest shrunk mean (ties share the better rank).
    rank_interval : (int, int)
        2.5% and 97.5% points of the simulated rank.
    """

    office: str
    n: int
    mean: float
    eb_mean: float
    eb_sd: float
    rank: int
    rank_interval: tuple[int, int]

    def to_dict(self) -> dict:
        return {
            "office": self.office,
            "n": self.n,
            "mean": self.mean,
            "eb_mean": self.eb_mean,
            "eb_sd": self.eb_sd,
            "rank": self.rank,
            "rank_interval": list(self.rank_interval),
        }


@dataclass(frozen=True, slots=True)
class Shrinkage:
    """Result of :func:`shrink_means`: the network centre, tau^2 and each office."""

    grand_mean: float | None
    tau2: float | None
    pooled_variance: float | None
    offices: tuple[ShrunkMean, ...]

    def to_dict(self) -> dict:
        return {
            "grand_mean": self.grand_mean,
            "tau2": self.tau2,
            "pooled_variance": self.pooled_variance,
            "offices": [office.to_dict() for office in self.offices],
        }


def dersimonian_laird(estimates, variances) -> tuple[float, float]:
    """DerSimonian-Laird estimate of the between-group variance.

    Parameters
    ----------
    estimates, variances : array_like
        Group estimates :math:`y_i` and their sampling variances :math:`v_i > 0`.

    Returns
    -------
    (mu, tau2)
        Random-effects mean and between-group variance.

    Notes
    -----
    :math:`w_i = 1/v_i`, :math:`Q = \\sum w_i (y_i - \\bar y_w)^2`,
    :math:`\\tau^2 = \\max(0, (Q-(k-1))/(\\sum w_i - \\sum w_i^2/\\sum w_i))`,
    :math:`\\mu = \\sum w^*_i y_i/\\sum w^*_i` with :math:`w^*_i = 1/(v_i+\\tau^2)`.

    References
    ----------
    DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical trials. Controlled
    Clinical Trials 7, 177-188.

    Examples
    --------
    >>> mu, tau2 = dersimonian_laird([5.0, 7.0], [0.5, 0.5])
    >>> mu, tau2
    (6.0, 1.5)
    """
    y = np.asarray(estimates, dtype=float)
    v = np.asarray(variances, dtype=float)
    if y.shape != v.shape or y.ndim != 1 or y.size == 0:
        raise ValueError("give one variance per estimate, as two equal-length 1-d arrays")
    if np.any(v <= 0):
        raise ValueError("sampling variances must be positive")
    w = 1 / v
    sum_w = w.sum()
    centre = w @ y / sum_w
    q = w @ (y - centre) ** 2
    denominator = sum_w - (w @ w) / sum_w
    tau2 = max(0.0, (q - (y.size - 1)) / denominator) if denominator > 0 else 0.0
    w_star = 1 / (v + tau2)
    return float(w_star @ y / w_star.sum()), float(tau2)


def shrink_arrays(
    n: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    *,
    simulations: int = RANK_SIMULATIONS,
    seed: int = RANK_SEED,
) -> dict[str, np.ndarray | float | None]:
    """Shrinkage on arrays of eligible offices (n >= 2 each). See :func:`shrink_means`."""
    n = np.asarray(n, dtype=float)
    mean = np.asarray(mean, dtype=float)
    var = np.asarray(var, dtype=float)
    k = n.size
    pooled = float((n - 1) @ var / (n - 1).sum()) if k else None
    if k < 2 or not pooled or pooled <= 0:
        # One office, or no spread anywhere: nothing to estimate a network from.
        eb, eb_var, grand, tau2 = mean.copy(), np.zeros(k), None, None
    else:
        v = pooled / n
        grand, tau2 = dersimonian_laird(mean, v)
        w_star = 1 / (v + tau2)
        shrink = v * w_star  # B_i = v_i / (v_i + tau2)
        eb = grand + (1 - shrink) * (mean - grand)
        eb_var = v * (1 - shrink) + shrink**2 / w_star.sum()
    rank = _ranks(eb[None, :])[0] if k else np.zeros(0, dtype=int)
    if k and eb_var.any():
        low, high = _simulated_rank_interval(eb, np.sqrt(eb_var), simulations, seed)
    else:
        low = high = rank
    return {
        "grand_mean": grand,
        "tau2": tau2,
        "pooled_variance": pooled,
        "eb_mean": eb,
        "eb_sd": np.sqrt(eb_var),
        "rank": rank,
        "rank_low": np.asarray(low, dtype=int),
        "rank_high": np.asarray(high, dtype=int),
    }


def _simulated_rank_interval(centre, sd, simulations, seed):
    """2.5% and 97.5% points of each office's rank over normal draws (1 = highest)."""
    k = centre.size
    rng = np.random.default_rng(seed)
    draws = centre + sd * rng.standard_normal((simulations, k))
    order = np.argsort(-draws, axis=1)  # draws are continuous: no ties to worry about
    # rank_counts[office, r] = simulations in which the office came r-th
    rank_counts = np.bincount((order * k + np.arange(k)).ravel(), minlength=k * k).reshape(k, k)
    cumulative = np.cumsum(rank_counts, axis=1)
    # inverted-CDF quantiles: first rank whose cumulative share reaches the level
    low = (cumulative >= 0.025 * simulations).argmax(axis=1) + 1
    high = (cumulative >= 0.975 * simulations).argmax(axis=1) + 1
    return low, high


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis, 1 = highest, ties sharing the better rank."""
    order = np.argsort(-values, axis=-1, kind="stable")
    sorted_values = np.take_along_axis(values, order, axis=-1)
    positions = np.broadcast_to(np.arange(values.shape[-1]), values.shape)
    # a tie takes the position of the first of its run
    new_run = np.concatenate(
        [
            np.ones(values.shape[:-1] + (1,), bool),
            sorted_values[..., 1:] != sorted_values[..., :-1],
        ],
        axis=-1,
    )
    run_start = np.maximum.accumulate(np.where(new_run, positions, 0), axis=-1)
    ranks = np.empty(values.shape, dtype=int)
    np.put_along_axis(ranks, order, run_start + 1, axis=-1)
    return ranks


def shrink_means(
    by_office: Mapping[str, ScoreHistogram],
    *,
    min_raters: int = 5,
    simulations: int = RANK_SIMULATIONS,
    seed: int = RANK_SEED,
) -> Shrinkage:
    """Empirical-Bayes shrunk means of one cycle's offices, with rank intervals.

    Parameters
    ----------
    by_office : mapping str -> ScoreHistogram
        One cycle. Offices with fewer than ``min_raters`` distinct raters are left out.
    min_raters : int
    simulations : int
        Draws for the rank intervals.
    seed : int
        Seed of the rank simulation (:data:`RANK_SEED`).

    Returns
    -------
    Shrinkage

    Notes
    -----
    Each office mean :math:`y_i` has sampling variance :math:`v_i = s_p^2/n_i`, with
    :math:`s_p^2 = \\sum (n_i-1)s_i^2/\\sum(n_i-1)` the pooled within-office variance. The
    between-office variance :math:`\\tau^2` and centre :math:`\\mu` come from
    DerSimonian-Laird (:func:`dersimonian_laird`). The shrunk mean is
    :math:`\\mu + (1-B_i)(y_i-\\mu)`, :math:`B_i = v_i/(v_i+\\tau^2)`, with approximate
    posterior variance :math:`v_i(1-B_i) + B_i^2/\\sum_j (v_j+\\tau^2)^{-1}` (Morris 1983).
    Rank intervals: ranks of independent normal draws from each office's posterior,
    2.5% and 97.5% points over the simulations.

    References
    ----------
    Morris, C. N. (1983). Parametric empirical Bayes inference: theory and applications.
    JASA 78, 47-55. Goldstein, H. & Spiegelhalter, D. J. (1996). League tables and their
    limitations. JRSS A 159, 385-443.

    Examples
    --------
    >>> H = ScoreHistogram.from_scores
    >>> result = shrink_means({"BDO": H([8, 9, 9, 10, 8]), "DSWO": H([2, 4, 3, 5, 3, 4])})
    >>> [office.rank for office in result.offices]
    [1, 2]
    """
    offices = [o for o, h in by_office.items() if h.n >= 2 and h.raters_or_n >= min_raters]
    hists = [by_office[o] for o in offices]
    n = np.array([h.n for h in hists], dtype=float)
    mean = np.array([h.mean for h in hists], dtype=float)
    var = np.array([h.variance for h in hists], dtype=float)
    result = shrink_arrays(n, mean, var, simulations=simulations, seed=seed)
    return Shrinkage(
        grand_mean=result["grand_mean"],
        tau2=result["tau2"],
        pooled_variance=result["pooled_variance"],
        offices=tuple(
            ShrunkMean(
                office=office,
                n=int(n[i]),
                mean=float(mean[i]),
                eb_mean=float(result["eb_mean"][i]),
                eb_sd=float(result["eb_sd"][i]),
                rank=int(result["rank"][i]),
                rank_interval=(int(result["rank_low"][i]), int(result["rank_high"][i])),
            )
            for i, office in enumerate(offices)
        ),
    )
