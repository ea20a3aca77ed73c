"""The funnel plot with an allowance for overdispersion (Spiegelhalter 2005).

Offices differ for many reasons besides chance: the plain funnel's limits (chance alone) put
far more than 1 office in 20 outside its 95% limits even when no office is out of line.
Spiegelhalter's additive (random-effects) allowance widens the limits by the spread between
offices that the data show; each office's position is read off these limits, so the colours
on the plot and the limits drawn always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis._quantiles import normal_quantile
from analysis.funnel import FUNNEL_LEVELS
from analysis.vocabulary import Finding, FunnelPosition

__all__ = ["OverdispersedFunnel", "overdispersed_funnel"]

#: Share of z-scores winsorised at each end before overdispersion is estimated. Spiegelhalter
#: suggests 10% against outliers; in benchmarks/coverage.py's "offices truly differing"
#: networks (40% of offices 1.1 points off) 10% pulled in the very spread being measured:
#: 10.7% of offices fell outside the 95% limits, against 4.8% without winsorising.
WINSOR = 0.0


@dataclass(frozen=True, slots=True)
class OverdispersedFunnel:
    """Funnel limits with overdispersion, and where each office falls.

    Attributes
    ----------
    centre, sd : float
        The network's mean rating and the pooled within-office SD.
    method : str
        ``"additive"`` (random effects, :math:`\\tau^2`) or ``"multiplicative"``
        (:math:`\\phi`).
    phi : float
        Winsorised mean squared z-score (1 = no overdispersion).
    tau2 : float
        Between-office variance added to each office's (additive; 0 for multiplicative).
    z : tuple of float
        Each office's z against the overdispersed limits.
    positions : tuple of Finding
        :class:`~analysis.vocabulary.FunnelPosition` of each office.
    """

    centre: float
    sd: float
    method: str
    phi: float
    tau2: float
    z: tuple[float, ...]
    positions: tuple[Finding, ...]

    def spread(self, n) -> np.ndarray:
        """The SD of an office mean of n ratings under the allowance."""
        n = np.asarray(n, dtype=float)
        if self.method == "multiplicative":
            return np.sqrt(max(self.phi, 1.0) * self.sd**2 / n)
        return np.sqrt(self.sd**2 / n + self.tau2)

    def limits(self, smallest: float, largest: float, points: int = 40,
               levels: tuple[float, ...] = FUNNEL_LEVELS) -> dict[str, list[float]]:
        """The limits drawn, in the shape of :func:`analysis.funnel_limits`."""
        if points < 1 or largest < smallest or smallest <= 0:
            raise ValueError("funnel limits need 0 < smallest <= largest and at least one point")
        ns = np.unique(np.linspace(smallest, largest, points))
        spread = self.spread(ns)
        out: dict[str, list[float]] = {"n": ns.tolist()}
        for level in levels:
            z = normal_quantile(0.5 + level / 2)
            name = f"{level * 100:g}".replace(".", "")
            out[f"low{name}"] = (self.centre - z * spread).tolist()
            out[f"high{name}"] = (self.centre + z * spread).tolist()
        return out


def _winsorised(z: np.ndarray, share: float) -> np.ndarray:
    if share <= 0 or z.size < 3:
        return z
    low, high = np.quantile(z, [share, 1 - share])
    return np.clip(z, low, high)


def overdispersed_funnel(n, mean, var, *, method: str = "additive",
                         winsor: float = WINSOR) -> OverdispersedFunnel:
    """Overdispersed funnel of office means.

    Parameters
    ----------
    n, mean, var : array_like
        Each office's ratings, mean and sample variance (NaN allowed where n = 1).
    method : {"additive", "multiplicative"}
    winsor : float
        Share of z-scores pulled in at each end before :math:`\\phi` is estimated.

    Returns
    -------
    OverdispersedFunnel

    Notes
    -----
    Centre :math:`\\theta_0 = \\sum n_i\\bar y_i / \\sum n_i`; within-office SD
    :math:`\\sigma^2 = \\sum (n_i-1)s_i^2/\\sum(n_i-1)`; :math:`s_i = \\sigma/\\sqrt{n_i}`,
    :math:`z_i = (\\bar y_i - \\theta_0)/s_i`. :math:`\\hat\\phi` is the mean of the
    winsorised :math:`z_i^2`. Multiplicative: limits
    :math:`\\theta_0 \\pm z_\\alpha\\sqrt{\\hat\\phi}\\,s_i`. Additive:
    :math:`\\hat\\tau^2 = \\max\\{0, (I\\hat\\phi - (I-1))/(\\sum w_i - \\sum w_i^2/\\sum w_i)\\}`
    with :math:`w_i = 1/s_i^2`, limits :math:`\\theta_0 \\pm z_\\alpha\\sqrt{s_i^2+\\hat\\tau^2}`.
    Without winsorising, :math:`I\\hat\\phi` is Cochran's Q and :math:`\\hat\\tau^2` the
    DerSimonian-Laird estimate.

    References
    ----------
    Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators.
    Quality and Safety in Health Care 14, 347-351. Spiegelhalter, D. J. (2005). Funnel plots
    for comparing institutional performance. Statistics in Medicine 24, 1185-1202.

    Examples
    --------
    >>> f = overdispersed_funnel([10, 10, 10, 10], [5.0, 6.0, 7.0, 9.5], [4.0, 4.0, 4.0, 4.0])
    >>> round(f.tau2, 3), [str(p) for p in f.positions]
    (3.329, ['funnel_inside', 'funnel_inside', 'funnel_inside', 'funnel_inside'])
    """
    if method not in ("additive", "multiplicative"):
        raise ValueError(f"method must be 'additive' or 'multiplicative', got {method!r}")
    n = np.asarray(n, dtype=float)
    mean = np.asarray(mean, dtype=float)
    var = np.asarray(var, dtype=float)
    if not n.shape == mean.shape == var.shape or n.ndim != 1 or n.size < 2:
        raise ValueError("an overdispersed funnel needs n, mean and var for 2 or more offices")
    if np.any(n < 1):
        raise ValueError("every office on the funnel needs at least one rating")
    centre = float(n @ mean / n.sum())
    df = n - 1
    sigma2 = float(np.nansum(df * var) / df.sum()) if df.sum() > 0 else 0.0
    if sigma2 <= 0:
        raise ValueError("the funnel needs some spread within offices (every rating the same)")
    se2 = sigma2 / n
    z_plain = (mean - centre) / np.sqrt(se2)
    phi = float(np.mean(_winsorised(z_plain, winsor) ** 2))
    tau2 = 0.0
    if method == "additive":
        w = 1 / se2
        offices = n.size
        tau2 = max(0.0, float((offices * phi - (offices - 1)) / (w.sum() - (w**2).sum() / w.sum())))
        spread = np.sqrt(se2 + tau2)
    else:
        spread = np.sqrt(max(phi, 1.0) * se2)
    z = (mean - centre) / spread
    z95, z998 = normal_quantile(0.975), normal_quantile(0.999)
    positions = tuple(
        FunnelPosition.ABOVE_998() if value > z998 else
        FunnelPosition.ABOVE_95() if value > z95 else
        FunnelPosition.BELOW_998() if value < -z998 else
        FunnelPosition.BELOW_95() if value < -z95 else
        FunnelPosition.INSIDE()
        for value in z.tolist())
    return OverdispersedFunnel(centre, sigma2**0.5, method, phi, tau2, tuple(z.tolist()),
                               positions)
