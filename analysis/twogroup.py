"""Two groups of ratings compared from their histograms: Welch's t and Brunner-Munzel.

``welch_difference(a, b) -> MeanDifference`` is used for first-against-last cycle in
:mod:`analysis.trend` and office-against-rest in :mod:`analysis.compare`;
``brunner_munzel(a, b) -> (statistic, p) | None`` is the rank check for floor-heavy offices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from analysis._quantiles import t_quantiles
from analysis.histogram import ScoreHistogram

__all__ = ["MeanDifference", "brunner_munzel", "welch_arrays", "welch_difference"]

@dataclass(frozen=True, slots=True)
class MeanDifference:
    """Difference of two means ``a - b`` with Welch's interval and p-value.

    ``ci95``, ``p`` and ``df`` are ``None`` when undefined (fewer than 2 ratings in a group, or
    no spread in either).
    """

    diff: float
    ci95: tuple[float, float] | None
    p: float | None
    df: float | None

    def to_dict(self) -> dict:
        return {
            "diff": self.diff,
            "ci95": None if self.ci95 is None else list(self.ci95),
            "p": self.p,
            "df": self.df,
        }


def welch_arrays(mean_a, var_a, n_a, mean_b, var_b, n_b, confidence: float = 0.95):
    """Vectorised Welch: arrays ``(diff, low, high, p, df)``, NaN where undefined."""
    mean_a, var_a, n_a = (np.asarray(v, dtype=float) for v in (mean_a, var_a, n_a))
    mean_b, var_b, n_b = (np.asarray(v, dtype=float) for v in (mean_b, var_b, n_b))
    diff = mean_a - mean_b
    qa = var_a / n_a
    qb = var_b / n_b
    se2 = qa + qb
    ok = (n_a >= 2) & (n_b >= 2) & (se2 > 0)
    se2 = np.where(ok, se2, 1.0)
    qa, qb = np.where(ok, qa, 0.5), np.where(ok, qb, 0.5)
    df = se2**2 / (qa**2 / np.where(ok, n_a - 1, 1) + qb**2 / np.where(ok, n_b - 1, 1))
    se = np.sqrt(se2)
    statistic = diff / se
    p = 2 * special.stdtr(df, -np.abs(statistic))
    half = t_quantiles(0.5 + confidence / 2, df) * se
    nan = np.nan
    return (
        diff,
        np.where(ok, diff - half, nan),
        np.where(ok, diff + half, nan),
        np.where(ok, p, nan),
        np.where(ok, df, nan),
    )


def welch_difference(
    a: ScoreHistogram, b: ScoreHistogram, *, confidence: float = 0.95
) -> MeanDifference:
    """Welch's difference of means ``a - b`` with its t interval.

    Parameters
    ----------
    a, b : ScoreHistogram
        Each with at least one rating.

    Returns
    -------
    MeanDifference

    Notes
    -----
    :math:`d = \\bar a - \\bar b`, :math:`SE = \\sqrt{s_a^2/n_a + s_b^2/n_b}`, Welch-Satterthwaite
    :math:`\\nu = SE^4 / (\\frac{(s_a^2/n_a)^2}{n_a-1} + \\frac{(s_b^2/n_b)^2}{n_b-1})`; interval
    :math:`d \\pm t_{0.975,\\nu} SE`, two-sided p from :math:`t = d/SE`. Identical to
    ``scipy.stats.ttest_ind(a, b, equal_var=False)`` on the raw scores.

    References
    ----------
    Welch, B. L. (1947). The generalization of 'Student's' problem when several different
    population variances are involved. Biometrika 34, 28-35.

    Examples
    --------
    >>> d = welch_difference(ScoreHistogram.from_scores([8, 9, 10]),
    ...                      ScoreHistogram.from_scores([2, 3, 5, 6]))
    >>> d.diff, round(d.p, 4)
    (5.0, 0.0065)
    """
    if a.n == 0 or b.n == 0:
        raise ValueError("both groups need at least one rating to compare their means")
    var_a = a.variance if a.n >= 2 else 0.0
    var_b = b.variance if b.n >= 2 else 0.0
    diff, low, high, p, df = welch_arrays(a.mean, var_a, a.n, b.mean, var_b, b.n, confidence)
    if np.isnan(p):
        return MeanDifference(float(diff), None, None, None)
    return MeanDifference(float(diff), (float(low), float(high)), float(p), float(df))


def brunner_munzel(a: ScoreHistogram, b: ScoreHistogram) -> tuple[float, float] | None:
    """Brunner-Munzel test of ``a`` against ``b`` from histograms, two-sided.

    Parameters
    ----------
    a, b : ScoreHistogram
        Each with at least 2 ratings.

    Returns
    -------
    (statistic, p) or None
        The statistic is positive when ``b`` tends to score higher than ``a`` (as in
        ``scipy.stats.brunnermunzel(a, b)``). ``None`` when a group has fewer than 2 ratings
        or both groups have no spread and the same scores. When the groups do not overlap at
        all (every placement variance is 0) the test is degenerate and p is reported as 0.0
        with statistic +-inf: complete separation is the strongest possible evidence.

    Notes
    -----
    With midranks :math:`R_{ik}` in the pooled sample and :math:`R^{(i)}_{ik}` within group
    i, :math:`S_i^2 = \\sum_k (R_{ik} - R^{(i)}_{ik} - \\bar R_i + (n_i+1)/2)^2/(n_i-1)`,
    :math:`W = n_a n_b(\\bar R_b - \\bar R_a)/((n_a+n_b)\\sqrt{n_a S_a^2 + n_b S_b^2})`, referred
    to t with Satterthwaite df. Ranks of tied scores are computed from the counts.

    References
    ----------
    Brunner, E. & Munzel, U. (2000). The nonparametric Behrens-Fisher problem. Biometrical
    Journal 42, 17-25.

    Examples
    --------
    >>> stat, p = brunner_munzel(ScoreHistogram.from_scores([1, 1, 2, 5]),
    ...                          ScoreHistogram.from_scores([4, 6, 7, 8, 9]))
    >>> stat > 0, round(p, 4)
    (True, 0.0004)
    """
    na, nb = a.n, b.n
    if na < 2 or nb < 2:
        return None
    ca = a.as_array().astype(float)
    cb = b.as_array().astype(float)
    pooled = ca + cb
    pooled_rank = np.cumsum(pooled) - pooled + (pooled + 1) / 2
    rank_a = np.cumsum(ca) - ca + (ca + 1) / 2
    rank_b = np.cumsum(cb) - cb + (cb + 1) / 2
    mean_a = ca @ pooled_rank / na
    mean_b = cb @ pooled_rank / nb
    s_a = ca @ (pooled_rank - rank_a - mean_a + (na + 1) / 2) ** 2 / (na - 1)
    s_b = cb @ (pooled_rank - rank_b - mean_b + (nb + 1) / 2) ** 2 / (nb - 1)
    spread = na * s_a + nb * s_b
    if spread <= 1e-12 * (na + nb) ** 2:
        if mean_a == mean_b:
            return None
        return (float(np.copysign(np.inf, mean_b - mean_a)), 0.0)
    statistic = na * nb * (mean_b - mean_a) / ((na + nb) * np.sqrt(spread))
    df = spread**2 / ((na * s_a) ** 2 / (na - 1) + (nb * s_b) ** 2 / (nb - 1))
    p = 2 * special.stdtr(df, -abs(statistic))
    return (float(statistic), float(min(p, 1.0)))
