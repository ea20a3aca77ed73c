"""The overview's lists ("below", "above", "getting worse") show the figure that put each
office there, and are ordered by it, the largest first; the figures are the ranking table's
leader-adjusted differences and the trend the office page states."""

import html as html_lib
import re

import pytest

from tests.rating.test_dashboard import (  # noqa: F401
    as_dicts,
    get_html,
    network,
    page_table,
)

CARD = re.compile(r'<div class="card"><h2>(.*?)</h2>(.*?)</div>', re.S)
ITEM = re.compile(r'<a href="/dashboard/offices/\d+">(.*?)</a> · ([0-9.]+) points')


def cards(html: str) -> dict[str, list[tuple[str, float]]]:
    return {title: [(html_lib.unescape(name), float(points)) for name, points in ITEM.findall(body)]
            for title, body in CARD.findall(html)}


def test_each_list_shows_its_figures_largest_first(client, login_as, network):  # noqa: F811
    login_as("staff", language="en")
    html = get_html(client, "/dashboard/")
    listed = cards(html)
    below = listed["Below how their leaders rated other offices"]
    above = listed["Above how their leaders rated other offices"]
    worse = listed["Getting worse"]
    assert below or above, listed  # the network has offices on the lists
    for items in (below, above, worse):
        figures = [points for _name, points in items]
        assert figures == sorted(figures, reverse=True) and all(p > 0 for p in figures)
    ranking = page_table(html, "Offices ranked")
    rows = {row["office"]: row for row in as_dicts(ranking)}
    column = "difference from the same leaders' other offices"
    for name, points in below + above:
        assert abs(float(rows[name][column])) == pytest.approx(points, abs=0.051), name
    for name, points in worse:
        office_page = get_html(client, re.search(
            rf'href="(/dashboard/offices/\d+)">{re.escape(html_lib.escape(name))}</a>', html).group(1))
        assert f"declining: {-points:.1f} points a cycle" in office_page, name


def test_the_lists_order_offices_by_their_own_figure_not_by_the_ranking():
    """Rows come in the ranking's order (shrunk means); each list re-orders by its figure."""
    from types import SimpleNamespace

    import numpy as np

    from analysis import ComparisonFlag, TrendVerdict
    from rating.dashboard.cards import build_cards

    below, above = ComparisonFlag.BELOW_LEADERS_OTHERS, ComparisonFlag.ABOVE_LEADERS_OTHERS
    declining = TrendVerdict.DECLINING
    made = [(1, above, 0.4, None), (2, above, 1.3, None), (3, None, 0.1, declining),
            (4, below, -0.5, declining), (5, below, -1.8, None), (6, below, -0.9, declining)]
    rows = [SimpleNamespace(office=SimpleNamespace(id=i), flag=flag, diff_vs_rest=diff,
                            verdict=verdict) for i, flag, diff, verdict in made]
    slopes = SimpleNamespace(slope=np.array([0.1, 0.0, -0.2, -0.7, 0.0, -0.3]))
    view = SimpleNamespace(rows=rows, standing=SimpleNamespace(offices=(1, 2, 3, 4, 5, 6),
                                                               slopes=slopes))
    cards = build_cards(view)
    shown = {name: [(item.office.id, round(item.points, 2)) for item in items]
             for name, items in cards.items()}
    assert shown == {"below": [(5, 1.8), (6, 0.9), (4, 0.5)], "above": [(2, 1.3), (1, 0.4)],
                     "worse": [(4, 0.7), (6, 0.3), (3, 0.2)]}
