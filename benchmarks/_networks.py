"""Simulated rating networks for benchmarks/coverage.py: leaders, blocks, offices, cycles.

About 130 leaders in 10 blocks; 150 offices in the same blocks, of 6 department types; each
office has a fixed panel of 15 leaders (mostly from its own block: the same leaders every
cycle), of whom 3-15 rate it in a cycle. A rating is an ordinal cut of a latent score:
office effect + leader bias + a bias shared by a block's leaders + an office-by-cycle shock
+ any trend or step + noise N(0, 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

LEADERS, OFFICES, BLOCKS, TYPES, PANEL = 130, 150, 10, 6, 15
SCORES = np.arange(1, 11)


def _normalise(weights):
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


BASES = {
    "middling": _normalise(np.exp(-((SCORES - 5.5) ** 2) / (2 * 2.0**2))),
    "ceiling": _normalise([1, 1, 1, 2, 3, 5, 9, 18, 27, 33]),  # mean about 8.4
    "floor": _normalise([33, 27, 18, 9, 5, 3, 2, 1, 1, 1]),  # mean about 2.6
}


def cuts(base: str) -> np.ndarray:
    """Latent cut points: a latent N(0, 1) falls into score s with the base probability."""
    return stats.norm.ppf(np.cumsum(BASES[base])[:-1])


def expected_score(latent_mean, base: str, sd: float = 1.0):
    """E[score] when the latent score is N(latent_mean, sd)."""
    latent_mean = np.asarray(latent_mean, dtype=float)
    return 1 + stats.norm.sf((cuts(base)[None, :] - latent_mean.reshape(-1, 1)) / sd).sum(
        axis=1).reshape(latent_mean.shape)


def latent_for_points(points: float, base: str = "middling") -> float:
    """The latent shift that moves the expected score by ``points`` (from latent 0)."""
    low, high = -3.0, 3.0
    target = float(expected_score(0.0, base)) + points
    for _ in range(60):
        middle = (low + high) / 2
        if float(expected_score(middle, base)) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@dataclass(frozen=True)
class Scenario:
    name: str
    cycles: int = 3
    base: str = "middling"
    leader_sd: float = 0.0
    block_sd: float = 0.0
    shock_sd: float = 0.0
    differing: float = 0.0  # latent shift of the 20% low and 20% high offices
    decline: float = 0.0  # latent drop over the cycles for 20% of offices (linear)
    step: float = 0.0  # latent drop from ``step_at`` on for 20% of offices
    step_at: int = 4
    letter_after: int | None = None  # letters after this cycle to flagged offices
    notes: str = ""
    metrics: tuple[str, ...] = field(default=("flags",))


@dataclass
class Network:
    """One simulated network: rating-level arrays and the truth."""

    scenario: Scenario
    rater: np.ndarray
    office: np.ndarray
    cycle: np.ndarray
    score: np.ndarray
    office_type: np.ndarray
    effect: np.ndarray  # per office: -1, 0, +1 (differing), or 1 where it declines/steps
    counts: np.ndarray  # (offices, cycles, 10)
    raters: np.ndarray  # (offices, cycles) distinct raters


def simulate(scenario: Scenario, rng: np.random.Generator) -> Network:
    leader_block = np.arange(LEADERS) % BLOCKS
    office_block = np.arange(OFFICES) % BLOCKS
    office_type = (np.arange(OFFICES) // BLOCKS) % TYPES
    own = leader_block[None, :] == office_block[:, None]
    keys = np.where(own, np.log(10.0), 0.0) + rng.gumbel(size=(OFFICES, LEADERS))
    panel = np.argsort(-keys, axis=1)[:, :PANEL]
    c_total = scenario.cycles
    m = rng.integers(3, PANEL + 1, size=(c_total, OFFICES))
    order = np.argsort(rng.random((c_total, OFFICES, PANEL)), axis=2)
    chosen = np.take_along_axis(np.broadcast_to(panel, (c_total, OFFICES, PANEL)), order, axis=2)
    c_idx, o_idx, j_idx = np.nonzero(np.arange(PANEL)[None, None, :] < m[..., None])
    rater = chosen[c_idx, o_idx, j_idx]

    effect = np.zeros(OFFICES)
    office_shift = np.zeros((OFFICES, c_total))
    if scenario.differing:
        effect = rng.choice([-1.0, 0.0, 1.0], size=OFFICES, p=[0.2, 0.6, 0.2])
        office_shift += scenario.differing * effect[:, None]
    if scenario.decline or scenario.step:
        effect = (rng.random(OFFICES) < 0.2).astype(float)
        if scenario.decline:
            office_shift -= scenario.decline * effect[:, None] * np.linspace(0, 1, c_total)[None]
        if scenario.step:
            office_shift -= scenario.step * effect[:, None] * (
                np.arange(c_total)[None] >= scenario.step_at)
    if scenario.shock_sd:
        office_shift = office_shift + rng.normal(0, scenario.shock_sd, (OFFICES, c_total))
    latent = office_shift[o_idx, c_idx] + rng.standard_normal(rater.size)
    if scenario.leader_sd:
        latent += rng.normal(0, scenario.leader_sd, LEADERS)[rater]
    if scenario.block_sd:
        latent += rng.normal(0, scenario.block_sd, BLOCKS)[leader_block[rater]]
    score = 1 + np.searchsorted(cuts(scenario.base), latent)
    counts = np.zeros((OFFICES, c_total, 10), dtype=np.int64)
    np.add.at(counts, (o_idx, c_idx, score - 1), 1)
    return Network(scenario, rater, o_idx, c_idx, score, office_type, effect, counts,
                   m.T.copy())


SCENARIOS = (
    Scenario("textbook", notes="all offices equal, no biases",
             metrics=("flags", "cells")),
    Scenario("leader bias", leader_sd=0.5, notes="each leader's own harshness, SD 0.5"),
    Scenario("block bias", block_sd=0.5, notes="a block's leaders share a bias, SD 0.5"),
    Scenario("ceiling", base="ceiling", metrics=("flags", "cells")),
    Scenario("floor", base="floor", metrics=("flags", "cells")),
    Scenario("differing", leader_sd=0.3, metrics=("power", "funnel"),
             notes="20% of offices 1.1 points low, 20% 1.1 high"),
    Scenario("real trend", cycles=8, shock_sd=0.15, leader_sd=0.3, metrics=("trend",),
             notes="20% of offices drop 1.4 points over 8 cycles"),
    Scenario("step drop", cycles=8, shock_sd=0.15, leader_sd=0.3, metrics=("step",),
             notes="20% of offices drop 1.2 points from cycle 5"),
    Scenario("letter, no effect", cycles=9, shock_sd=0.2, leader_sd=0.3, letter_after=5,
             metrics=("letter",), notes="letters after cycle 6 to flagged offices"),
)


def calibrated(scenario: Scenario) -> Scenario:
    """The scenario with its point sizes turned into latent shifts."""
    from dataclasses import replace

    changes = {}
    if scenario.name == "differing":
        changes["differing"] = latent_for_points(1.1)
    if scenario.name == "real trend":
        changes["decline"] = -latent_for_points(-1.4)
    if scenario.name == "step drop":
        changes["step"] = -latent_for_points(-1.2)
    return replace(scenario, **changes)
