"""Whole simulated networks: today's methods against the new ones, scenario by scenario.

Run: ``python benchmarks/coverage.py [--networks 2000] [--seed N] [--only NAME]``. For each
scenario of :mod:`benchmarks._networks` (textbook; leader bias; block bias; ceiling; floor;
offices truly differing; a real trend; a step drop; a letter with no effect) it simulates
``--networks`` networks and measures, for today's methods (Welch + BH per cycle, the
Knapp-Hartung trend verdict, the plain funnel, before/after on the nearest cycles) and the
new ones (leader-adjusted 3-cycle window with van Elteren p-values and BH, peers, slopes with
cycle shocks, CUSUM, letter check with triggers left out and difference in differences):
the chance of at least one false flag per cycle, power, interval coverage (mean, share,
slope), trend and step false alarms, and "higher after" with no true change. Prints a table
side by side and, as its last line, one JSON object with every figure. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import (  # noqa: E402
    ChangeVerdict,
    ComparisonFlag,
    MonitorVerdict,
    NetworkCounts,
    ScoreHistogram,
    TrendVerdict,
    letter_check,
    monitor_step_drops,
    network_slopes,
    network_trends,
    overdispersed_funnel,
    welch_difference,
)
from analysis._moments import mean_and_variance  # noqa: E402
from analysis.compare import compare_counts  # noqa: E402
from analysis.summary import _cell_figures  # noqa: E402
from analysis.withinleader import compare_arrays  # noqa: E402
from benchmarks._networks import (  # noqa: E402
    BASES,
    LEADERS,
    OFFICES,
    SCENARIOS,
    SCORES,
    TYPES,
    calibrated,
    simulate,
)

LOW = (ComparisonFlag.BELOW_NETWORK, ComparisonFlag.BELOW_LEADERS_OTHERS,
       ComparisonFlag.BELOW_PEERS)
HIGH = (ComparisonFlag.ABOVE_NETWORK, ComparisonFlag.ABOVE_LEADERS_OTHERS,
        ComparisonFlag.ABOVE_PEERS)
NAMES = tuple(range(OFFICES))


def today_flags(net, cycle: int) -> np.ndarray:
    """-1 below, +1 above, 0 otherwise: Welch + BH in one cycle (compare_counts)."""
    counts = net.counts[:, cycle]
    rated = np.flatnonzero(counts.sum(axis=1))
    result = compare_counts(list(rated), counts[rated], net.raters[rated, cycle].tolist(),
                            rank_simulations=10)
    flags = np.zeros(OFFICES, dtype=int)
    for office, comparison in zip(rated, result, strict=True):
        flags[office] = -1 if comparison.flag in LOW else 1 if comparison.flag in HIGH else 0
    return flags


def new_flags(net, cycles, peers: bool) -> np.ndarray:
    """-1/+1/0 from the leader-adjusted comparison over a window of cycles."""
    keep = np.isin(net.cycle, cycles)
    rater, office, cycle, score = (a[keep] for a in (net.rater, net.office, net.cycle,
                                                     net.score))
    stratum = rater * 64 + cycle
    if peers:
        stratum = stratum * TYPES + net.office_type[office]
    pairs = np.unique(office * LEADERS + rater)
    distinct = np.bincount(pairs // LEADERS, minlength=OFFICES)
    groups = net.office_type.tolist() if peers else [None] * OFFICES
    result = compare_arrays(stratum, office, score.astype(float), NAMES, distinct, groups,
                            cycles=tuple(cycles), peers=peers, min_raters=5, alpha=0.05)
    return np.array([-1 if c.flag in LOW else 1 if c.flag in HIGH else 0 for c in result])


def _cells(net):
    n, mean, var = mean_and_variance(net.counts)
    return n.astype(float), mean, var


def measure_flags(net, out):
    c_total = net.scenario.cycles
    today = np.mean([np.any(today_flags(net, c) != 0) for c in range(c_total)])
    out["today: P(any false flag) per cycle"].append(today)
    window = list(range(c_total))
    out["new: P(any false flag), network"].append(np.any(new_flags(net, window, False) != 0))
    out["new: P(any false flag), peers"].append(np.any(new_flags(net, window, True) != 0))


def measure_cells(net, out):
    flat = net.counts.reshape(-1, 10)
    flat = flat[flat.sum(axis=1) > 0]
    figures = _cell_figures(flat)
    base = BASES[net.scenario.base]
    true_mean, true_share = base @ SCORES, base[6:].sum()
    given = ~np.isnan(figures["ci_low"])
    covered = given & (figures["ci_low"] <= true_mean) & (true_mean <= figures["ci_high"])
    out["mean interval coverage (cells with one)"].append(covered.sum() / max(given.sum(), 1))
    out["share 7+ interval coverage"].append(np.mean(
        (figures["share_low"] <= true_share) & (true_share <= figures["share_high"])))


def _power(flags, effect):
    differs = effect != 0
    right = (flags == np.sign(effect)) & differs
    wrong = (flags != 0) & ~differs
    flagged = int((flags != 0).sum())
    return right.sum() / max(differs.sum(), 1), wrong.sum() / max(flagged, 1)


def measure_power(net, out):
    c_total = net.scenario.cycles
    power, fdp = zip(*[_power(today_flags(net, c), net.effect) for c in range(c_total)],
                     strict=True)
    out["today: power per office-cycle"].append(np.mean(power))
    out["today: false discovery proportion"].append(np.mean(fdp))
    for peers, name in ((False, "network"), (True, "peers")):
        p, f = _power(new_flags(net, list(range(c_total)), peers), net.effect)
        out[f"new: power per office, 3-cycle window, {name}"].append(p)
        out[f"new: false discovery proportion, {name}"].append(f)


def measure_funnel(net, out):
    n, mean, var = _cells(net)
    c = net.scenario.cycles - 1
    rated = n[:, c] > 0
    nc, mc, vc = n[rated, c], mean[rated, c], var[rated, c]
    pooled = net.counts[rated, c].sum(axis=0)
    centre = pooled @ SCORES / pooled.sum()
    sd = np.sqrt(pooled @ (SCORES - centre) ** 2 / (pooled.sum() - 1))
    z = (mc - centre) / (sd / np.sqrt(nc))
    out["today: funnel, outside 95%"].append(np.mean(np.abs(z) > 1.96))
    out["today: funnel, outside 99.8%"].append(np.mean(np.abs(z) > 3.09))
    funnel = overdispersed_funnel(nc, mc, vc)
    z_new = np.abs(np.array(funnel.z))
    out["new: funnel, outside 95%"].append(np.mean(z_new > 1.96))
    out["new: funnel, outside 99.8%"].append(np.mean(z_new > 3.09))


def _today_trends(net, cycles=None):
    counts = net.counts if cycles is None else net.counts[:, :cycles]
    network = NetworkCounts(NAMES, tuple(range(counts.shape[1])), counts.copy(),
                            net.raters[:, :counts.shape[1]].copy())
    trends = {t.office: t for t in network_trends(network)}
    return [trends.get(o) for o in NAMES]


def measure_trend(net, out, step=False):
    n, mean, var = _cells(net)
    trends = _today_trends(net)
    slopes = network_slopes(n, mean, var)
    moving, flat = net.effect == 1, net.effect == 0
    today_down = np.array([t is not None and t.verdict == TrendVerdict.DECLINING
                           for t in trends])
    today_any = np.array([t is not None and t.verdict in (TrendVerdict.DECLINING,
                                                          TrendVerdict.IMPROVING)
                          for t in trends])
    new_down = np.array([v == TrendVerdict.DECLINING for v in slopes.verdicts])
    new_any = np.array([v in (TrendVerdict.DECLINING, TrendVerdict.IMPROVING)
                        for v in slopes.verdicts])
    what = "step" if step else "decline"
    out[f"today: verdict 'declining' catches the {what}"].append(today_down[moving].mean())
    out[f"new: slope verdict catches the {what}"].append(new_down[moving].mean())
    out["today: trend false alarms per office"].append(today_any[flat].mean())
    out["new: trend false alarms per office"].append(new_any[flat].mean())
    if step:
        monitor = monitor_step_drops(n, mean, slopes.sigma2, slopes.tau2)
        alarm = np.array([v == MonitorVerdict.STEP_DROP for v in monitor.verdicts])
        out["new: CUSUM catches the step by the last cycle"].append(alarm[moving].mean())
        out["new: CUSUM false alarms per office"].append(alarm[flat].mean())
        return
    today_cover = [t.slope_ci95[0] <= 0 <= t.slope_ci95[1] for t, f in zip(trends, flat,
                   strict=True) if f and t is not None and t.slope_ci95 is not None]
    out["today: slope interval coverage"].append(np.mean(today_cover))
    new_cover = (slopes.low <= 0) & (slopes.high >= 0)
    out["new: slope interval coverage"].append(new_cover[flat & ~np.isnan(slopes.low)].mean())


def old_before_after(hist: dict, after_from: int, window: int = 3):
    """Today's method before this issue (the service's old ``before_after``): the nearest
    ``window`` rated cycles on each side pooled, Welch's difference of the pooled ratings.
    Returns ``(verdict is "higher after", difference or None)``."""
    rated = [c for c in sorted(hist) if hist[c].n]
    before = [hist[c] for c in rated if c < after_from][-window:]
    after = [hist[c] for c in rated if c >= after_from][:window]
    if not before or not after:
        return False, None

    def pool(hists):
        return ScoreHistogram(tuple(int(sum(col)) for col in zip(*(h.counts for h in hists),
                                                                  strict=True)))
    b, a = pool(before), pool(after)
    if b.n < 5 or a.n < 5:
        return False, None
    difference = welch_difference(a, b)
    higher = difference.ci95 is not None and difference.ci95[0] > 0
    return higher, difference.diff


def measure_letter(net, out):
    t = net.scenario.letter_after
    n, mean, var = _cells(net)
    window = [t - 2, t - 1, t]
    today = today_flags(net, t) < 0
    early = _today_trends(net, t + 1)
    today |= np.array([e is not None and e.verdict == TrendVerdict.DECLINING for e in early])
    worst = np.argsort(np.where(n[:, t] > 0, mean[:, t], np.inf))[: OFFICES // 10]
    higher_today, gains = [], []
    for o in range(OFFICES):
        if not (today[o] or o in worst):
            continue
        hist = {c: ScoreHistogram(tuple(net.counts[o, c].tolist())) for c in range(n.shape[1])}
        higher, diff = old_before_after(hist, t + 1)
        if today[o]:
            higher_today.append(higher)
        if o in worst and diff is not None:
            gains.append(diff)
    slopes = network_slopes(n[:, : t + 1], mean[:, : t + 1], var[:, : t + 1])
    monitor = monitor_step_drops(n[:, : t + 1], mean[:, : t + 1], slopes.sigma2, slopes.tau2)
    new = new_flags(net, window, False) < 0
    new |= np.array([v == TrendVerdict.DECLINING for v in slopes.verdicts])
    new |= np.array([v == MonitorVerdict.STEP_DROP for v in monitor.verdicts])
    full = network_slopes(n, mean, var)
    higher_new, gains_new = [], []
    for o in range(OFFICES):
        if not (new[o] or o in worst):
            continue
        peers = (net.office_type == net.office_type[o]) & ~new
        result = letter_check(n[o], mean[o], t + 0.5, window, sigma2=full.sigma2,
                              tau2=full.tau2, comparators_n=n[peers],
                              comparators_mean=mean[peers])
        if new[o]:
            higher_new.append(result.verdict == ChangeVerdict.HIGHER_AFTER)
        if o in worst and result.diff is not None:
            gains_new.append(result.diff)
    if higher_today:
        out["today: 'higher after' among letter offices"].append(np.mean(higher_today))
    if higher_new:
        out["new: 'higher after' among letter offices"].append(np.mean(higher_new))
    out["today: apparent gain, worst tenth (points)"].append(np.mean(gains))
    out["new: apparent gain, worst tenth (points)"].append(np.mean(gains_new))
    out["today: letters per network"].append(today.sum())
    out["new: letters per network"].append(new.sum())


MEASURES = {"flags": measure_flags, "cells": measure_cells, "power": measure_power,
            "funnel": measure_funnel, "trend": measure_trend,
            "step": lambda net, out: measure_trend(net, out, step=True),
            "letter": measure_letter}


def run(scenario, networks, rng):
    out = defaultdict(list)
    for _ in range(networks):
        net = simulate(scenario, rng)
        for metric in scenario.metrics:
            MEASURES[metric](net, out)
    return {name: float(np.mean(values)) for name, values in out.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--networks", type=int, default=2000, help="networks per scenario")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--only", action="append", help="run only this scenario (repeatable)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    results = {}
    for scenario in SCENARIOS:
        if args.only and scenario.name not in args.only:
            continue
        began = time.perf_counter()
        results[scenario.name] = run(calibrated(scenario), args.networks, rng)
        results[scenario.name]["seconds"] = time.perf_counter() - began
    print(f"{args.networks} simulated networks per scenario ({OFFICES} offices, {LEADERS} "
          "leaders, 3-15 raters an office a cycle); shares in %, gains in points")
    print(f"{'scenario':<18} {'figure':<40} {'today':>7} {'new':>7}")
    for name, figures in results.items():
        pairs = defaultdict(dict)
        for key, value in figures.items():
            if key == "seconds":
                continue
            side, _, what = key.partition(": ")
            if not what:
                side, what = "both", key
            pairs[what.replace("(any false flag) per cycle", "(any false flag), network")][
                side] = value
        for what, sides in pairs.items():
            cells = []
            for side in ("today", "new"):
                value = sides.get(side, sides.get("both"))
                percent = "points" not in what and "per network" not in what
                cells.append("      -" if value is None else
                             f"{100 * value:7.1f}" if percent else f"{value:7.2f}")
            print(f"{name:<18} {what:<40} {cells[0]} {cells[1]}")
    elapsed = time.perf_counter() - started
    print(f"{elapsed:.0f} s")
    print(json.dumps({"networks": args.networks, "seed": args.seed, "results": results,
                      "seconds": elapsed}, default=float))


if __name__ == "__main__":
    main()
