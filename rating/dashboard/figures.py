"""Plotly figure specs (plain dicts, drawn by plotly.js in the browser) for every chart.

Builders take the dataclasses of `services` / `office` and return {"data", "layout"}; they
compute nothing statistical. Texts go through gettext and figures through `number`, so
titles, axes and hover texts read in the page's language.
"""

from flask_babel import format_date
from flask_babel import gettext as _

from analysis import ComparisonFlag, FunnelPosition
from rating.directory.forms import LEVEL_LABELS
from rating.escalation.wording import KINDS, STATUSES
from rating.i18n import current_locale, local_digits
from rating.wording import N_, number, sharing_note, word

# Scores 1..10 in viridis (Smith and van der Walt 2015): one lightness step a score, readable
# in every common colour-vision deficiency and in greyscale, unlike red-to-green.
SCORE_COLOURS = ["#440154", "#482878", "#3e4a89", "#31688e", "#26828e", "#1f9e89", "#35b779",
                 "#6dcd59", "#b4de2c", "#fde725"]
# Okabe and Ito's colour-blind-safe qualitative palette (black left out: it is the text's).
QUALITATIVE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "cross"]
FLAG_COLOURS = {ComparisonFlag.BELOW_LEADERS_OTHERS: "#d55e00",
                ComparisonFlag.ABOVE_LEADERS_OTHERS: "#0072b2"}
# The funnel's colours come from its own limits, never from another test's flags: Okabe and
# Ito's oranges below, blues above (not red and green), the shape saying it again.
FUNNEL_GROUPS = [  # (position, colour, symbol, legend name), in the legend's order
    (FunnelPosition.BELOW_998, "#d55e00", "triangle-down", N_("below both lines")),
    (FunnelPosition.BELOW_95, "#e69f00", "triangle-down", N_("below the dashed line")),
    (None, "#5f6b7a", "circle", N_("inside the lines")),
    (FunnelPosition.ABOVE_95, "#56b4e9", "triangle-up", N_("above the dashed line")),
    (FunnelPosition.ABOVE_998, "#0072b2", "triangle-up", N_("above both lines")),
]
FONT = {"family": "Noto Sans Bengali, Noto Sans, sans-serif", "size": 14}


def _name(office) -> str:
    return office.name(current_locale())


def _score_axis(title: str) -> dict:
    ticks = list(range(1, 11))
    return {"title": {"text": title}, "range": [0.5, 10.5], "tickvals": ticks,
            "ticktext": [local_digits(t, current_locale()) for t in ticks], "fixedrange": True}


def _layout(title: str, **extra) -> dict:
    layout = {"title": {"text": title, "x": 0}, "font": FONT, "margin": {"l": 60, "r": 20,
              "t": 50, "b": 90}, "hovermode": "closest", "paper_bgcolor": "#ffffff",
              "plot_bgcolor": "#ffffff", "showlegend": True,
              "legend": {"orientation": "h", "y": -0.28}}
    layout.update(extra)
    return layout


def funnel(overview, limits) -> dict:
    """Office mean against its number of ratings, with the overdispersed funnel's 95% and
    99.8% limits; each office is coloured by where it falls against those limits."""
    data = []
    if limits:
        for name, dash, label in (("95", "dash", _("chance range (95 in 100)")),
                                  ("998", "dot", _("chance range (998 in 1,000)"))):
            for side in ("low", "high"):
                data.append({"type": "scatter", "mode": "lines", "x": limits["n"],
                             "y": limits[f"{side}{name}"], "name": label,
                             "legendgroup": name, "showlegend": side == "low",
                             "hoverinfo": "skip", "line": {"color": "#7f8c8d", "dash": dash}})
        data.append({"type": "scatter", "mode": "lines", "hoverinfo": "skip",
                     "x": [limits["n"][0], limits["n"][-1]],
                     "y": [overview.network_mean] * 2, "name": _("network mean"),
                     "line": {"color": "#34495e"}})
    # one trace per colour, so that the legend names every colour the dots have
    beyond = {position for position, *_rest in FUNNEL_GROUPS if position is not None}
    for position, colour, symbol, name in FUNNEL_GROUPS:
        rows = [row for row in overview.rows if (row.funnel_position if row.funnel_position
                                                 in beyond else None) == position]
        if rows:
            data.append({
                "type": "scatter", "mode": "markers", "name": _(name),
                "x": [row.n for row in rows], "y": [row.mean for row in rows],
                "marker": {"size": 10, "color": colour, "symbol": symbol,
                           "line": {"width": 1, "color": "#ffffff"}},
                "text": [_hover_office(row) for row in rows],
                "hovertemplate": "%{text}<extra></extra>"})
    return {"data": data, "layout": _layout(
        _("Office means against number of ratings"),
        xaxis={"title": {"text": _("number of ratings in the cycle")}, "rangemode": "tozero"},
        yaxis=_score_axis(_("mean score")))}


