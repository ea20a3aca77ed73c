"""Every staff chart has plain words beside it, in the page's language, in the pack's
vocabulary; the jargon the issue found ("shrunk mean", "99.8% limits", "false discovery
rate") is gone from the words around the charts and from their legends."""

import html as html_lib
import json
import re

import pytest

from tests.rating.test_dashboard import figures_of, get_html, network, urls  # noqa: F401

JARGON = ("shrunk", "99.8%", "95%\u00a0limits", "false discovery")
READING = re.compile(r'<div class="chart" id="chart-([\w-]+)".*?</script>\s*'
                     r'(?:\{#.*?#\}\s*)?<figcaption class="chart-reading">(.*?)</figcaption>', re.S)
BENGALI = re.compile(r"[\u0980-\u09ff]")


@pytest.mark.parametrize("language,opening,interval", [
    ("en", "How to read it:", "the range where the office's true average most likely lies"),
    ("bn", "কীভাবে পড়বেন:", "প্রকৃত গড় থাকার সম্ভাবনা সবচেয়ে বেশি")])
def test_each_chart_says_how_to_read_it_in_plain_words(client, login_as, network, language,  # noqa: F811
                                                       opening, interval):
    login_as("staff", language=language)
    said = {}
    for page, url in urls(network).items():
        html = get_html(client, url)
        charts = set(figures_of(html))
        readings = {name: html_lib.unescape(text) for name, text in READING.findall(html)}
        assert set(readings) == charts, page  # every chart, and nothing but charts
        said.update(readings)
        legends = " ".join(trace.get("name", "") for figure in figures_of(html).values()
                           for trace in figure["data"])
        # the words around the charts; the tables keep their columns, as their CSVs do
        page_text = html_lib.unescape(re.sub(r"<script.*?</script>|<table.*?</table>", "",
                                             html, flags=re.S))
        for word in JARGON:
            assert word not in legends and word not in page_text, (page, word)
    assert set(said) == {"funnel", "ranking", "heatmap", "trend", "spread", "answers", "lines"}
    for name, text in said.items():
        assert text.startswith(opening), (name, text)
        if language == "bn":  # Bengali sentences, not English ones left untranslated
            assert len(BENGALI.findall(text)) > len(re.findall(r"[A-Za-z]", text)), name
    assert interval in said["ranking"] and interval in said["trend"]
    assert json.dumps(said, ensure_ascii=False).count("%%") == 0  # formatted, not raw


def test_every_colour_of_the_funnel_is_in_its_legend(client, login_as, network):  # noqa: F811
    """The dots were coloured red to green inside one trace, so no legend named a colour."""
    login_as("staff", language="en")
    funnel = figures_of(get_html(client, "/dashboard/"))["funnel"]
    dots = [trace for trace in funnel["data"] if trace["mode"] == "markers"]
    colours = [trace["marker"]["color"] for trace in dots]
    assert all(isinstance(colour, str) for colour in colours)  # one colour a trace
    assert len(set(colours)) == len(colours) and all(trace["name"] for trace in dots)
    assert sum(len(trace["x"]) for trace in dots) == len(figures_of(get_html(
        client, "/dashboard/"))["ranking"]["layout"]["yaxis"]["categoryarray"])
    assert not {"#a93226", "#52be80", "#1e7a3c"} & set(colours)  # no red and green


@pytest.mark.parametrize("page", ["overview", "heatmap"])
def test_the_long_charts_come_with_the_office_search(client, login_as, network, page):  # noqa: F811
    login_as("staff", language="en")
    html = get_html(client, urls(network)[page])
    assert re.search(r'<form method="get" action="/dashboard/search"[^>]*role="search"', html)
