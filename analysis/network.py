"""The whole network of office x cycle histograms, analysed in one pass.

API (what the web service and the command line call)
-----------------------------------------------------
``NetworkCounts`` (:mod:`analysis.networkcounts`, re-exported here)
    The counts of every office x cycle cell, from ``GROUP BY`` rows or histograms.
``analyse_network(network, rules=NETWORK_RULES) -> NetworkAnalysis``
    Every cell's summary, every office's trend, every cycle's comparisons with EB shrinkage
    and rank intervals. No bootstrap (ask :func:`analysis.summarize` for one cell).
``network_trends(network, rules=NETWORK_RULES) -> tuple[Trend, ...]``
    Every office's trend alone, without the comparisons.
``publish_network(network, rules=NETWORK_RULES) -> PublishedNetwork``
    The same after the publication rules: withheld cells are removed before trends and
    comparisons are computed, so nothing withheld can be recovered from them.

Time and memory grow with offices x cycles, never with the number of ratings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from analysis._moments import mean_and_variance
from analysis.compare import Comparison, compare_counts
from analysis.networkcounts import NetworkCounts, order_cycles
from analysis.privacy import group_suppression
from analysis.published import (
    PublishedCell,
    PublishedComparison,
    PublishedTrend,
    publish_cell,
    publish_comparison,
    publish_trend,
)
from analysis.rules import NETWORK_RULES, PublicationRules, Rules
from analysis.shrinkage import RANK_SEED, RANK_SIMULATIONS
from analysis.standing import Standing, assess_standing
from analysis.summary import CellSummary, _cell_figures, _summaries_from_figures
from analysis.trend import Trend, trend_from_arrays

__all__ = [
    "NetworkAnalysis",
    "NetworkCounts",
    "PublishedNetwork",
    "analyse_network",
    "network_trends",
    "order_cycles",
    "publish_network",
    "staff_network",
]


@dataclass(frozen=True, slots=True)
class NetworkAnalysis:
    """Every cell summary, trend and comparison of a network (unrounded)."""

    cells: tuple[CellSummary, ...]
    trends: tuple[Trend, ...]
    comparisons: tuple[Comparison, ...]
    standing: Standing | None = None  # the headline figures, when ratings were given

    def to_dict(self, rules: Rules = NETWORK_RULES) -> dict:
        """Every figure as a dict; each cell also says whether it could be published and why
        not. Codes are :class:`~analysis.vocabulary.Finding` values (see
        :func:`analysis.vocabulary.jsonable`)."""
        cells = []
        for cell in self.cells:
            figures = cell.to_dict()
            reason = group_suppression(cell, rules.publication)
            figures["publishable"] = reason is None
            figures["suppressed_reason"] = reason
            cells.append(figures)
        return {
            "cells": cells,
            "trends": [trend.to_dict() for trend in self.trends],
            "comparisons": [comparison.to_dict() for comparison in self.comparisons],
        }


@dataclass(frozen=True, slots=True)
class PublishedNetwork:
    """The network's figures after the publication rules."""

    cells: tuple[PublishedCell, ...]
    trends: tuple[PublishedTrend, ...]
    comparisons: tuple[PublishedComparison, ...]

    def to_dict(self) -> dict:
        return {
            "cells": [cell.to_dict() for cell in self.cells],
            "trends": [trend.to_dict() for trend in self.trends],
            "comparisons": [comparison.to_dict() for comparison in self.comparisons],
        }


def _rules(rules: Rules | PublicationRules) -> Rules:
    """A full set of rules (publication rules alone keep the others' defaults)."""
    if isinstance(rules, PublicationRules):
        return Rules(publication=rules)
    if not isinstance(rules, Rules):
        raise ValueError(f"expected analysis.Rules, got {rules!r}")
    return rules