def _hover_office(row) -> str:
    parts = [f"<b>{_name(row.office)}</b>",
             _("mean %(mean)s (95%% interval %(low)s–%(high)s)", mean=number(row.mean),
               low=number(row.ci95[0]) if row.ci95 else "–",
               high=number(row.ci95[1]) if row.ci95 else "–"),
             _("%(n)s ratings", n=local_digits(row.n, current_locale())), word(row.flag)]
    if row.funnel_position is not None:
        parts.append(_("funnel: %(where)s", where=word(row.funnel_position)))
    if row.not_for_sharing:
        parts.append(sharing_note(row.not_for_sharing))
    return "<br>".join(parts)


def ranking(overview) -> dict:
    """Offices ranked by their empirical-Bayes mean, each with its 95% interval."""
    rows = list(reversed(overview.rows))  # plotly draws the first category at the bottom
    names = [_name(row.office) for row in rows]
    # one trace per colour, so that the legend names every colour (below, above, the rest)
    groups: dict = {}
    for row in rows:
        groups.setdefault(row.flag if row.flag in FLAG_COLOURS else None, []).append(row)
    data = []
    for flag, members in sorted(groups.items(), key=lambda item: item[0] is not None):
        data.append({
            "type": "scatter", "mode": "markers",
            "name": _("mean, and the range of its true average") if flag is None else word(flag),
            "y": [_name(row.office) for row in members], "x": [row.mean for row in members],
            "error_x": {"type": "data", "symmetric": False,
                        "array": [(r.ci95[1] - r.mean) if r.ci95 else 0 for r in members],
                        "arrayminus": [(r.mean - r.ci95[0]) if r.ci95 else 0 for r in members],
                        "color": "#95a5a6"},
            "marker": {"color": FLAG_COLOURS.get(flag, "#5f6b7a"),
                       "symbol": "circle" if flag is None else "square"},
            "text": [_hover_office(row) for row in members],
            "hovertemplate": "%{text}<extra></extra>"})
    data.append(
        {"type": "scatter", "mode": "markers", "name": _("order: mean pulled towards the network when ratings are few"),
         "y": names, "x": [row.eb_mean for row in rows], "hoverinfo": "skip", "xaxis": "x2",
         "marker": {"symbol": "diamond-open", "color": "#34495e", "size": 8}})
    height = max(320, 22 * len(rows) + 160)
    # The legend goes a fixed 60 px under the plot: a fraction of the plot's height (the
    # default) put it on top of the axis title when few offices made the chart short.
    return {"data": data, "layout": _layout(
        _("Offices ranked"), height=height, margin={"l": 260, "r": 20, "t": 90, "b": 110},
        legend={"orientation": "h", "yanchor": "top", "y": -60 / (height - 160)},
        xaxis={**_score_axis(_("mean score")), "side": "bottom"},
        # a tall chart has its score axis at the top too, not only 3,000 px down
        xaxis2={**_score_axis(""), "overlaying": "x", "side": "top", "matches": "x"},
        yaxis={"automargin": True, "fixedrange": True, "categoryorder": "array",
               "categoryarray": names})}


def heatmap(view) -> dict:
    cycles = [cycle.name for cycle in view.cycles]
    names = [_name(office) for office in view.offices]
    hover = []
    for o, office in enumerate(view.offices):
        row = []
        for c, cycle in enumerate(view.cycles):
            mean, n, reason = view.means[o][c], view.counts[o][c], view.reasons[o][c]
            text = f"<b>{_name(office)}</b><br>{cycle.name}<br>"
            text += (_("mean %(mean)s from %(n)s ratings", mean=number(mean),
                       n=local_digits(n, current_locale())) if mean is not None else "")
            if reason:
                text += ("<br>" if mean is not None else "") + sharing_note(reason)
            row.append(text)
        hover.append(row)
    data = [{"type": "heatmap", "z": view.means, "x": cycles, "y": names, "zmin": 1, "zmax": 10,
             "colorscale": "Viridis",
             "text": hover, "hovertemplate": "%{text}<extra></extra>", "xgap": 1, "ygap": 1,
             "colorbar": {"title": {"text": _("mean")}}}]
    if names:  # the cycles at the top too: an invisible point per cycle on a second axis
        data.append({"type": "scatter", "mode": "markers", "x": cycles, "y": names[:1] * len(cycles),
                     "xaxis": "x2", "marker": {"opacity": 0}, "hoverinfo": "skip",
                     "showlegend": False})
    return {"data": data, "layout": _layout(
        _("Mean score by office and cycle (grey: not shown)"),
        height=max(360, 18 * len(names) + 160), plot_bgcolor="#d5d8dc",
        margin={"l": 260, "r": 20, "t": 90, "b": 80},
        xaxis={"type": "category", "fixedrange": True},
        xaxis2={"type": "category", "fixedrange": True, "overlaying": "x", "side": "top",
                "matches": "x"},
        yaxis={"automargin": True, "autorange": "reversed", "fixedrange": True})}


