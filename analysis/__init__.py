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

from analysis.compare import Comparison, bh_qvalues, compare_offices
from analysis.cycleorder import order_cycle_labels
from analysis.funnel import funnel_limits
from analysis.histogram import ScoreHistogram
from analysis.lettercheck import (
    LetterCheck,
    LetterEffect,
    letter_check,
    letter_effect,
    publish_letter_effect,
    staff_letter_figures,
    trigger_cycles,
)
from analysis.monitoring import StepMonitor, cusum_limit, monitor_step_drops
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
from analysis.overdispersion import OverdispersedFunnel, overdispersed_funnel
from analysis.permutation import StratifiedRankTest, stratified_rank_test
from analysis.privacy import (
    count_band,
    count_distributions,
    distribution_suppression,
    group_suppression,
    participation_band,
    publishable_groups,
    variance_suppression,
)
from analysis.published import (
    PublishedCell,
    PublishedComparison,
    PublishedTrend,
    publish_cell,
    publish_comparison,
    publish_trend,
)
from analysis.quotes import NAME_REMOVED, NUMBER_REMOVED, redact_quote
from analysis.raters import OneRatingPerRater, one_rating_per_rater
from analysis.rules import (
    DEFAULT_RULES,
    NETWORK_RULES,
    BeforeAfterRules,
    ComparisonRules,
    MonitoringRules,
    PublicationRules,
    Rules,
    TrendRules,
)
from analysis.shrinkage import Shrinkage, ShrunkMean, dersimonian_laird, shrink_means
from analysis.slopes import NetworkSlopes, OfficeSlope, network_slopes, shock_variance
from analysis.standing import (
    Standing,
    assess_standing,
    assess_trends,
    compare_window,
    standing_window,
)
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
from analysis.variances import (
    OFFICE_SUM_FIELDS,
    NetworkVariances,
    network_variances,
    office_sums,
)
from analysis.vocabulary import (
    CellFlag,
    ChangeVerdict,
    Code,
    ComparisonFlag,
    Finding,
    FunnelPosition,
    MonitorVerdict,
    TrendVerdict,
    Withheld,
    jsonable,
)
from analysis.withinleader import LeaderComparison, compare_with_leaders

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "DEFAULT_RULES",
    "NAME_REMOVED",
    "NETWORK_RULES",
    "NUMBER_REMOVED",
    "OFFICE_SUM_FIELDS",
    "BeforeAfterRules",
    "CellFlag",
    "CellSummary",
    "ChangeVerdict",
    "Code",
    "Comparison",
    "ComparisonFlag",
    "ComparisonRules",
    "Finding",
    "FunnelPosition",
    "LeaderComparison",
    "LetterCheck",
    "LetterEffect",
    "MeanDifference",
    "MonitorVerdict",
    "MonitoringRules",
    "NetworkAnalysis",
    "NetworkCounts",
    "NetworkSlopes",
    "NetworkVariances",
    "OfficeSlope",
    "OneRatingPerRater",
    "OverdispersedFunnel",
    "PublicationRules",
    "PublishedCell",
    "PublishedComparison",
    "PublishedNetwork",
    "PublishedTrend",
    "Rules",
    "ScoreHistogram",
    "Shrinkage",
    "ShrunkMean",
    "Standing",
    "StepMonitor",
    "StratifiedRankTest",
    "Trend",
    "TrendRules",
    "TrendVerdict",
    "Withheld",
    "analyse_network",
    "assess_standing",
    "compare_window",
    "standing_window",
    "assess_trends",
    "bca_interval",
    "bh_qvalues",
    "brunner_munzel",
    "compare_offices",
    "compare_with_leaders",
    "count_band",
    "cusum_limit",
    "count_distributions",
    "dersimonian_laird",
    "distribution_suppression",
    "funnel_limits",
    "group_suppression",
    "jsonable",
    "letter_check",
    "letter_effect",
    "monitor_step_drops",
    "network_slopes",
    "network_variances",
    "network_trends",
    "office_sums",
    "office_trend",
    "one_rating_per_rater",
    "order_cycle_labels",
    "order_cycles",
    "overdispersed_funnel",
    "participation_band",
    "publish_cell",
    "publish_comparison",
    "publish_letter_effect",
    "publish_network",
    "publish_trend",
    "publishable_groups",
    "redact_quote",
    "shock_variance",
    "shrink_means",
    "staff_letter_figures",
    "stratified_rank_test",
    "staff_network",
    "summarize",
    "summarize_counts",
    "variance_suppression",
    "trigger_cycles",
    "welch_difference",
    "wilson_interval",
]
