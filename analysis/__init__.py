"""Statistics for the rating service: summaries, trends, comparisons and publication rules.

Everything is computed from :class:`ScoreHistogram` values (counts of scores 1..10), so the
database sends a few thousand counts however many ratings there are. This package imports
numpy and scipy only, never Flask, SQLAlchemy or ``rating``.
"""

from analysis.histogram import ScoreHistogram
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
    "CellSummary",
    "MeanDifference",
    "ScoreHistogram",
    "Trend",
    "bca_interval",
    "brunner_munzel",
    "office_trend",
    "summarize",
    "summarize_counts",
    "welch_difference",
    "wilson_interval",
]
