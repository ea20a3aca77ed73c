"""Staff charts: thin views that run a service, build figures and tables, and render."""

import gzip
from pathlib import Path

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from analysis import TrendVerdict
from rating import wording
from rating.access import roles
from rating.dashboard import bp, figures, tables
from rating.dashboard.cards import build_cards
from rating.dashboard.forms import ChartFilterForm
from rating.dashboard.office import build_office_page
from rating.dashboard.search import OfficeSearchForm, find_offices
from rating.dashboard.services import (
    build_group_view,
    build_heatmap,
    build_overview,
    open_cycle_participation,
    overview_funnel,
)
from rating.directory.models import DepartmentType, Office, Place
from rating.escalation.services import action_dates, next_steps, office_history
from rating.escalation.trail import build_office_trail
from rating.extensions import db
from rating.histograms import RatingFilter
from rating.i18n import current_locale
from rating.rules import current_rules
from rating.timeutil import local_today

PLOTLY_BUNDLE = "plotly-cartesian-4.1.1.min.js.gz"
STAFF = ("staff", "advocacy")


@bp.context_processor
def chart_links():
    def csv_url(table: str) -> str:
        """This page's URL, with its filters, asking for one table as CSV."""
        query = {key: value for key, value in request.args.items()
                 if key not in ("endpoint", "values", "csv", *request.view_args)
                 and not key.startswith("_")}
        return url_for(request.endpoint, **request.view_args, **query, csv=table)

    return {"csv_url": csv_url, "shown_cells": tables.shown_cells}


def _filters() -> tuple[ChartFilterForm, RatingFilter]:
    form = ChartFilterForm(request.args).fill_choices(current_locale())
    if not form.validate():  # a filter that is not one of the choices is no filter
        for name in form.errors:
            form[name].data = None
    criteria = RatingFilter(
        district_id=form.district.data, block_id=form.block.data,
        department_id=form.department.data, collective_id=form.collective.data,
        cycle_from=form.cycle_from.data, cycle_to=form.cycle_to.data)
    return form, criteria


def _render(template: str, charts: dict, table_list: list, **context):
    """The page, or with ``?csv=NAME`` one of its tables as a CSV download."""
    wanted = request.args.get("csv")
    if wanted:
        table = next((t for t in table_list if t.name == wanted), None) or abort(404)
        response = current_app.response_class(tables.to_csv(table), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
        return response
    return render_template(template, charts=charts, tables={t.name: t for t in table_list},
                           **context)


@bp.route("/")
@roles(*STAFF)
def overview():
    form, criteria = _filters()
    view = build_overview(criteria, form.cycle.data)
    open_cycle, collectives, blocks = open_cycle_participation()
    charts = {"funnel": figures.funnel(view, overview_funnel(view)),
              "ranking": figures.ranking(view)} if view.rows else {}
    table_list = [tables.ranking_table(view), tables.participation_table(collectives, blocks)]
    return _render("dashboard/overview.html", charts, table_list, form=form, view=view,
                   open_cycle=open_cycle, collectives=collectives, blocks=blocks, cards=build_cards(view),
                   suggestions=next_steps(view.rows, local_today()))


@bp.route("/heatmap")
@roles(*STAFF)
def heatmap():
    form, criteria = _filters()
    view = build_heatmap(criteria)
    charts = {"heatmap": figures.heatmap(view)} if view.offices else {}
    return _render("dashboard/heatmap.html", charts, [tables.heatmap_table(view)], form=form,
                   view=view)


@bp.route("/offices/<int:office_id>")
@roles(*STAFF)
def office(office_id: int):
    # its place and department come with it: the page names both
    office = db.session.get(Office, office_id, options=[
        joinedload(Office.place), joinedload(Office.department_type)]) or abort(404)
    form, criteria = _filters()
    page = build_office_page(office, criteria)
    declining = page.trend is not None and page.trend.verdict == TrendVerdict.DECLINING
    concerns = (TrendVerdict.DECLINING,) if declining else ()
    today = local_today()
    history = office_history(office.id)
    trail = build_office_trail(page, history, today, concerns,
                               action_dates(page.peers) if history else None, current_rules())
    charts = {}
    if any(point.summary for point in page.points):
        charts = {"trend": figures.office_trend(page, trail.markers),
                  "spread": figures.spread(page), "answers": figures.answers(page)}
    table_list = [tables.office_table(page), tables.spread_table(page),
                  tables.answers_table(page), tables.escalation_table(trail)]
    return _render("dashboard/office.html", charts, table_list, form=form, page=page,
                   office=office, sentence=wording.trend_sentence(page.trend), trail=trail,
                   today=today)


@bp.route("/blocks/<int:place_id>")
@roles(*STAFF)
def block(place_id: int):
    place = db.session.get(Place, place_id) or abort(404)
    form, criteria = _filters()
    view = build_group_view(RatingFilter(**{**criteria.__dict__, "block_id": place.id}))
    title = _("Offices of %(place)s", place=place.name(current_locale()))
    return _group_page(form, view, title)


@bp.route("/departments/<int:department_id>")
@roles(*STAFF)
def department(department_id: int):
    department = db.session.get(DepartmentType, department_id) or abort(404)
    form, criteria = _filters()
    view = build_group_view(RatingFilter(**{**criteria.__dict__,
                                            "department_id": department.id}))
    title = _("Every %(department)s", department=department.name(current_locale()))
    return _group_page(form, view, title)


def _group_page(form, view, title):
    charts = {"lines": figures.group_lines(view)} if view.rows else {}
    return _render("dashboard/group.html", charts, [tables.group_table(view)], form=form,
                   view=view, title=title)


@bp.route("/plotly.js")
@roles(*STAFF)
def plotly_bundle():
    """plotly.js from the app, never a CDN: stored gzipped, cached for a year."""
    path = Path(current_app.static_folder) / "vendor" / PLOTLY_BUNDLE
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        response = current_app.response_class(gzip.decompress(path.read_bytes()),
                                              mimetype="text/javascript")
    else:
        response = send_file(path, mimetype="text/javascript", conditional=True, etag=True)
        response.headers["Content-Encoding"] = "gzip"
        response.direct_passthrough = False
        response.get_data()  # read it now; the file is closed before the response leaves
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@bp.route("/search")
@roles(*STAFF)
def search():
    """Find an office by part of its words; a single match goes straight to its page."""
    form = OfficeSearchForm(request.args)
    if not form.validate():
        return render_template("dashboard/search.html", offices=[], search_query=form.q.data,
                               error=form.q.errors[0]), 400
    offices = find_offices(form.q.data)
    if len(offices) == 1:
        return redirect(url_for("dashboard.office", office_id=offices[0].id))
    return render_template("dashboard/search.html", offices=offices, search_query=form.q.data)
