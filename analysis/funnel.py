"""Funnel-plot control limits: where an office's mean would fall by chance alone.

An office of n ratings drawn from the network's own distribution has a mean within
:math:`\\mu \\pm z_{1-\\alpha/2}\\,\\sigma/\\sqrt n` with probability :math:`1-\\alpha`; plotted
against n, the limits narrow like a funnel.
"""

from __future__ import annotations

from analysis._quantiles import normal_quantile

__all__ = ["FUNNEL_LEVELS", "funnel_limits"]

#: The two usual limits: about 1 office in 20 and 1 in 500 outside by chance.
FUNNEL_LEVELS = (0.95, 0.998)


def _name(level: float) -> str:
    return f"{level * 100:g}".replace(".", "")


def funnel_limits(
    centre: float,
    sd: float,
    smallest: float,
    largest: float,
    *,
    points: int = 40,
    levels: tuple[float, ...] = FUNNEL_LEVELS,
) -> dict[str, list[float]]:
    """Control limits around ``centre`` for group sizes from ``smallest`` to ``largest``.

    Parameters
    ----------
    centre, sd : float
        The network's mean and the SD of its individual ratings.
    smallest, largest : float
        The range of n to draw the limits over.
    points : int
        Values of n, evenly spaced.
    levels : tuple of float
        Two-sided coverage of each pair of limits.

    Returns
    -------
    dict
        ``"n"``: the sizes; ``"low95"``, ``"high95"``, ``"low998"``, ``"high998"`` (one pair
        per level, named by its percentage without the point): the limits at each size.

    Notes
    -----
    Normal limits :math:`\\mu \\pm z\\,\\sigma/\\sqrt n` with :math:`z=\\Phi^{-1}((1+\\ell)/2)`
    for each level :math:`\\ell`, and :math:`\\sigma` the network's SD (no allowance for
    overdispersion between offices).

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    Statistics in Medicine 24, 1185-1202.

    Examples
    --------
    >>> limits = funnel_limits(6.0, 2.0, 4, 4, points=1)
    >>> limits["n"], round(limits["low95"][0], 3), round(limits["high998"][0], 3)
    ([4.0], 4.04, 9.09)
    """
    if points < 1 or largest < smallest or smallest <= 0:
        raise ValueError("funnel limits need 0 < smallest <= largest and at least one point")
    step = (largest - smallest) / (points - 1) if points > 1 else 0.0
    ns = sorted({float(smallest + step * i) for i in range(points)})
    limits: dict[str, list[float]] = {"n": ns}
    for level in levels:
        z = normal_quantile(0.5 + level / 2)
        name = _name(level)
        limits[f"low{name}"] = [centre - z * sd / n**0.5 for n in ns]
        limits[f"high{name}"] = [centre + z * sd / n**0.5 for n in ns]
    return limits
