"""A third party reproduces a pack's figures from data.csv alone, with scipy and the methods'
words, never through `analysis`: each interval from its count, mean and SD (Student's t),
the network's and the peers' the same way, the verdicts from their intervals, the offices
needing attention from the codes; and the report prints the same numbers as data.csv."""

import csv
import io
import math
import re

import pytest
from scipy import stats

from tests.rating.test_evidence import CYCLES, ascii_digits, shared_pack


def rows_of(pack) -> list[dict]:
    return list(csv.DictReader(io.StringIO(pack.files["data.csv"].decode("utf-8-sig"))))


def t_interval(n: int, mean: float, sd: float) -> tuple[float, float]:
    """Student's t 95% interval, clipped to the 1-10 scale (the methods: "t interval")."""
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return max(1.0, mean - half), min(10.0, mean + half)


def close(published: str, value: float, n: int, sd: float) -> bool:
    """Equal up to the rounding of the published mean and SD (one decimal each)."""
    slack = 0.05 + 0.05 + stats.t.ppf(0.975, n - 1) * 0.05 / math.sqrt(n) + 1e-9
    return abs(float(published) - value) <= slack


@pytest.fixture(params=["en", "bn"])
def pack(request, app):
    return shared_pack(request, request.param)


def test_every_cell_interval_follows_from_its_count_mean_and_sd(pack):
    checked = 0
    for row in rows_of(pack):
        if not row["sd"]:
            continue  # fewer than 10 leaders: no SD is published, so no interval to redo
        n, mean, sd = int(row["ratings"]), float(row["mean"]), float(row["sd"])
        low, high = t_interval(n, mean, sd)
        assert close(row["mean_ci95_low"], low, n, sd), row
        assert close(row["mean_ci95_high"], high, n, sd), row
        checked += 1
    assert checked >= 5


def test_the_network_and_peer_intervals_follow_from_their_counts(pack):
    rows = rows_of(pack)
    networks = {(r["cycle"], r["network_ratings"], r["network_mean"], r["network_sd"],
                 r["network_mean_ci95_low"], r["network_mean_ci95_high"]) for r in rows}
    assert len({cycle for cycle, *_ in networks}) == len(networks)  # one network row a cycle
    for _, n, mean, sd, low, high in networks:
        expected = t_interval(int(n), float(mean), float(sd))
        assert close(low, expected[0], int(n), float(sd))
        assert close(high, expected[1], int(n), float(sd))
    peers = [r for r in rows if r["peer_mean"]]
    assert peers
    for r in peers:
        n, sd = int(r["peer_ratings"]), float(r["peer_sd"])
        expected = t_interval(n, float(r["peer_mean"]), sd)
        assert close(r["peer_mean_ci95_low"], expected[0], n, sd)
        assert close(r["peer_mean_ci95_high"], expected[1], n, sd)


def test_verdicts_and_attention_follow_from_the_published_intervals_and_codes(pack):
    rows = rows_of(pack)
    for r in rows:
        if r["trend_verdict"] in ("declining", "improving"):
            low, high = float(r["trend_slope_ci95_low"]), float(r["trend_slope_ci95_high"])
            assert (high < 0) if r["trend_verdict"] == "declining" else (low > 0), r
        if r["latest_diff_ci95_low"] and r["latest_vs_network"].startswith("below"):
            assert float(r["latest_diff_vs_rest"]) < 0
    by_office: dict[str, list[dict]] = {}
    for r in rows:
        by_office.setdefault(r["office_code"], []).append(r)
    for office_rows in by_office.values():
        codes = {r[c] for r in office_rows
                 for c in ("latest_vs_network", "latest_vs_peers", "trend_verdict", "monitor")}
        concern = any(code.startswith("below") or code in ("declining", "step_drop")
                      for code in codes)
        assert {r["needs_attention"] for r in office_rows} == {"1" if concern else "0"}


def test_the_report_prints_the_figures_of_data_csv(pack):
    """Page 1's network row is data.csv's network means; every attention office's latest
    mean and interval on page 1 are its data.csv row's."""
    rows = rows_of(pack)
    first = ascii_digits(pack.pdf_text).split("\f")[0]
    means = []
    for cycle in dict.fromkeys(r["cycle"] for r in rows):
        means.append(next(r["network_mean"] for r in rows if r["cycle"] == cycle))
    network_line = next(line for line in first.splitlines()
                        if re.match(r"\s*(Network mean|নেটওয়ার্কের গড়)", line))
    assert re.findall(r"\d+\.\d", network_line)[-len(means):] == means
    latest = CYCLES[-1][0]
    for r in rows:
        if r["needs_attention"] == "1" and r["cycle"] == latest:
            line = next(line for line in first.splitlines() if r["office_en"] in line
                        or ascii_digits(r["office_bn"]) in line)
            assert r["mean"] in line and f"{r['mean_ci95_low']}–{r['mean_ci95_high']}" in line
