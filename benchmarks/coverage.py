"""Coverage of the t and Wilson intervals for n = 3..30, and false alarms of the trend verdict.

Run: ``python benchmarks/coverage.py [--reps 20000] [--trend-reps 2000]``. Prints a table and,
as its last line, one JSON object with every figure measured. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import ScoreHistogram, office_trend  # noqa: E402
from analysis.summary import _cell_figures  # noqa: E402

SCORES = np.arange(1, 11)


def _normalise(weights):
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


DISTRIBUTIONS = {
    "middling": _normalise(np.exp(-((SCORES - 5.5) ** 2) / (2 * 2.0**2))),
    "ceiling": _normalise([1, 1, 1, 1, 2, 3, 6, 12, 25, 48]),
    "floor": _normalise([48, 25, 12, 6, 3, 2, 1, 1, 1, 1]),
    "polarised": _normalise([35, 8, 3, 2, 2, 2, 2, 3, 8, 35]),
}
SIZES = list(range(3, 31))


def interval_coverage(probabilities, n, reps, rng):
    """Coverage of the t-interval (true mean) and Wilson (true share at 7+) at size n."""
    counts = rng.multinomial(n, probabilities, size=reps)
    figures = _cell_figures(counts)
    true_mean = probabilities @ SCORES
    true_share = probabilities[6:].sum()
    has_interval = ~np.isnan(figures["ci_low"])
    covered = has_interval & (figures["ci_low"] <= true_mean) & (true_mean <= figures["ci_high"])
    wilson = (figures["share_low"] <= true_share) & (true_share <= figures["share_high"])
    given = int(has_interval.sum())
    return {
        "t_coverage": covered.sum() / given if given else None,
        "no_interval": 1 - given / reps,
        "wilson_coverage": float(wilson.mean()),
    }


def trend_false_alarms(probabilities, cycles, heterogeneity, reps, rng):
    """Share of no-trend offices called improving/declining, and of slope CIs excluding 0."""
    verdicts = 0
    excludes_zero = 0
    naive_excludes_zero = 0
    for _ in range(reps):
        by_position = {}
        x_all, y_all = [], []
        for position in range(cycles):
            n = int(rng.integers(5, 16))
            # a cycle-level wobble with no trend: tilt the score distribution at random
            tilt = rng.normal(0, heterogeneity)
            p = _normalise(probabilities * np.exp(tilt * SCORES))
            counts = rng.multinomial(n, p)
            by_position[position] = ScoreHistogram.from_counts(counts.tolist())
            x_all.append(np.full(n, position))
            y_all.append(np.repeat(SCORES, counts))
        trend = office_trend(by_position)
        verdicts += trend.verdict in ("improving", "declining")
        ci = trend.slope_ci95
        excludes_zero += ci is not None and (ci[0] > 0 or ci[1] < 0)
        naive_excludes_zero += _ols_excludes_zero(np.concatenate(x_all), np.concatenate(y_all))
    return verdicts / reps, excludes_zero / reps, naive_excludes_zero / reps


def _ols_excludes_zero(x, y):
    """Plain least squares on the individual ratings, its usual t interval for the slope."""
    from scipy import stats

    design = np.column_stack([np.ones_like(x, dtype=float), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    df = len(y) - 2
    sigma2 = residual @ residual / df
    sxx = ((x - x.mean()) ** 2).sum()
    if sigma2 == 0:
        return False
    half = stats.t.ppf(0.975, df) * np.sqrt(sigma2 / sxx)
    return abs(coef[1]) > half


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=20000, help="samples per (distribution, n)")
    parser.add_argument("--trend-reps", type=int, default=1000, help="offices per trend case")
    parser.add_argument("--seed", type=int, default=20240606)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()

    coverage = {}
    for name, probabilities in DISTRIBUTIONS.items():
        coverage[name] = {n: interval_coverage(probabilities, n, args.reps, rng) for n in SIZES}

    print(f"Coverage of nominal 95% intervals, {args.reps} samples per cell")
    print("t = t-interval for the mean (samples with an interval); none = share with no")
    print("interval (all ratings equal); W = Wilson interval for the share at 7+")
    header = "   n  " + "  ".join(f"{name:^22}" for name in DISTRIBUTIONS)
    print(header)
    print("      " + "  ".join(f"{'t':>6} {'none':>6} {'W':>6}  " for _ in DISTRIBUTIONS))
    for n in SIZES:
        cells = []
        for name in DISTRIBUTIONS:
            c = coverage[name][n]
            t = "   -  " if c["t_coverage"] is None else f"{c['t_coverage']:6.3f}"
            cells.append(f"{t} {c['no_interval']:6.3f} {c['wilson_coverage']:6.3f}  ")
        print(f"{n:4d}  " + "  ".join(cells))

    print()
    print(f"Trend verdict on data with no trend ({args.trend_reps} offices per row; cycles")
    print("of 5-15 ratings; wobble = SD of a random per-cycle tilt of the distribution)")
    print(
        f"{'distribution':<12} {'cycles':>6} {'wobble':>6} {'verdict':>8} {'CI!=0':>7} {'OLS!=0':>7}"
    )
    trends = []
    for name, probabilities in DISTRIBUTIONS.items():
        for cycles in (4, 6, 10):
            for heterogeneity in (0.0, 0.1):
                verdict, ci, naive = trend_false_alarms(
                    probabilities, cycles, heterogeneity, args.trend_reps, rng
                )
                trends.append(
                    {
                        "distribution": name,
                        "cycles": cycles,
                        "wobble": heterogeneity,
                        "verdict_false_alarm": verdict,
                        "slope_ci_excludes_0": ci,
                        "ols_ci_excludes_0": naive,
                    }
                )
                print(
                    f"{name:<12} {cycles:>6} {heterogeneity:>6.2f} {verdict:>8.3f} {ci:>7.3f}"
                    f" {naive:>7.3f}"
                )
    elapsed = time.perf_counter() - started
    print(f"\n{elapsed:.1f} s")
    figures = {
        "reps": args.reps,
        "trend_reps": args.trend_reps,
        "seed": args.seed,
        "coverage": {
            name: {str(n): values for n, values in by_n.items()} for name, by_n in coverage.items()
        },
        "trend_no_trend": trends,
        "seconds": elapsed,
    }
    print(json.dumps(figures, default=float))


if __name__ == "__main__":
    main()
