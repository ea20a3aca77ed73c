"""Every office's standing in one pass: the headline flag, peers, funnel, trend and CUSUM.

The headline "below"/"above" is the leader-adjusted comparison over the last
``window_cycles`` cycles (:mod:`analysis.withinleader`), against how the same leaders rated
the other offices they visited; the peer comparison is the same within a department type.
The funnel (:mod:`analysis.overdispersion`) is the shown cycle's; trends
(:mod:`analysis.slopes`) and the step monitor (:mod:`analysis.monitoring`) use every cycle up
to the shown one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from analysis._moments import mean_and_variance
from analysis.monitoring import StepMonitor, monitor_step_drops
from analysis.overdispersion import OverdispersedFunnel, overdispersed_funnel
from analysis.rules import NETWORK_RULES, Rules
from analysis.slopes import NetworkSlopes, network_slopes
from analysis.vocabulary import Finding
from analysis.withinleader import LeaderComparison, compare_with_leaders

__all__ = ["Standing", "assess_standing", "assess_trends", "compare_window", "standing_window"]


@dataclass(frozen=True, slots=True)
class Standing:
    """The network's offices as the headline figures see them.

    Attributes
    ----------
    cycle : hashable
        The cycle shown; ``window`` the cycles its headline comparison pools.
    network, peers : mapping office -> LeaderComparison
    funnel : OverdispersedFunnel or None
        For ``funnel_offices`` (those rated in the shown cycle), in that order.
    slopes : NetworkSlopes or None
    monitor : StepMonitor or None
        Rows in the order of ``offices``.
    """

    cycle: Hashable
    window: tuple
    offices: tuple
    network: Mapping[Hashable, LeaderComparison]
    peers: Mapping[Hashable, LeaderComparison]
    funnel: OverdispersedFunnel | None
    funnel_offices: tuple
    slopes: NetworkSlopes | None
    monitor: StepMonitor | None

    def trend_verdict(self, office) -> Finding | None:
        if self.slopes is None or office not in self.offices:
            return None
        return self.slopes.verdicts[self.offices.index(office)]

    def monitor_verdict(self, office) -> Finding | None:
        if self.monitor is None or office not in self.offices:
            return None
        return self.monitor.verdicts[self.offices.index(office)]

    def funnel_position(self, office) -> Finding | None:
        if self.funnel is None or office not in self.funnel_offices:
            return None
        return self.funnel.positions[self.funnel_offices.index(office)]


def compare_window(ratings: Iterable[tuple], window: tuple, *,
                   peer_group: Mapping | None = None,
                   rules: Rules = NETWORK_RULES) -> tuple[dict, dict]:
    """The leader-adjusted comparisons over ``window`` (`compare_with_leaders`), against
    the network and, given ``peer_group``, against the peers: ``(by_network, by_peers)``,
    each ``{office: LeaderComparison}``. The one part of a standing read from the ratings
    row by row; it depends on nothing but the window's ratings, the peer groups and the
    rules, so a caller may keep it while those stand (`assess_standing`'s ``comparisons``).
    """
    ratings = list(ratings)
    options = {"cycles": tuple(window), "min_raters": rules.comparison.min_raters,
               "alpha": rules.comparison.false_discovery_rate}
    by_network = {c.office: c for c in compare_with_leaders(ratings, **options)}
    by_peers = {} if peer_group is None else {
        c.office: c for c in compare_with_leaders(ratings, peer_group=peer_group, **options)}
    return by_network, by_peers


def standing_window(network, cycle=None, rules: Rules = NETWORK_RULES) -> tuple:
    """The cycles the leader-adjusted comparison pools at ``cycle`` (default: the last):
    up to ``rules.comparison.window_cycles`` of the network's cycles, ending there."""
    cycles = list(network.cycles)
    if not cycles:
        raise ValueError("a standing needs at least one cycle")
    shown = cycles[-1] if cycle is None else cycle
    if shown not in cycles:
        raise ValueError(f"cycle {shown!r} is not one of the network's cycles")
    upto = cycles.index(shown) + 1
    return tuple(cycles[max(0, upto - rules.comparison.window_cycles):upto])


def assess_standing(network, ratings: Iterable[tuple], *, cycle=None,
                    peer_group: Mapping | None = None,
                    rules: Rules = NETWORK_RULES,
                    comparisons: tuple[dict, dict] | None = None) -> Standing:
    """The headline figures of every office at one cycle.

    Parameters
    ----------
    network : NetworkCounts
        Score counts, cycles in order.
    ratings : iterable of (rater_key, office, cycle, score)
        The same ratings one row each (for the leader-adjusted comparison).
    cycle : optional
        The cycle shown (default: the network's last).
    peer_group : mapping office -> group, optional
        E.g. department type; without it there is no peer comparison.
    rules : Rules
    comparisons : (dict, dict), optional
        What `compare_window` gave for this window, peer groups and rules, kept by the
        caller; ``ratings`` are then not read.

    Returns
    -------
    Standing

    Examples
    --------
    >>> from analysis import NetworkCounts
    >>> rows = [(f"L{r}", o, c, 4 + (o == "WDO") * 3 + r % 2) for c in ("1", "2", "3")
    ...         for r in range(6) for o in ("BDO", "WDO")]
    >>> counts = {}
    >>> for _, o, c, s in rows:
    ...     counts[o, c, s] = counts.get((o, c, s), 0) + 1
    >>> net = NetworkCounts.from_rows([(o, c, s, k) for (o, c, s), k in counts.items()])
    >>> standing = assess_standing(net, rows)
    >>> standing.window, str(standing.network["BDO"].flag)
    (('1', '2', '3'), 'below_leaders_other_offices')
    """
    window = standing_window(network, cycle, rules)
    shown = window[-1]
    upto = list(network.cycles).index(shown) + 1
    by_network, by_peers = comparisons if comparisons is not None else compare_window(
        ratings, window, peer_group=peer_group, rules=rules)

    n, mean, var = mean_and_variance(network.counts[:, :upto])
    n = n.astype(float)
    slopes, monitor = _trends(n, mean, var, rules)
    funnel = None
    funnel_offices: tuple = ()
    if np.any(n > 1):
        rated = np.flatnonzero(n[:, upto - 1] > 0)
        if rated.size >= 2 and np.nansum((n[rated, upto - 1] - 1) * np.nan_to_num(
                var[rated, upto - 1])) > 0:
            funnel = overdispersed_funnel(n[rated, upto - 1], mean[rated, upto - 1],
                                          var[rated, upto - 1])
            funnel_offices = tuple(network.offices[o] for o in rated.tolist())
    return Standing(shown, window, tuple(network.offices), by_network, by_peers, funnel,
                    funnel_offices, slopes, monitor)


def _trends(n, mean, var, rules: Rules, variances=None
            ) -> tuple[NetworkSlopes | None, StepMonitor | None]:
    slopes = monitor = None
    if variances.within_df > 0 if variances is not None else np.any(n > 1):
        slopes = network_slopes(n, mean, var, rules=rules.trend, variances=variances)
        if slopes.sigma2 > 0:
            monitor = monitor_step_drops(n, mean, slopes.sigma2, slopes.tau2,
                                         rules=rules.monitoring)
    return slopes, monitor


def assess_trends(network, *, rules: Rules = NETWORK_RULES, variances=None
                  ) -> tuple[NetworkSlopes | None, StepMonitor | None]:
    """Every office's trend and step monitor over all of ``network``'s cycles: the same
    figures as :func:`assess_standing` at the last cycle, without the comparisons (rows in
    the order of ``network.offices``; ``None`` when no cell has 2 ratings).

    ``variances`` (:func:`analysis.network_variances` of the whole network) when
    ``network`` holds only some of its offices: their rows are then those of the whole.

    Examples
    --------
    >>> from analysis import NetworkCounts
    >>> rows = [("BDO", str(c), s, 5) for c in range(1, 5) for s in (3 + c, 4 + c)]
    >>> slopes, monitor = assess_trends(NetworkCounts.from_rows(rows))
    >>> round(float(slopes.slope[0]), 6), str(slopes.verdicts[0])
    (1.0, 'improving')
    """
    n, mean, var = mean_and_variance(network.counts)
    return _trends(n.astype(float), mean, var, rules, variances)
