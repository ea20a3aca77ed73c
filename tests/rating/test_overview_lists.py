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

CARD = re.compile(r'<div class="card"><h2[^>]*>(.*?)</h2>(.*?)</div>', re.S)
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


def _shown_and_more(body: str):
    shown, _, rest = body.partition('<details class="card-more"')
    return ITEM.findall(shown), ITEM.findall(rest), rest


def test_the_overviews_lists_show_five_then_the_rest_on_a_touch(client, login_as, network):  # noqa: F811
    login_as("staff", language="en")
    for title, body in CARD.findall(get_html(client, "/dashboard/")):
        items = ITEM.findall(body)
        shown, more, _rest = _shown_and_more(body)
        assert shown == items[:5] and more == items[5:], title


@pytest.mark.parametrize(("length", "language"), [(12, "en"), (5, "en"), (7, "bn"), (0, "en")])
def test_a_list_shows_its_first_five_and_says_how_many_more(app, length, language):
    """On a phone a list of 40 offices came before the first chart: each shows its 5
    largest, the others in a closed disclosure that says how many, in the same order."""
    from types import SimpleNamespace

    from flask import render_template_string

    offices = [SimpleNamespace(id=o + 1, name=lambda locale, o=o: f"Office {o + 1}")
               for o in range(length)]
    items = [SimpleNamespace(office=office, points=9.0 - o / 2)
             for o, office in enumerate(offices)]
    with app.test_request_context("/dashboard/", headers={"Accept-Language": language}):
        body = render_template_string(
            '{% from "dashboard/_cards.html" import card with context %}'
            '{% macro lower(item) %}{{ item.points }} points lower{% endmacro %}'
            '{{ card(items, "Below", "below", lower) }}', items=items)
    (title, inner), = CARD.findall(body)
    expected = [(f"Office {o + 1}", f"{9.0 - o / 2}") for o in range(length)]
    shown, more, rest = _shown_and_more(inner)
    assert shown == expected[:5] and more == expected[5:]
    if length > 5:
        count = {"en": f"{length - 5} more offices", "bn": f"আরও {length - 5}"}[language]
        assert count.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")) in rest \
            if language == "bn" else count in rest
        assert '<ol start="6" aria-labelledby="card-below">' in rest and "open" not in rest
    else:
        assert not rest
    assert ("none" in inner) == (length == 0)


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
