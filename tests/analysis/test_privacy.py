"""Publication rules: what is withheld, why, and that nothing can be recovered by subtraction."""

import pytest

from analysis import (
    NetworkCounts,
    PublicationRules,
    ScoreHistogram,
    count_band,
    group_suppression,
    publish_cell,
    publish_network,
    publishable_groups,
    summarize,
)
from analysis.vocabulary import Withheld

H = ScoreHistogram.from_scores


@pytest.mark.parametrize(
    ("hist", "reason"),
    [
        (H([3, 4, 5, 6]), Withheld.FEW_RATERS(min_raters=5)),
        (H([3, 4, 5, 6, 7]), None),
        (H([3, 4, 5, 6, 7, 8], raters=4), Withheld.FEW_RATERS(min_raters=5)),
        (H([6] * 9), Withheld.ALL_SAME()),
        (H([6] * 40), Withheld.ALL_SAME()),  # at any size: the mean tells every score
        (H([1, 1, 1, 1, 2]), Withheld.PINS_SCORES(min_raters=10)),  # only 4 x 1 + 2 sum to 6
        (H([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]), None),  # 10 leaders: distributions may be shown
        (H([6] * 9 + [7]), None),
    ],
)
def test_group_suppression_table(hist, reason):
    found = group_suppression(hist)
    assert found == reason
    assert reason is None or found.params == reason.params
    assert group_suppression(summarize(hist)) == reason


@pytest.mark.parametrize(
    ("n", "band"), [(0, None), (4, None), (5, "5-9"), (9, "5-9"), (10, "10-19"), (20, "20+")]
)
def test_count_bands(n, band):
    assert count_band(n) == band


def test_mean_only_from_5_distribution_only_from_10():
    small = publish_cell(summarize(H([1, 2, 2, 1, 9, 4])))
    assert small.mean == 3.2 and small.n == 6
    assert small.share_7plus is None and small.sd is None
    assert dict(small.suppressed)["share_7plus"] == Withheld.FEW_RATERS_FOR_DISTRIBUTION
    assert dict(small.suppressed)["share_7plus"].params == {"min_raters": 10}
    assert "mostly_floor" not in small.flags  # a distribution statement
    large = publish_cell(summarize(H([1, 2, 2, 1, 9, 4] * 2)))
    assert large.share_7plus == round(2 / 12, 2) and not large.suppressed
    assert "mostly_floor" in large.flags


def test_withheld_cell_carries_its_reason_for_every_figure():
    cell = publish_cell(summarize(H([7, 8, 9])))
    assert not cell.publishable and cell.mean is None and cell.n is None
    assert set(dict(cell.suppressed).values()) == {Withheld.FEW_RATERS}
    assert cell.to_dict()["suppressed_reason"] == Withheld.FEW_RATERS


def test_published_interval_is_clipped_and_rounded():
    cell = publish_cell(summarize(H([10, 10, 10, 9, 10, 10, 10, 9, 10, 10])))
    assert cell.ci95[1] == 10.0 and cell.mean == 9.8


def test_rules_are_parameters():
    rules = PublicationRules(min_raters_mean=3, min_raters_distribution=3, mean_decimals=2)
    cell = publish_cell(summarize(H([7, 8, 8])), rules)
    assert cell.mean == 7.67 and cell.n == 3  # counts are exact
    with pytest.raises(ValueError, match="min_raters"):
        PublicationRules(min_raters_mean=10, min_raters_distribution=5)


def test_publishable_groups_split():
    kept, withheld = publishable_groups({"a": H([5, 6, 7, 8, 9]), "b": H([4] * 6)})
    assert list(kept) == ["a"]
    assert withheld == {"b": Withheld.ALL_SAME}


def test_withheld_office_is_not_in_the_published_rest_of_the_network():
    cells = {
        ("A", "1"): H([2, 3] * 5),  # 10 leaders each: under 10, so regular a spread
        ("B", "1"): H([7, 8] * 5),  # would fit one distribution and be kept out
        ("C", "1"): H([8, 9] * 5),
        ("D", "1"): H([10] * 6),  # all the same: withheld
    }
    published = publish_network(NetworkCounts.from_histograms(cells)).to_dict()
    by_office = {c["office"]: c for c in published["comparisons"]}
    assert "D" not in by_office
    # A's rest is B and C only: mean 8.0, so A's difference is 2.5 - 8.0 = -5.5
    assert by_office["A"]["diff_vs_rest"] == -5.5
    assert by_office["A"]["n"] == 10
    cell_d = next(c for c in published["cells"] if c["office"] == "D")
    assert cell_d["mean"] is None and not cell_d["publishable"]


def test_trends_use_publishable_cycles_only():
    cells = {("A", str(c)): H([3 + c, 4 + c, 5 + c, 4 + c, 3 + c] * 2) for c in range(5)}
    cells["A", "5"] = H([1, 1])
    published = publish_network(NetworkCounts.from_histograms(cells)).to_dict()
    (trend,) = published["trends"]
    assert trend["cycles_used"] == ["0", "1", "2", "3", "4"]
    assert trend["slope"] == 1.0