def _trends(network, office_idx, cycle_idx, n, mean, var, confidence, rules) -> list[Trend]:
    """Each office's trend from its rated cells (office-major order, cycles sorted)."""
    trend_rules = rules.trend
    trends = []
    bounds = np.flatnonzero(np.diff(office_idx)) + 1
    starts = np.concatenate([[0], bounds]).tolist()
    ends = np.concatenate([bounds, [office_idx.size]]).tolist()
    for start, end in zip(starts, ends, strict=True):
        if start == end:
            continue
        positions = cycle_idx[start:end].tolist()
        trends.append(
            trend_from_arrays(
                network.offices[int(office_idx[start])],
                [network.cycles[p] for p in positions],
                positions,
                n[start:end],
                mean[start:end],
                var[start:end],
                confidence=confidence,
                min_cycles=trend_rules.min_cycles,
                min_n=trend_rules.min_n,
                min_change=trend_rules.min_change,
            )
        )
    return trends


def network_trends(
    network: NetworkCounts, *, confidence: float = 0.95, rules: Rules = NETWORK_RULES
) -> tuple[Trend, ...]:
    """Every office's trend over the network's cycles, and nothing else (no comparisons).

    The same trends as :func:`analyse_network` gives, from every cell's n, mean and variance
    at once.

    Examples
    --------
    >>> net = NetworkCounts.from_rows([("BDO", str(c), 3 + c, 6) for c in range(5)])
    >>> [(t.office, t.slope, str(t.verdict)) for t in network_trends(net)]
    [('BDO', 1.0, 'no_clear_change')]
    """
    n_cell, mean, var = mean_and_variance(network.counts)
    office_idx, cycle_idx = np.nonzero(n_cell)
    return tuple(
        _trends(
            network,
            office_idx,
            cycle_idx,
            n_cell[office_idx, cycle_idx].astype(float),
            mean[office_idx, cycle_idx],
            var[office_idx, cycle_idx],
            confidence,
            _rules(rules),
        )
    )


def analyse_network(
    network: NetworkCounts,
    *,
    confidence: float = 0.95,
    rules: Rules = NETWORK_RULES,
    rank_simulations: int = RANK_SIMULATIONS,
    seed: int = RANK_SEED,
    ratings: Iterable[tuple] | None = None,
    peer_group: Mapping | None = None,
) -> NetworkAnalysis:
    """Summaries, trends and comparisons of a whole network in one vectorised pass.

    Parameters
    ----------
    network : NetworkCounts
    confidence : float
    rules : Rules
        The comparison and trend rules (minimum raters to be compared, the false discovery
        rate, the cycles a verdict needs ...).
    rank_simulations, seed : int
        For the EB rank intervals.
    ratings : iterable of (rater_key, office, cycle, score), optional
        The same ratings one row each: then ``standing`` holds the headline figures
        (:func:`analysis.standing.assess_standing`: the leader-adjusted comparison, peers by
        ``peer_group``, the overdispersed funnel, slopes with cycle shocks, the CUSUM).

    Returns
    -------
    NetworkAnalysis
        ``cells`` ordered by office then cycle; ``trends`` by office; ``comparisons`` by
        cycle then office. Cells without ratings are left out. ``comparisons`` are the
        per-cycle Welch comparisons, kept for the cell tables; the headline flag is
        ``standing``'s.

    Notes
    -----
    Identical figures to :func:`analysis.summarize`, :func:`analysis.office_trend` and
    :func:`analysis.compare_offices` called cell by cell (the tests check this); see those
    for the methods and references. Per-cell figures are computed for all cells at once.

    Examples
    --------
    >>> net = NetworkCounts.from_rows([("BDO", "1", 7, 3), ("BDO", "1", 2, 2),
    ...                                ("WDO", "1", 9, 5), ("WDO", "1", 8, 1)])
    >>> result = analyse_network(net)
    >>> [str(c.flag) for c in result.comparisons]
    ['below_network', 'above_network']
    """
    rules = _rules(rules)
    counts = network.counts
    n_cell = counts.sum(axis=2)
    office_idx, cycle_idx = np.nonzero(n_cell)
    flat = counts[office_idx, cycle_idx]
    figures = _cell_figures(flat, confidence)
    raters_flat = [None if r < 0 else r for r in network.raters[office_idx, cycle_idx].tolist()]
    office_names = [network.offices[o] for o in office_idx.tolist()]
    cycle_names = [network.cycles[c] for c in cycle_idx.tolist()]
    cells = _summaries_from_figures(figures, office_names, cycle_names, raters_flat)
    trends = _trends(
        network, office_idx, cycle_idx, figures["n"], figures["mean"], figures["var"],
        confidence, rules,
    )

    comparison_rules = rules.comparison
    comparisons = []
    for c, cycle in enumerate(network.cycles):
        present = np.flatnonzero(n_cell[:, c])
        if present.size == 0:
            continue
        comparisons.extend(
            compare_counts(
                [network.offices[o] for o in present.tolist()],
                counts[present, c],
                [None if r < 0 else r for r in network.raters[present, c].tolist()],
                cycle,
                min_raters=comparison_rules.min_raters,
                alpha=comparison_rules.false_discovery_rate,
                floor_check_below_n=comparison_rules.floor_check_below_n,
                confidence=confidence,
                rank_simulations=rank_simulations,
                seed=seed,
            )
        )
    standing = None
    if ratings is not None and network.cycles:
        standing = assess_standing(network, ratings, peer_group=peer_group, rules=rules)
    return NetworkAnalysis(tuple(cells), tuple(trends), tuple(comparisons), standing)


