"""The statistics' vocabulary: findings are codes with parameters, never sentences; the
network's trends, pooled cycle and funnel limits against independent computations."""

import json

import numpy as np
import pytest
from scipy import stats

from analysis import (
    CellFlag,
    ComparisonFlag,
    Finding,
    NetworkCounts,
    Rules,
    ScoreHistogram,
    TrendRules,
    TrendVerdict,
    Withheld,
    analyse_network,
    compare_offices,
    funnel_limits,
    jsonable,
    network_trends,
    office_trend,
    publish_network,
)
from analysis.vocabulary import CODES

H = ScoreHistogram.from_scores


def test_every_code_value_is_unique_across_the_vocabulary():
    values = [code.value for vocabulary in CODES for code in vocabulary]
    assert len(values) == len(set(values))


def test_a_finding_is_its_code_with_its_parameters():
    reason = Withheld.FEW_RATERS(min_raters=7)
    assert reason == Withheld.FEW_RATERS and reason == "few_raters"
    assert reason.code is Withheld.FEW_RATERS and dict(reason.params) == {"min_raters": 7}
    assert reason != Withheld.ALL_SAME and {reason: 1}[Withheld.FEW_RATERS] == 1
    assert repr(reason) == "Withheld.FEW_RATERS(min_raters=7)"
    assert json.loads(json.dumps(jsonable([reason]))) == [
        {"code": "few_raters", "params": {"min_raters": 7}}]
    with pytest.raises(AttributeError):
        reason.code = Withheld.ALL_SAME


@pytest.mark.parametrize("make", [
    lambda: Withheld.FEW_RATERS(),
    lambda: Withheld.FEW_RATERS(min_raters=5, min_n=3),
    lambda: TrendVerdict.IMPROVING(cycles=4),
    lambda: Finding("few_raters", {"min_raters": 5}),
])
def test_a_finding_needs_exactly_its_codes_parameters(make):
    with pytest.raises(ValueError, match="parameters|code of the vocabulary"):
        make()


def test_no_result_carries_an_english_sentence():
    """Every flag, verdict and reason of a whole analysis is a finding of the vocabulary."""
    cells = {("A", str(c)): H([3 + c, 4 + c, 5, 6, 7, 2]) for c in range(5)}
    cells |= {("B", "0"): H([9, 9, 8]), ("C", "0"): H([6] * 6)}
    network = NetworkCounts.from_histograms(cells)
    full = analyse_network(network).to_dict()
    published = publish_network(network).to_dict()
    findings = [c["flag"] for c in full["comparisons"] + published["comparisons"]]
    findings += [t["verdict"] for t in full["trends"] + published["trends"]]
    findings += [f for c in full["cells"] + published["cells"] for f in c["flags"]]
    findings += [c["suppressed_reason"] for c in full["cells"] + published["cells"]
                 if c["suppressed_reason"]]
    findings += [r for c in published["cells"] for r in c["suppressed"].values()]
    assert findings and all(isinstance(f, Finding) for f in findings)
    assert all(" " not in f for f in findings)


def test_the_mislabel_case_is_its_own_code():
    """One office with enough raters, one without: the first has no one to be compared
    with, which is not the same as having too few raters."""
    alone, few = compare_offices({"A": H([5, 6, 7, 8, 9]), "B": H([4, 5])})
    assert alone.flag == ComparisonFlag.NOT_COMPARED_NO_REST and not alone.flag.params
    assert few.flag == ComparisonFlag.NOT_COMPARED_FEW_RATERS
    assert few.flag.params["min_raters"] == 5


def test_rules_set_the_thresholds_and_the_findings_carry_them():
    office = {p: H([3 + p] * 3 + [4 + p] * 3) for p in range(4)}
    strict = Rules(trend=TrendRules(min_cycles=5))
    network = NetworkCounts.from_histograms({("A", str(p)): h for p, h in office.items()})
    (trend,) = analyse_network(network, rules=strict).trends
    assert trend.verdict == TrendVerdict.NOT_ENOUGH_DATA
    assert trend.verdict.params == {"min_cycles": 5}
    assert office_trend(office).verdict == TrendVerdict.IMPROVING


def test_network_trends_are_the_trends_of_the_whole_analysis():
    rng = np.random.default_rng(7)
    cells = {(office, str(c)): H(rng.integers(1, 11, size=rng.integers(1, 12)).tolist())
             for office in "ABCDE" for c in range(6) if rng.random() > 0.2}
    network = NetworkCounts.from_histograms(cells)
    alone = network_trends(network)
    assert [t.to_dict() for t in alone] == [t.to_dict() for t in analyse_network(network).trends]
    for trend in alone:  # and each is office_trend on that office alone
        positions = {network.cycles.index(c): cells[trend.office, c]
                     for c in trend.cycles_used}
        assert trend.slope == pytest.approx(office_trend(positions).slope, nan_ok=True)


def test_a_pooled_cycle_is_every_office_added_up():
    cells = {("A", "1"): H([1, 2, 3]), ("B", "1"): H([9, 9]), ("B", "2"): H([5])}
    pooled = NetworkCounts.from_histograms(cells).pooled("1")
    scores = [1, 2, 3, 9, 9]
    assert pooled.n == 5 and pooled.mean == pytest.approx(np.mean(scores))
    assert pooled.sd == pytest.approx(np.std(scores, ddof=1))


def test_funnel_limits_against_scipy():
    limits = funnel_limits(6.2, 2.1, 3, 40, points=5)
    assert limits["n"] == [3.0, 12.25, 21.5, 30.75, 40.0]
    for level, name in ((0.95, "95"), (0.998, "998")):
        z = stats.norm.ppf(0.5 + level / 2)
        for n, low, high in zip(limits["n"], limits[f"low{name}"], limits[f"high{name}"],
                                strict=True):
            assert low == pytest.approx(6.2 - z * 2.1 / np.sqrt(n))
            assert high == pytest.approx(6.2 + z * 2.1 / np.sqrt(n))


def test_cell_flags_carry_their_thresholds():
    from analysis import summarize

    summary = summarize(H([4, 4, 4]), small_n=5, bootstrap=True)
    assert summary.flags == ("small_n", "all_same", "no_bootstrap_below_15")
    assert [dict(f.params) for f in summary.flags] == [{"min_n": 5}, {}, {"min_n": 15}]
    assert all(isinstance(f.code, CellFlag) for f in summary.flags)
