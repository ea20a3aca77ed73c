"""Each office against the rest of the network within one cycle, with BH q-values.

API
---
``compare_offices(by_office, cycle=None) -> tuple[Comparison, ...]``
    ``by_office`` maps office -> ScoreHistogram for one cycle. Offices with fewer than
    ``min_raters`` (5) distinct raters are neither compared nor counted in "the rest"; their
    flag is ``ComparisonFlag.NOT_COMPARED_FEW_RATERS(min_raters=5)``.
``bh_qvalues(p) -> ndarray``

The claim "below/above the network" rests on Welch's t (office minus the rest) with
Benjamini-Hochberg q < 0.05, plus a Brunner-Munzel check where the office's ratings pile
up at the floor and n < 10. The empirical-Bayes mean and rank interval
(:mod:`analysis.shrinkage`) ride along for ranking displays only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis._moments import sums, variance
from analysis.histogram import ScoreHistogram
from analysis.rules import ComparisonRules
from analysis.shrinkage import RANK_SEED, RANK_SIMULATIONS, shrink_arrays
from analysis.twogroup import brunner_munzel, welch_arrays
from analysis.vocabulary import ComparisonFlag, Finding

__all__ = [
    "Comparison",
    "bh_qvalues",
    "compare_counts",
    "compare_offices",
]

_DEFAULT = ComparisonRules()


@dataclass(frozen=True, slots=True)
class Comparison:
    """One office against the rest of the network in one cycle.

    Attributes
    ----------
    cycle, office : str or None
    n : int
    raters : int or None
    mean : float
    diff_vs_rest : float or None
        Office mean minus the mean of the other compared offices' ratings pooled.
    diff_ci95 : (float, float) or None
        Welch 95% interval of that difference.
    p, q : float or None
        Welch's two-sided p and its Benjamini-Hochberg q over the offices compared.
    flag : Finding
        A :class:`~analysis.vocabulary.ComparisonFlag`: above or below the network, no
        clear difference (each with its ``false_discovery_rate``), or not compared (too few
        raters, with ``min_raters``; or no other office to compare with).
    brunner_munzel_p : float or None
        Only for floor-heavy offices with n < 10, whose flag also needs this p < 0.05.
    eb_mean, eb_sd : float or None
        Empirical-Bayes shrunk mean (ranking displays only, never a significance claim).
    eb_rank : int or None
        1 = highest shrunk mean among compared offices.
    eb_rank_interval : (int, int) or None
    """

    cycle: str | None
    office: str
    n: int
    raters: int | None
    mean: float
    diff_vs_rest: float | None
    diff_ci95: tuple[float, float] | None
    p: float | None
    q: float | None
    flag: Finding
    brunner_munzel_p: float | None
    eb_mean: float | None
    eb_sd: float | None
    eb_rank: int | None
    eb_rank_interval: tuple[int, int] | None

    def to_dict(self) -> dict:
        """JSON-ready dict; intervals as ``[low, high]``."""
        return {
            "cycle": self.cycle,
            "office": self.office,
            "n": self.n,
            "mean": self.mean,
            "diff_vs_rest": self.diff_vs_rest,
            "diff_ci95": None if self.diff_ci95 is None else list(self.diff_ci95),
            "p": self.p,
            "q": self.q,
            "flag": self.flag,
            "brunner_munzel_p": self.brunner_munzel_p,
            "eb_mean": self.eb_mean,
            "eb_sd": self.eb_sd,
            "eb_rank": self.eb_rank,
            "eb_rank_interval": (
                None if self.eb_rank_interval is None else list(self.eb_rank_interval)
            ),
        }


def bh_qvalues(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values).

    Parameters
    ----------
    p : array_like
        p-values in [0, 1].

    Returns
    -------
    ndarray
        :math:`q_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)}/j)` for sorted p, returned in
        the input order; the same as ``scipy.stats.false_discovery_control(p)``.

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57,
    289-300.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, 0.03, 0.2]).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.2]
    """
    p = np.asarray(p, dtype=float)
    if p.ndim != 1:
        raise ValueError("bh_qvalues takes a 1-d array of p-values")
    if np.any(np.isnan(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must be numbers between 0 and 1")
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def compare_offices(
    by_office: Mapping[str, ScoreHistogram],
    cycle: str | None = None,
    *,
    min_raters: int = _DEFAULT.min_raters,
    alpha: float = _DEFAULT.false_discovery_rate,
    floor_check_below_n: int = _DEFAULT.floor_check_below_n,
    confidence: float = 0.95,
    rank_simulations: int = RANK_SIMULATIONS,
    seed: int = RANK_SEED,
) -> tuple[Comparison, ...]:
    """Compare each office with the rest of the network in one cycle.

    Parameters
    ----------
    by_office : mapping str -> ScoreHistogram
        The cycle's offices. Empty histograms are ignored.
    cycle : str, optional
        Label carried into the results.
    min_raters : int
        Offices with fewer distinct raters (``raters``, else ``n``) are not compared and
        not counted in the rest.
    alpha : float
        The q-value threshold for "below"/"above".
    floor_check_below_n : int
        Offices with more than half their ratings at 1-2 and ``n`` under this also need a
        Brunner-Munzel p < ``alpha`` in the same direction.

    Returns
    -------
    tuple of Comparison
        In the order of ``by_office``.

    Notes
    -----
    For office i, "the rest" :math:`R_i` pools the ratings of every other compared office.
    :math:`d_i = \\bar y_i - \\bar y_{R_i}` with Welch's interval and p
    (:func:`analysis.welch_difference`); q-values by Benjamini-Hochberg over the compared
    offices (:func:`bh_qvalues`). The t-test's accuracy suffers where ratings pile up at 1,
    hence the rank-based Brunner-Munzel check there.

    References
    ----------
    Welch (1947), Biometrika 34, 28-35. Benjamini & Hochberg (1995), JRSS B 57, 289-300.
    Brunner & Munzel (2000), Biometrical Journal 42, 17-25.

    Examples
    --------
    >>> H = ScoreHistogram.from_scores
    >>> results = compare_offices({"BDO": H([2, 3, 2, 1, 3, 2]), "WDO": H([7, 8, 6, 7, 9]),
    ...                            "BWO": H([6, 7, 8, 7, 6, 8])}, cycle="2024-1")
    >>> [(c.office, str(c.flag)) for c in results]  # doctest: +NORMALIZE_WHITESPACE
    [('BDO', 'below_network'), ('WDO', 'above_network'), ('BWO', 'above_network')]
    >>> results[0].flag.params["false_discovery_rate"]
    0.05
    """
    offices = [office for office, hist in by_office.items() if hist.n > 0]
    counts = np.array([by_office[o].counts for o in offices], dtype=np.int64).reshape(-1, 10)
    raters = [by_office[o].raters for o in offices]
    return compare_counts(
        offices,
        counts,
        raters,
        cycle,
        min_raters=min_raters,
        alpha=alpha,
        floor_check_below_n=floor_check_below_n,
        confidence=confidence,
        rank_simulations=rank_simulations,
        seed=seed,
    )


def compare_counts(
    offices: Sequence[str],
    counts: np.ndarray,
    raters: Sequence[int | None],
    cycle: str | None = None,
    *,
    min_raters: int = _DEFAULT.min_raters,
    alpha: float = _DEFAULT.false_discovery_rate,
    floor_check_below_n: int = _DEFAULT.floor_check_below_n,
    confidence: float = 0.95,
    rank_simulations: int = RANK_SIMULATIONS,
    seed: int = RANK_SEED,
) -> tuple[Comparison, ...]:
    """:func:`compare_offices` on an ``(m, 10)`` count array (every row n >= 1)."""
    counts = np.asarray(counts, dtype=np.int64)
    n, t1, t2 = sums(counts)
    distinct_raters = np.array([n[i] if r is None else r for i, r in enumerate(raters)], int)
    eligible = (distinct_raters >= min_raters) & (n >= 2)
    index = np.flatnonzero(eligible)
    k = index.size

    mean = t1 / n
    above = ComparisonFlag.ABOVE_NETWORK(false_discovery_rate=alpha)
    below = ComparisonFlag.BELOW_NETWORK(false_discovery_rate=alpha)
    unclear = ComparisonFlag.NO_CLEAR_DIFFERENCE(false_discovery_rate=alpha)
    results: dict[int, dict] = {}
    if k >= 2:
        n_e, t1_e, t2_e = n[index], t1[index], t2[index]
        rest_n = n_e.sum() - n_e
        rest_t1 = t1_e.sum() - t1_e
        rest_t2 = t2_e.sum() - t2_e
        var_e = variance(n_e, t1_e, t2_e)
        diff, low, high, p, _ = welch_arrays(
            mean[index],
            var_e,
            n_e,
            rest_t1 / rest_n,
            variance(rest_n, rest_t1, rest_t2),
            rest_n,
            confidence,
        )
        defined = ~np.isnan(p)
        q = np.full(k, np.nan)
        q[defined] = bh_qvalues(p[defined])
        shrunk = shrink_arrays(n_e, mean[index], var_e, simulations=rank_simulations, seed=seed)
        floor_heavy = (2 * counts[index, :2].sum(axis=1) > n_e) & (n_e < floor_check_below_n)
        total = counts[index].sum(axis=0)
        columns = [
            c.tolist()
            for c in (
                diff,
                low,
                high,
                p,
                q,
                shrunk["eb_mean"],
                shrunk["eb_sd"],
                shrunk["rank"],
                shrunk["rank_low"],
                shrunk["rank_high"],
            )
        ]
        for j, i in enumerate(index.tolist()):
            d, lo, hi, p_j, q_j, eb, eb_sd, rank, rank_lo, rank_hi = (c[j] for c in columns)
            flag, bm_p = unclear, None
            if q_j == q_j and q_j < alpha:
                flag = below if d < 0 else above
                if floor_heavy[j]:
                    office_hist = ScoreHistogram._trusted(tuple(counts[i].tolist()), None)
                    rest_hist = ScoreHistogram._trusted(tuple((total - counts[i]).tolist()), None)
                    bm = brunner_munzel(office_hist, rest_hist)
                    bm_p = None if bm is None else bm[1]
                    # scipy's sign: positive when the rest scores higher, i.e. office below
                    agrees = bm is not None and bm[1] < alpha and (bm[0] > 0) == (d < 0)
                    if not agrees:
                        flag = unclear
            results[i] = {
                "diff_vs_rest": d,
                "diff_ci95": None if lo != lo else (lo, hi),
                "p": None if p_j != p_j else p_j,
                "q": None if q_j != q_j else q_j,
                "flag": flag,
                "brunner_munzel_p": bm_p,
                "eb_mean": eb,
                "eb_sd": eb_sd,
                "eb_rank": rank,
                "eb_rank_interval": (rank_lo, rank_hi),
            }
    not_compared = {
        "diff_vs_rest": None,
        "diff_ci95": None,
        "p": None,
        "q": None,
        "brunner_munzel_p": None,
        "eb_mean": None,
        "eb_sd": None,
        "eb_rank": None,
        "eb_rank_interval": None,
    }
    few = ComparisonFlag.NOT_COMPARED_FEW_RATERS(min_raters=min_raters)
    alone = ComparisonFlag.NOT_COMPARED_NO_REST()
    comparisons = []
    n_list, mean_list = n.tolist(), mean.tolist()
    for i, office in enumerate(offices):
        figures = results.get(i)
        if figures is None:
            flag = alone if eligible[i] else few
            figures = {**not_compared, "flag": flag}
        comparisons.append(
            Comparison(
                cycle=cycle,
                office=office,
                n=n_list[i],
                raters=raters[i],
                mean=mean_list[i],
                **figures,
            )
        )
    return tuple(comparisons)
