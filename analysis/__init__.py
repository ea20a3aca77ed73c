"""Statistics for the rating service: summaries, trends, comparisons and publication rules.

Everything is computed from :class:`ScoreHistogram` values (counts of scores 1..10), so the
database sends a few thousand counts however many ratings there are. This package imports
numpy and scipy only, never Flask, SQLAlchemy or ``rating``.

Entry points: :func:`summarize` (one cell), :func:`office_trend` (one office over cycles),
:func:`compare_offices` (one cycle), :func:`shrink_means` (EB ranking), the
:mod:`analysis.privacy` rules, and :func:`analyse_network` / :func:`publish_network` for the
whole network in one pass.
"""

from analysis.beforeafter import BeforeAfter, before_after, publish_before_after
from analysis.compare import Comparison, bh_qvalues, compare_offices
from analysis.histogram import ScoreHistogram
from analysis.network import (
    NetworkAnalysis,
    NetworkCounts,
    PublishedNetwork,
    analyse_network,
    order_cycles,
    publish_network,
)
from analysis.privacy import (
    DEFAULT_RULES,
    PublicationRules,
    PublishedCell,
    PublishedComparison,
    PublishedTrend,
    count_band,
    group_suppression,
    publish_cell,
    publish_comparison,
    publish_trend,
    publishable_groups,
)
from analysis.quotes import NAME_REMOVED, NUMBER_REMOVED, redact_quote
from analysis.shrinkage import Shrinkage, ShrunkMean, dersimonian_laird, shrink_means
from analysis.summary import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    CellSummary,
    bca_interval,
    summarize,
    summarize_counts,
    wilson_interval,
)
from analysis.trend import Trend, office_trend
from analysis.twogroup import MeanDifference, brunner_munzel, welch_difference

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "DEFAULT_RULES",
    "BeforeAfter",
    "CellSummary",
    "Comparison",
    "MeanDifference",
    "NAME_REMOVED",
    "NUMBER_REMOVED",
    "NetworkAnalysis",
    "NetworkCounts",
    "PublicationRules",
    "PublishedCell",
    "PublishedComparison",
    "PublishedNetwork",
    "PublishedTrend",
    "ScoreHistogram",
    "Shrinkage",
    "ShrunkMean",
    "Trend",
    "analyse_network",
    "bca_interval",
    "before_after",
    "bh_qvalues",
    "brunner_munzel",
    "compare_offices",
    "count_band",
    "dersimonian_laird",
    "group_suppression",
    "office_trend",
    "order_cycles",
    "publish_before_after",
    "publish_cell",
    "publish_comparison",
    "publish_network",
    "publish_trend",
    "publishable_groups",
    "redact_quote",
    "shrink_means",
    "summarize",
    "summarize_counts",
    "welch_difference",
    "wilson_interval",
]
