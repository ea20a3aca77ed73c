"""Speed of the network analysis through histograms against the naive way, on SQLite.

Run: ``python benchmarks/analysis_speed.py [--sizes 100000 1000000]``. For each size it builds
that many ratings (200 offices x 25 cycles) in a temporary SQLite file and times
(a) one ``GROUP BY office, cycle, score``; (b) the whole-network analysis from those rows
through histograms (every cell summary, trend and comparison with EB shrinkage and rank
intervals; no bootstrap); (c) the naive way: all rows loaded and every group computed with
scipy on raw arrays. Peak memory of (b) is measured with tracemalloc. The last line printed
is one JSON object with every figure. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import NetworkCounts, analyse_network  # noqa: E402
from analysis.shrinkage import dersimonian_laird  # noqa: E402

OFFICES = 200
CYCLES = 25
SCORES = np.arange(1, 11)
GROUP_BY = "SELECT office, cycle, score, COUNT(*) FROM rating GROUP BY office, cycle, score"


def build_database(path: Path, ratings: int, seed: int) -> None:
    """Ratings with office-level means, some trends and some floor-heavy offices."""
    rng = np.random.default_rng(seed)
    office_level = rng.normal(0, 0.6, OFFICES)
    office_trend = rng.normal(0, 0.03, OFFICES)
    cell = rng.integers(0, OFFICES * CYCLES, ratings)
    office, cycle = cell // CYCLES, cell % CYCLES
    latent = 5.5 + office_level[office] + office_trend[office] * cycle + rng.normal(0, 2.2, ratings)
    floor_offices = office % 17 == 0
    latent[floor_offices] -= 3
    score = np.clip(np.rint(latent), 1, 10).astype(int)
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE rating (id INTEGER PRIMARY KEY, office TEXT NOT NULL, cycle INTEGER NOT"
        " NULL, rater INTEGER NOT NULL, score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10))"
    )
    names = [f"office {o:03d}" for o in range(OFFICES)]
    connection.executemany(
        "INSERT INTO rating (office, cycle, rater, score) VALUES (?, ?, ?, ?)",
        zip(
            (names[o] for o in office.tolist()),
            cycle.tolist(),
            range(ratings),  # one rating per rater, office and cycle, as the schema requires
            score.tolist(),
            strict=True,
        ),
    )
    connection.commit()
    connection.close()


def time_group_by(connection, repeats=3):
    best, rows = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        rows = connection.execute(GROUP_BY).fetchall()
        best = min(best, time.perf_counter() - started)
    return best, rows


def through_histograms(rows):
    network = NetworkCounts.from_rows(rows, cycle_order=list(range(CYCLES)))
    return analyse_network(network)


def time_histograms(rows, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        result = through_histograms(rows)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    through_histograms(rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak, result


def naive(connection, seed=1):
    """Everything from the raw rows with scipy, group by group."""
    rows = connection.execute("SELECT office, cycle, score FROM rating").fetchall()
    groups: dict[tuple[str, int], list[int]] = {}
    for office, cycle, score in rows:
        groups.setdefault((office, cycle), []).append(score)
    arrays = {key: np.array(values, dtype=float) for key, values in groups.items()}
    cells = {}
    for key, x in arrays.items():
        n = len(x)
        mean = x.mean()
        sd = x.std(ddof=1) if n > 1 else np.nan
        spread = n > 1 and sd > 0
        interval = (
            stats.t.interval(0.95, n - 1, loc=mean, scale=sd / np.sqrt(n)) if spread else None
        )
        share = stats.binomtest(int((x >= 7).sum()), n).proportion_ci(method="wilson")
        cells[key] = (n, mean, sd, np.median(x), interval, share)
    offices = sorted({office for office, _ in arrays})
    trends = {}
    for office in offices:
        keys = sorted(k for k in arrays if k[0] == office)
        x = np.concatenate([np.full(len(arrays[k]), k[1], dtype=float) for k in keys])
        y = np.concatenate([arrays[k] for k in keys])
        design = np.column_stack([np.ones_like(x), x])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        means = np.array([arrays[k].mean() for k in keys])
        positions = np.array([k[1] for k in keys], dtype=float)
        method = "exact" if len(np.unique(means)) == len(means) else "asymptotic"
        tau = stats.kendalltau(positions, means, method=method)
        theil = stats.theilslopes(means, positions)
        last, first = arrays[keys[-1]], arrays[keys[0]]
        first_last = None
        if len(first) > 1 and len(last) > 1 and first.var() > 0 and last.var() > 0:
            first_last = stats.ttest_ind(last, first, equal_var=False)
        trends[office] = (coef[1], tau, theil, first_last)
    comparisons = {}
    rng = np.random.default_rng(seed)
    for cycle in range(CYCLES):
        # offices under 5 raters are not compared (one rating per rater here); scipy warns
        # on a constant group, so those are left out of this baseline
        keys = [k for k in arrays if k[1] == cycle and len(arrays[k]) >= 5 and arrays[k].var()]
        p = []
        for key in keys:
            rest = np.concatenate([arrays[k] for k in keys if k != key])
            p.append(stats.ttest_ind(arrays[key], rest, equal_var=False).pvalue)
        q = stats.false_discovery_control(p)
        n = np.array([len(arrays[k]) for k in keys], dtype=float)
        means = np.array([arrays[k].mean() for k in keys])
        variances = np.array([arrays[k].var(ddof=1) for k in keys])
        pooled = ((n - 1) * variances).sum() / (n - 1).sum()
        mu, tau2 = dersimonian_laird(means, pooled / n)
        shrink = (pooled / n) / (pooled / n + tau2)
        eb = mu + (1 - shrink) * (means - mu)
        draws = eb + np.sqrt(pooled / n * (1 - shrink)) * rng.standard_normal((1000, len(keys)))
        ranks = stats.rankdata(-draws, axis=1)
        comparisons[cycle] = (q, eb, np.percentile(ranks, [2.5, 97.5], axis=0))
    return cells, trends, comparisons


def measure(size, seed, workdir):
    path = Path(workdir) / f"ratings_{size}.sqlite"
    started = time.perf_counter()
    build_database(path, size, seed)
    build_seconds = time.perf_counter() - started
    connection = sqlite3.connect(path)
    group_by, rows = time_group_by(connection)
    histograms, peak, result = time_histograms(rows)
    started = time.perf_counter()
    naive(connection)
    naive_seconds = time.perf_counter() - started
    connection.close()
    return {
        "ratings": size,
        "cells": len(result.cells),
        "group_by_rows": len(rows),
        "build_seconds": build_seconds,
        "a_group_by_seconds": group_by,
        "b_histograms_seconds": histograms,
        "a_plus_b_seconds": group_by + histograms,
        "c_naive_seconds": naive_seconds,
        "b_over_a": histograms / group_by,
        "c_over_b": naive_seconds / histograms,
        "c_over_a_plus_b": naive_seconds / (group_by + histograms),
        "b_peak_memory_bytes": peak,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=20240607)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        results = [measure(size, args.seed, workdir) for size in args.sizes]
    print(f"{OFFICES} offices x {CYCLES} cycles; best of 3 for (a) and (b), one run of (c)")
    head = (
        f"{'ratings':>9} {'(a) GROUP BY':>12} {'(b) hist':>9} {'(c) naive':>10}"
        f" {'b/a':>6} {'c/b':>7} {'c/(a+b)':>8} {'peak mem (b)':>13}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r['ratings']:>9} {r['a_group_by_seconds']:>11.3f}s {r['b_histograms_seconds']:>8.3f}s"
            f" {r['c_naive_seconds']:>9.2f}s {r['b_over_a']:>6.2f} {r['c_over_b']:>7.1f}"
            f" {r['c_over_a_plus_b']:>8.1f} {r['b_peak_memory_bytes'] / 2**20:>10.1f} MiB"
        )
    largest = max(results, key=lambda r: r["ratings"])
    peaks = [r["b_peak_memory_bytes"] for r in results]
    goals = {
        "b_within_2x_of_a": largest["b_over_a"] <= 2,
        "b_at_least_20x_faster_than_c": largest["c_over_b"] >= 20,
        "peak_memory_ratio_largest_to_smallest": peaks[-1] / peaks[0],
    }
    print(
        f"goals at {largest['ratings']} ratings: (b) <= 2x (a): {goals['b_within_2x_of_a']};"
        f" (c) >= 20x (b): {goals['b_at_least_20x_faster_than_c']};"
        f" peak memory ratio {goals['peak_memory_ratio_largest_to_smallest']:.2f}"
    )
    print(json.dumps({"results": results, "goals": goals}))


if __name__ == "__main__":
    main()
