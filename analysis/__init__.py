"""Statistics for the rating service: summaries, trends, comparisons and publication rules.

Everything is computed from :class:`ScoreHistogram` values (counts of scores 1..10), so the
database sends a few thousand counts however many ratings there are. This package imports
numpy and scipy only, never Flask, SQLAlchemy or ``rating``.

Entry points: :func:`summarize` (one cell), :func:`office_trend` (one office over cycles),
:func:`compare_offices` (one cycle), :func:`shrink_means` (EB ranking), the
:mod:`analysis.privacy` rules, :func:`funnel_limits`, and :func:`analyse_network` /
:func:`network_trends` / :func:`publish_network` for the whole network in one pass.

Every threshold is in :class:`Rules` (:mod:`analysis.rules`); every flag, verdict and
withheld reason is a :class:`Finding`, a code with its parameters (:mod:`analysis.vocabulary`),
never a sentence.
"""

from analysis.beforeafter import BeforeAfter, before_after, publish_before_after
from analysis.compare import Comparison, bh_qvalues, compare_offices
from analysis.funnel import funnel_limits
from analysis.histogram import ScoreHistogram
from analysis.network import (
    NetworkAnalysis,
    NetworkCounts,
    PublishedNetwork,
    analyse_network,
    network_trends,
    order_cycles,
    publish_network,
    staff_network,
)
from analysis.privacy import (
    PublishedCell,
    PublishedComparison,
    PublishedTrend,
    count_band,
    count_distributions,
    distribution_suppression,
    group_suppression,
    participation_band,
    publish_cell,
    publish_comparison,
    publish_trend,
    publishable_groups,
    variance_suppression,
)
from analysis.quotes import NAME_REMOVED, NUMBER_REMOVED, redact_quote
from analysis.rules import (
    DEFAULT_RULES,
    NETWORK_RULES,
    BeforeAfterRules,
    ComparisonRules,
    PublicationRules,
    Rules,
    TrendRules,
)
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
from analysis.vocabulary import (
    CellFlag,
    ChangeVerdict,
    Code,
    ComparisonFlag,
    Finding,
    TrendVerdict,
    Withheld,
    jsonable,
)

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "DEFAULT_RULES",
    "NETWORK_RULES",
    "BeforeAfter",
    "BeforeAfterRules",
    "CellFlag",
    "CellSummary",
    "ChangeVerdict",
    "Code",
    "Comparison",
    "ComparisonFlag",
    "ComparisonRules",
    "Finding",
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
    "Rules",
    "ScoreHistogram",
    "Shrinkage",
    "ShrunkMean",
    "Trend",
    "TrendRules",
    "TrendVerdict",
    "Withheld",
    "analyse_network",
    "bca_interval",
    "before_after",
    "bh_qvalues",
    "brunner_munzel",
    "compare_offices",
    "count_band",
    "count_distributions",
    "dersimonian_laird",
    "distribution_suppression",
    "funnel_limits",
    "group_suppression",
    "jsonable",
    "network_trends",
    "office_trend",
    "order_cycles",
    "participation_band",
    "publish_before_after",
    "publish_cell",
    "publish_comparison",
    "publish_network",
    "publish_trend",
    "publishable_groups",
    "redact_quote",
    "shrink_means",
    "staff_network",
    "summarize",
    "summarize_counts",
    "variance_suppression",
    "welch_difference",
    "wilson_interval",
]