def office_trend(page, marks=()) -> dict:
    """Cycle means with the 95% band, the trend line, officer changes, letters and promises
    marked (``marks``: `rating.escalation.trail.markers`)."""
    xs = [p.position for p in page.points]
    shown = [p for p in page.points if p.summary is not None]
    band = [p for p in shown if p.summary.ci95 is not None]
    data = [
        {"type": "scatter", "mode": "lines", "x": [p.position for p in band],
         "y": [min(10, p.summary.ci95[1]) for p in band], "line": {"width": 0},
         "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "mode": "lines", "x": [p.position for p in band],
         "y": [max(1, p.summary.ci95[0]) for p in band], "fill": "tonexty",
         "fillcolor": "rgba(11,92,173,0.18)", "line": {"width": 0}, "hoverinfo": "skip",
         "name": _("range of the true average (95%)")},
        {"type": "scatter", "mode": "lines+markers", "name": _("mean"),
         "x": [p.position for p in shown], "y": [p.summary.mean for p in shown],
         "line": {"color": "#0b5cad"}, "marker": {"size": 8},
         "text": [_hover_point(p) for p in shown], "hovertemplate": "%{text}<extra></extra>"},
    ]
    trend = page.trend
    if trend is not None and trend.slope is not None and trend.positions:
        first, last = trend.positions[0], trend.positions[-1]
        data.append({"type": "scatter", "mode": "lines", "name": _("trend: %(v)s",
                                                                     v=word(trend.verdict)),
                     "x": [first, last], "y": [trend.fitted(first), trend.fitted(last)],
                     "line": {"color": "#7f8c8d", "dash": "dash"}, "hoverinfo": "skip"})
    shapes, notes = [], []
    for change in page.changes:
        shapes.append({"type": "line", "x0": change.position, "x1": change.position, "y0": 0,
                       "y1": 1, "yref": "paper", "line": {"color": "#8e44ad", "dash": "dot"}})
        notes.append({"x": change.position, "y": 1, "yref": "paper", "showarrow": False,
                      "text": _("new officer"), "font": {"size": 11, "color": "#8e44ad"},
                      "yanchor": "bottom", "hovertext": change.officer.name(current_locale())})
    data += _trail_traces(marks)
    shapes += [{"type": "line", "x0": m.position, "x1": m.position, "y0": 0, "y1": 1,
                "yref": "paper", "line": {"color": ACTION_COLOUR, "dash": "dash", "width": 1}}
               for m in marks if m.kind == "action"]
    return {"data": data, "layout": _layout(
        _("Mean score by cycle"), shapes=shapes, annotations=notes,
        # No zero line: at the first cycle it looked like an officer change.
        xaxis={"tickvals": xs, "ticktext": [p.cycle.name for p in page.points],
               "range": [-0.5, max(xs, default=0) + 0.5], "fixedrange": True,
               "zeroline": False},
        yaxis=_score_axis(_("mean score")))}


ACTION_COLOUR = "#d35400"
PROMISE_COLOURS = {"pending": "#7f8c8d", "kept": "#1e7a3c", "broken": "#c0392b",
                   "overdue": "#c0392b"}