def staff_network(
    network: NetworkCounts, rules: Rules | PublicationRules = NETWORK_RULES
) -> NetworkCounts:
    """The cells the staff pages may show and compute from: every cell of fewer than
    ``min_ratings_staff`` ratings emptied, so that no network mean, "rest of the network",
    trend or pool the pages show contains a group they do not show.

    Examples
    --------
    >>> net = NetworkCounts.from_rows([("BDO", "1", 7, 2), ("WDO", "1", 9, 5)])
    >>> staff_network(net).pooled("1").n
    5
    """
    minimum = _rules(rules).publication.min_ratings_staff
    small = np.argwhere((network.counts.sum(axis=2) > 0) & (network.counts.sum(axis=2) < minimum))
    if not small.size:
        return network
    return network.without((network.offices[o], network.cycles[c]) for o, c in small.tolist())


def publish_network(
    network: NetworkCounts,
    rules: Rules | PublicationRules = NETWORK_RULES,
    *,
    confidence: float = 0.95,
    rank_simulations: int = RANK_SIMULATIONS,
    seed: int = RANK_SEED,
) -> PublishedNetwork:
    """The network's figures as they may leave the network.

    Every cell is listed (withheld ones with their reason). Withheld cells are emptied
    before trends and comparisons are computed: trends use publishable cycles only, and
    comparisons (and their "rest of the network") publishable offices only.

    Examples
    --------
    >>> net = NetworkCounts.from_rows([("BDO", "1", 7, 3), ("WDO", "1", 9, 5), ("WDO", "1", 8, 1)])
    >>> [cell.suppressed_reason for cell in publish_network(net).cells]
    [Withheld.FEW_RATERS(min_raters=5), None]
    """
    rules = _rules(rules)
    publication = rules.publication
    full = analyse_network(
        network, confidence=confidence, rules=rules, rank_simulations=rank_simulations,
        seed=seed,
    )
    published_cells = tuple(publish_cell(cell, publication) for cell in full.cells)
    # Withheld cells, and those whose variance would pin their scores, enter no trend and
    # no "rest of the network".
    withheld = [(cell.office, cell.cycle) for cell in published_cells if not cell.analysable]
    kept = network.without(withheld) if withheld else network
    # Only publishable offices are compared: the stricter of the two rater thresholds.
    min_raters = max(rules.comparison.min_raters, publication.min_raters_mean)
    published = analyse_network(
        kept,
        confidence=confidence,
        rules=replace(rules, comparison=replace(rules.comparison, min_raters=min_raters)),
        rank_simulations=rank_simulations,
        seed=seed,
    )
    return PublishedNetwork(
        cells=published_cells,
        trends=tuple(publish_trend(trend, publication) for trend in published.trends),
        comparisons=tuple(publish_comparison(c, publication) for c in published.comparisons),
    )
