"""Command line: ``python -m analysis summarize FILE.csv [--format table|json] [--publish]``.

Prints three lists: every office x cycle cell, every office's trend and every cycle's
comparisons. ``--publish`` applies the publication rules (:mod:`analysis.privacy`). Bad input
prints the line number on stderr and exits with status 2.

With a ``rater`` column each rater counts once per office and cycle (a repeated rating
replaces the earlier one, and stderr says how many), and a fourth list compares each office
with how the same leaders rated the other offices they visited over the last cycles
(:func:`analysis.compare_with_leaders`). Cycle labels must order themselves or come with a
``cycle_start`` column (:func:`analysis.order_cycle_labels`).

Flags, verdicts and withheld reasons are codes: the JSON gives each as
``{"code": ..., "params": {...}}`` (:mod:`analysis.vocabulary`); the table writes them as
``code(param=value)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from analysis.csvinput import CsvError, read_ratings
from analysis.network import analyse_network, publish_network
from analysis.standing import assess_standing
from analysis.vocabulary import Finding, jsonable

__all__ = ["main"]

EXIT_BAD_INPUT = 2

_CELL_COLUMNS = [
    ("office", "office"),
    ("cycle", "cycle"),
    ("n", "n"),
    ("mean", "mean"),
    ("ci95_shown", "95% CI"),
    ("sd", "SD"),
    ("share_7plus", "7+"),
    ("share_7plus_ci95", "7+ 95% CI"),
    ("flags", "flags"),
    ("suppressed_reason", "withheld"),
]
_TREND_COLUMNS = [
    ("office", "office"),
    ("cycles_used", "cycles"),
    ("slope", "slope/cycle"),
    ("slope_ci95", "95% CI"),
    ("kendall_tau", "tau"),
    ("kendall_p", "tau p"),
    ("theil_sen_slope", "Theil-Sen"),
    ("change_over_window", "change"),
    ("verdict", "verdict"),
]
_COMPARISON_COLUMNS = [
    ("cycle", "cycle"),
    ("office", "office"),
    ("diff_vs_rest", "vs rest"),
    ("diff_ci95", "95% CI"),
    ("p", "p"),
    ("q", "q"),
    ("eb_mean", "EB mean"),
    ("eb_rank_interval", "rank range"),
    ("flag", "flag"),
]

_LEADER_COLUMNS = [
    ("office", "office"),
    ("raters", "leaders"),
    ("diff", "adjusted diff"),
    ("diff_ci95", "95% CI"),
    ("p", "p"),
    ("q", "q"),
    ("flag", "flag"),
]


def _code(finding: Finding) -> str:
    """A finding for the table: its code, and its parameters in brackets."""
    params = ",".join(f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}"
                      for key, value in finding.params.items())
    return f"{finding}({params})" if params else str(finding)


def _text(value: object, key: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, Finding):
        return _code(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}" if key in ("p", "q", "kendall_p") else f"{value:.2f}"
    if isinstance(value, list):
        if key == "cycles_used":
            return str(len(value))
        if key == "flags":
            return ",".join(_code(flag) for flag in value) or "-"
        return "[" + ", ".join(_text(v, key) for v in value) + "]"
    return str(value)


def _table(title: str, rows: list[dict], columns: list[tuple[str, str]]) -> str:
    body = [[_text(row.get(key), key) for key, _ in columns] for row in rows]
    heads = [head for _, head in columns]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(heads)]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(line.rstrip() for line in lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    summarize = commands.add_parser(
        "summarize", help="summaries, trends and comparisons of a ratings CSV"
    )
    summarize.add_argument("file", help="CSV with columns office,cycle,score[,rater][,cycle_start]")
    summarize.add_argument("--format", choices=("table", "json"), default="table")
    summarize.add_argument(
        "--publish", action="store_true", help="apply the publication rules (privacy)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    args = _parser().parse_args(argv)
    try:
        ratings_file = read_ratings(args.file)
    except CsvError as error:
        print(f"error: {args.file}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    network = ratings_file.network
    if ratings_file.repeated:
        print(f"note: {args.file}: {ratings_file.repeated} repeated rating(s) by one rater of "
              "one office in one cycle replaced by that rater's last one (one rater counts "
              "once)", file=sys.stderr)
    if args.publish:
        result = publish_network(network).to_dict()
        for cell in result["cells"]:
            cell["ci95_shown"] = cell["ci95"]  # published intervals are already clipped
    else:
        result = analyse_network(network).to_dict()
    if ratings_file.ratings is not None and not args.publish:
        standing = assess_standing(network, ratings_file.ratings)
        result["leader_adjusted"] = [c.to_dict() for c in standing.network.values()]
    if args.format == "json":
        print(json.dumps(jsonable(result), indent=2, allow_nan=False))
    else:
        print(_table("Cells (office x cycle)", result["cells"], _CELL_COLUMNS))
        print()
        print(_table("Trends", result["trends"], _TREND_COLUMNS))
        print()
        print(
            _table(
                "Comparisons with the rest of the network",
                result["comparisons"],
                _COMPARISON_COLUMNS,
            )
        )
        if "leader_adjusted" in result:
            print()
            print(_table("Against how the same leaders rated the other offices they visited "
                         "(last cycles)", result["leader_adjusted"], _LEADER_COLUMNS))
    return 0
