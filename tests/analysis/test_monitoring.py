"""The CUSUM against a hand-written recursion and an independent false-alarm simulation."""

import numpy as np
import pytest

from analysis import MonitoringRules, MonitorVerdict, cusum_limit, monitor_step_drops


def test_statistic_is_the_self_starting_lower_cusum():
    n = np.array([[8, 12, 0, 10, 9, 11]], float)
    mean = np.array([[6.5, 6.9, 0, 6.1, 5.2, 4.8]])
    sigma2, tau2, k = 3.5, 0.1, 0.5
    result = monitor_step_drops(n, mean, sigma2, tau2)
    s, weights, values, expected = 0.0, [], [], []
    for c in range(6):
        if n[0, c] == 0:
            expected.append(np.nan)
            continue
        v = sigma2 / n[0, c] + tau2
        if weights:
            m = np.dot(weights, values) / sum(weights)
            u = (mean[0, c] - m) / np.sqrt(v + 1 / sum(weights))
            s = max(0.0, s - u - k)
            expected.append(s)
        else:
            expected.append(np.nan)
        weights.append(1 / v)
        values.append(mean[0, c])
    np.testing.assert_allclose(result.statistic[0], expected, rtol=1e-12)
    assert result.limit[0] == cusum_limit(4)


@pytest.mark.parametrize("steps", [2, 5, 9])
def test_limit_gives_five_percent_false_alarms(steps):
    rng = np.random.default_rng(99)  # not the calibration's seed
    offices = 40000
    n = rng.integers(3, 16, (offices, steps + 1)).astype(float)
    mean = 6 + rng.normal(0, np.sqrt(4 / n + 0.09))
    result = monitor_step_drops(n, mean, 4.0, 0.09)
    alarms = np.mean([v == MonitorVerdict.STEP_DROP for v in result.verdicts])
    assert alarms == pytest.approx(0.05, abs=0.005)


def test_a_step_drop_is_caught_and_a_short_history_is_not_monitored():
    n = np.full((2, 8), 12.0)
    mean = np.array([[7, 7.2, 6.9, 7.1, 5.6, 5.8, 5.5, 5.7], [7, 7, 0, 0, 0, 0, 0, 0]])
    n[1, 2:] = 0
    result = monitor_step_drops(n, mean, 4.0)
    assert result.verdicts[0] == MonitorVerdict.STEP_DROP(false_alarm_rate=0.05)
    assert result.alarm_at[0] in (4, 5, 6)  # within three cycles of the drop
    assert result.verdicts[1] == MonitorVerdict.NOT_MONITORED(min_cycles=3)


def test_rules_are_checked():
    with pytest.raises(ValueError, match="false_alarm_rate"):
        MonitoringRules(false_alarm_rate=1.5)
    with pytest.raises(ValueError, match="sigma2"):
        monitor_step_drops(np.ones((1, 3)), np.ones((1, 3)), 0.0)