def _trail_traces(marks) -> list[dict]:
    """Letters, meetings and appeals at the top of the chart on their dates; promises at the
    bottom on the dates they are due, coloured by whether they were kept."""
    actions = [m for m in marks if m.kind == "action"]
    promises = [m for m in marks if m.kind == "commitment"]
    traces = []
    if actions:
        traces.append({
            "type": "scatter", "mode": "markers", "name": _("letters and meetings"),
            "x": [m.position for m in actions], "y": [10.2] * len(actions),
            "marker": {"symbol": "triangle-down", "size": 13, "color": ACTION_COLOUR},
            "text": [_("%(kind)s to %(recipient)s (%(level)s), %(date)s",
                       kind=KINDS[m.action.kind], recipient=m.action.recipient,
                       level=LEVEL_LABELS.get(m.action.level, m.action.level),
                       date=_date(m.day)) for m in actions],
            "hovertemplate": "%{text}<extra></extra>"})
    if promises:
        traces.append({
            "type": "scatter", "mode": "markers", "name": _("promises (when due)"),
            "x": [m.position for m in promises], "y": [0.8] * len(promises),
            "marker": {"symbol": "diamond", "size": 12,
                       "color": [PROMISE_COLOURS[m.status] for m in promises]},
            "text": [_("promised by %(who)s, due %(date)s: %(what)s (%(status)s)",
                       who=m.commitment.by_whom, date=_date(m.day),
                       what=_short(m.commitment.what), status=STATUSES[m.status])
                     for m in promises],
            "hovertemplate": "%{text}<extra></extra>"})
    return traces


def _date(day) -> str:
    return local_digits(format_date(day, "medium"), current_locale())


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _hover_point(point) -> str:
    summary = point.summary
    text = [f"<b>{point.cycle.name}</b>",
            _("mean %(mean)s (95%% interval %(low)s–%(high)s)", mean=number(summary.mean),
              low=number(summary.ci95[0]) if summary.ci95 else "–",
              high=number(summary.ci95[1]) if summary.ci95 else "–"),
            _("%(n)s ratings", n=local_digits(point.n, current_locale()))]
    if point.not_for_sharing:
        text.append(sharing_note(point.not_for_sharing))
    return "<br>".join(text)


def spread(page) -> dict:
    """How the scores of each cycle are spread, as shares of the cycle's ratings."""
    shown = [p for p in page.points if p.summary is not None]
    names = [p.cycle.name for p in shown]
    data = []
    for score in range(1, 11):
        shares = [p.histogram.counts[score - 1] / p.n for p in shown]
        data.append({"type": "bar", "name": local_digits(score, current_locale()), "x": names,
                     "y": shares, "marker": {"color": SCORE_COLOURS[score - 1]},
                     "hovertemplate": _("score %(s)s: %%{y:.0%%}", s=local_digits(
                         score, current_locale())) + "<extra></extra>"})
    return {"data": data, "layout": _layout(
        _("Spread of scores in each cycle"), barmode="stack",
        yaxis={"tickformat": ".0%", "range": [0, 1], "fixedrange": True,
               "title": {"text": _("share of ratings")}},
        xaxis={"type": "category", "fixedrange": True})}


def answers(page) -> dict:
    """Shares of "yes" to "treated with respect?" and "was the work done?"."""
    shown = [p for p in page.points if p.summary is not None]
    names = [p.cycle.name for p in shown]
    data = []
    for key, label, colour in (("respect", _("treated with respect"), "#0b5cad"),
                               ("work_done", _("work done"), "#1e7a3c")):
        shares = []
        for point in shown:
            answered = sum(getattr(point, key).values())
            shares.append(getattr(point, key).get("yes", 0) / answered if answered else None)
        data.append({"type": "bar", "name": label, "x": names, "y": shares,
                     "marker": {"color": colour},
                     "hovertemplate": label + ": %{y:.0%}<extra></extra>"})
    return {"data": data, "layout": _layout(
        _("Share answering yes"), barmode="group",
        yaxis={"tickformat": ".0%", "range": [0, 1], "fixedrange": True},
        xaxis={"type": "category", "fixedrange": True})}


def line_style(index: int) -> dict:
    """The index-th line of a chart: a colour of the qualitative palette and a dash, so that
    no two of the first 42 lines look the same (BDO Amdanga and BDO Deganga were both blue)."""
    return {"color": QUALITATIVE[index % len(QUALITATIVE)],
            "dash": DASHES[index // len(QUALITATIVE) % len(DASHES)]}


def group_lines(view) -> dict:
    """The offices of a block (or of one department) side by side over the cycles."""
    names = [cycle.name for cycle in view.cycles]
    data = [{"type": "scatter", "mode": "lines+markers", "name": _name(row.office), "x": names,
             "y": view.series[row.office.id], "connectgaps": False,
             "line": line_style(i), "marker": {"symbol": MARKERS[i // len(QUALITATIVE)
                                                               % len(MARKERS)],
                                              "color": line_style(i)["color"]},
             "hovertemplate": f"{_name(row.office)}<br>%{{x}}: %{{y:.1f}}<extra></extra>"}
            for i, row in enumerate(view.rows)]
    return {"data": data, "layout": _layout(
        _("Mean score by cycle, office by office"), height=460,
        xaxis={"type": "category", "fixedrange": True}, yaxis=_score_axis(_("mean score")))}
