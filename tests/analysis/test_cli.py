"""``python -m analysis summarize``: table and JSON output, and each kind of bad input."""

import json
import subprocess
import sys

import pytest

from analysis.cli import main

GOOD = """office,cycle,score,rater
BDO Gaighata,1,3,a
BDO Gaighata,1,4,b
BDO Gaighata,1,2,c
BDO Gaighata,1,5,d
BDO Gaighata,1,3,e
BDO Gaighata,2,6,a
BDO Gaighata,2,7,b
WDO Habra,1,8,a
WDO Habra,1,9,b
WDO Habra,1,7,c
WDO Habra,1,8,d
WDO Habra,1,9,e
WDO Habra,1,10,f
"""


@pytest.fixture
def write(tmp_path):
    def write_file(text, name="ratings.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write_file


def test_json_has_the_three_lists_with_the_agreed_keys(write, capsys):
    assert main(["summarize", write(GOOD), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    cell_keys = {
        "office",
        "cycle",
        "n",
        "mean",
        "sd",
        "ci95",
        "share_7plus",
        "share_7plus_ci95",
        "bca95",
        "flags",
        "publishable",
        "suppressed_reason",
    }
    trend_keys = {
        "office",
        "cycles_used",
        "slope",
        "slope_ci95",
        "slope_p",
        "kendall_tau",
        "kendall_p",
        "theil_sen_slope",
        "theil_sen_ci95",
        "change_over_window",
        "verdict",
    }
    comparison_keys = {"cycle", "office", "diff_vs_rest", "diff_ci95", "p", "q", "flag", "eb_mean"}
    assert all(cell_keys <= set(c) for c in result["cells"])
    assert all(trend_keys <= set(t) for t in result["trends"])
    assert all(comparison_keys <= set(c) for c in result["comparisons"])
    bdo = result["cells"][0]
    assert bdo["mean"] == pytest.approx(3.4) and bdo["n"] == 5
    assert result["cells"][1]["suppressed_reason"] == {"code": "few_raters",
                                                       "params": {"min_raters": 5}}
    assert result["comparisons"][0]["flag"] == {"code": "below_network",
                                                "params": {"false_discovery_rate": 0.05}}
    assert result["trends"][0]["verdict"] == {"code": "not_enough_data",
                                              "params": {"min_cycles": 4}}
    assert result["cells"][0]["flags"] == [{"code": "small_n", "params": {"min_n": 10}}]


def test_publish_gives_exact_counts_and_drops_withheld_cycles(write, capsys):
    assert main(["summarize", write(GOOD), "--format", "json", "--publish"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cells"][0]["n"] == 5 and result["cells"][0]["mean"] == 3.4
    # 3, 4, 2, 5, 3: the only five scores with that sum and sum of squares, so no interval
    # and no trend through the cell (an interval or a slope would give the squares away)
    assert result["cells"][0]["ci95"] is None
    assert result["cells"][0]["suppressed"]["ci95"]["code"] == "pins_scores"
    assert result["cells"][1]["mean"] is None
    assert not [t for t in result["trends"] if t["office"] == "BDO Gaighata"]


def test_table_is_readable(write, capsys):
    assert main(["summarize", write(GOOD)]) == 0
    out = capsys.readouterr().out
    assert "Cells (office x cycle)" in out and "Trends" in out and "below_network" in out


def test_cycles_ordered_by_cycle_start(write, capsys):
    text = "office,cycle,score,cycle_start\nA,spring,5,2024-03-01\nA,autumn,6,2023-09-01\n"
    assert main(["summarize", write(text), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [c["cycle"] for c in result["cells"]] == ["autumn", "spring"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("office,cycle,score\nA,1,5\nA,1,0\n", "line 3: score 0 is outside 1..10"),
        ("office,cycle,score\nA,1,11\n", "line 2: score 11 is outside 1..10"),
        ("office,cycle,score\nA,1,5\nA,1,6\nA,1,7.5\n", "line 4: score '7.5' is not a whole"),
        ("office,cycle,score\nA,1,\n", "line 2: score is blank"),
        ("office,score\nA,5\n", "line 1: missing column(s) cycle"),
        ("", "line 1: the file is empty"),
        ("office,cycle,score\n", "line 2: no ratings after the header"),
        ("office,cycle,score,cycle_start\nA,1,5,2024\nA,1,6,2025\n", "line 3: cycle '1' has two"),
    ],
)
def test_bad_input_names_the_line_and_exits_2(write, capsys, text, message):
    assert main(["summarize", write(text)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["summarize", str(tmp_path / "nope.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_runs_as_a_module(write):
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "summarize", write("office,cycle,score\nA,1,0\n")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "line 2" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "summarize", write(GOOD), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["trends"]


def test_one_rater_counts_once_in_a_cell(write, capsys):
    """The issue's case: five raters, one of whom gave 20 of the office's 24 ratings."""
    lines = ["office,cycle,score,rater"]
    lines += ["A,1,1,a"] * 20 + [f"A,1,{s},{r}" for s, r in ((5, "b"), (6, "c"), (4, "d"),
                                                               (6, "e"))]
    for office in ("B", "C", "D"):
        lines += [f"{office},1,{4 + i % 3},{r}" for i, r in enumerate("abcdef")]
    assert main(["summarize", write("\n".join(lines) + "\n"), "--format", "json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    a = next(c for c in result["cells"] if c["office"] == "A")
    assert a["n"] == 5 and a["mean"] == pytest.approx((1 + 5 + 6 + 4 + 6) / 5)
    a_compared = next(c for c in result["comparisons"] if c["office"] == "A")
    assert a_compared["p"] > 1e-3
    assert "19 repeated rating(s)" in captured.err


def test_cycle_labels_order_as_numbers_not_text(write, capsys):
    text = "office,cycle,score\nA,2024-10,8\nA,2024-2,5\nA,2024-1,4\n"
    assert main(["summarize", write(text), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [c["cycle"] for c in result["cells"]] == ["2024-1", "2024-2", "2024-10"]


@pytest.mark.parametrize(("labels", "named"), [
    (("spring", "autumn"), "autumn, spring"),
    (("2024-2", "2024-02"), "2024-2 and 2024-02"),
])
def test_cycle_labels_that_do_not_order_themselves_are_refused(write, capsys, labels, named):
    text = "office,cycle,score\n" + "".join(f"A,{label},5\n" for label in labels)
    assert main(["summarize", write(text)]) == 2
    err = capsys.readouterr().err
    assert named in err and "cycle_start" in err
