"""Watching each office for a step drop: a self-starting CUSUM, 5% false alarms per office.

A trend line needs many cycles to notice a drop that happened all at once. A CUSUM adds up,
cycle by cycle, how far each new cycle mean fell short of the office's own earlier cycles,
forgets shortfalls smaller than a reference value, and raises an alarm when the sum crosses a
limit. The limit is set so that an office whose ratings never changed raises an alarm over
its whole history with probability 5% (the rule's ``false_alarm_rate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analysis.rules import MonitoringRules
from analysis.vocabulary import Finding, MonitorVerdict

__all__ = ["StepMonitor", "cusum_limit", "monitor_step_drops"]

_DEFAULT = MonitoringRules()
_CALIBRATION_PATHS = 200_000
_CALIBRATION_SEED = 20261201


@lru_cache(maxsize=256)
def cusum_limit(steps: int, reference: float = _DEFAULT.reference,
                false_alarm_rate: float = _DEFAULT.false_alarm_rate) -> float:
    """The CUSUM limit h giving ``false_alarm_rate`` over ``steps`` standardised steps.

    Notes
    -----
    Under no change the self-starting residuals :math:`u_t` are independent N(0, 1), so
    :math:`P(\\max_{t \\le T} S_t > h)` depends on T, k and h only. h is the
    :math:`1-\\alpha` quantile of :math:`\\max_t S_t` over 200,000 simulated paths (seed
    fixed, so the limit is the same on every run).

    Examples
    --------
    >>> 1.5 < cusum_limit(7) < 3.5
    True
    """
    if steps < 1:
        raise ValueError("a CUSUM limit needs at least one step")
    rng = np.random.default_rng(_CALIBRATION_SEED)
    shortfall = -rng.standard_normal((_CALIBRATION_PATHS, steps)) - reference
    s = np.zeros(_CALIBRATION_PATHS)
    top = np.zeros(_CALIBRATION_PATHS)
    for t in range(steps):
        s = np.maximum(0.0, s + shortfall[:, t])
        np.maximum(top, s, out=top)
    return float(np.quantile(top, 1 - false_alarm_rate))


@dataclass(frozen=True, slots=True)
class StepMonitor:
    """Per office (arrays indexed like the input's first axis).

    Attributes
    ----------
    statistic : ndarray, shape (offices, cycles)
        The CUSUM after each cycle (NaN before monitoring starts or where not rated).
    limit : ndarray of float
        Each office's limit (for its number of monitored cycles).
    alarm_at : ndarray of int
        The first cycle (column) whose CUSUM crossed the limit, -1 if none.
    verdicts : tuple of Finding
        :class:`~analysis.vocabulary.MonitorVerdict` per office.
    """

    statistic: np.ndarray
    limit: np.ndarray
    alarm_at: np.ndarray
    verdicts: tuple[Finding, ...]


def monitor_step_drops(n, mean, sigma2: float, tau2: float = 0.0, *,
                       rules: MonitoringRules = _DEFAULT) -> StepMonitor:
    """Self-starting lower CUSUM on every office's cycle means.

    Parameters
    ----------
    n, mean : array_like, shape (offices, cycles)
        Ratings and mean per cell in cycle order (n = 0 where not rated).
    sigma2, tau2 : float
        Within-cell variance of a rating and office-by-cycle shock variance
        (:func:`analysis.slopes.network_slopes` estimates both).
    rules : MonitoringRules

    Returns
    -------
    StepMonitor

    Notes
    -----
    With :math:`v_t = \\sigma^2/n_t + \\tau^2` and the precision-weighted mean
    :math:`m_{t-1}` of the office's earlier rated cycles (total precision :math:`W_{t-1}`),
    :math:`u_t = (\\bar y_t - m_{t-1})/\\sqrt{v_t + 1/W_{t-1}}` are independent N(0, 1)
    when nothing changed (recursive residuals). The lower CUSUM is
    :math:`S_t = \\max(0, S_{t-1} - u_t - k)`, alarm when :math:`S_t > h`, with k the rule's
    ``reference`` and h from :func:`cusum_limit` for the office's number of steps.

    References
    ----------
    Page, E. S. (1954). Continuous inspection schemes. Biometrika 41, 100-115.
    Hawkins, D. M. (1987). Self-starting CUSUM charts for location and scale. The
    Statistician 36, 299-316.

    Examples
    --------
    >>> m = monitor_step_drops([[10] * 8], [[7, 7, 7, 7, 4, 4, 4, 4]], sigma2=4.0)
    >>> str(m.verdicts[0]), int(m.alarm_at[0])
    ('step_drop', 4)
    """
    n = np.nan_to_num(np.asarray(n, dtype=float))
    mean = np.nan_to_num(np.asarray(mean, dtype=float))
    if n.ndim != 2 or n.shape != mean.shape:
        raise ValueError("n and mean must be (offices, cycles) arrays of one shape")
    if sigma2 <= 0 or tau2 < 0:
        raise ValueError("monitoring needs sigma2 > 0 and tau2 >= 0")
    offices, cycles = n.shape
    rated = n > 0
    precision = np.where(rated, 1 / (sigma2 / np.where(rated, n, 1) + tau2), 0.0)
    weight_sum = np.zeros(offices)
    weighted = np.zeros(offices)
    s = np.zeros(offices)
    statistic = np.full(n.shape, np.nan)
    for c in range(cycles):
        now = rated[:, c]
        step = now & (weight_sum > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = weighted / weight_sum
            u = (mean[:, c] - expected) / np.sqrt(1 / precision[:, c] + 1 / weight_sum)
        s = np.where(step, np.maximum(0.0, s - u - rules.reference), s)
        statistic[step, c] = s[step]
        weight_sum = weight_sum + np.where(now, precision[:, c], 0.0)
        weighted = weighted + np.where(now, precision[:, c] * mean[:, c], 0.0)
    steps = rated.sum(axis=1) - 1
    limit = np.array([cusum_limit(int(k), rules.reference, rules.false_alarm_rate)
                      if k >= 1 else np.nan for k in steps])
    over = np.nan_to_num(statistic, nan=-1.0) > limit[:, None]
    alarm_at = np.where(over.any(axis=1), over.argmax(axis=1), -1)
    verdicts = tuple(
        MonitorVerdict.NOT_MONITORED(min_cycles=rules.min_cycles) if k + 1 < rules.min_cycles
        else MonitorVerdict.STEP_DROP(false_alarm_rate=rules.false_alarm_rate) if a >= 0
        else MonitorVerdict.NO_STEP_DROP(false_alarm_rate=rules.false_alarm_rate)
        for k, a in zip(steps.tolist(), alarm_at.tolist(), strict=True))
    return StepMonitor(statistic, limit, alarm_at, verdicts)
