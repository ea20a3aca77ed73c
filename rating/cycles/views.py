from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.access import roles
from rating.cycles import bp, followup, services
from rating.cycles.forms import CycleForm, FollowDatesForm, ReopenForm, StatusChangeForm
from rating.cycles.leaderlist import LeaderSearchForm, find_leader_rows, page_of
from rating.cycles.models import Cycle
from rating.extensions import db
from rating.formtools import optional_id, page_number
from rating.i18n import current_locale, local_digits
from rating.timeutil import local_today, utcnow


def _messages(params: dict):
    days = local_digits(params.get("days", ""), current_locale())
    return {
        "dates_order": _("The end date is before the start date."),
        "name_taken": _("A cycle with that name already exists."),
        "not_draft": _("Only a draft cycle can be opened."),
        "another_open": _("Another cycle is open. Close it before opening this one."),
        "not_open": _("Only an open cycle can be closed."),
        "not_closed": _("Only a closed cycle can be reopened."),
        "reason_missing": _("Say why the cycle is reopened: it goes into the audit trail."),
        "grace_over": _("A cycle can be reopened only within %(days)s days of closing.",
                        days=days),
    }


def _today():
    return local_today(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _cycle_or_404(cycle_id: int) -> Cycle:
    return db.session.get(Cycle, cycle_id) or abort(404)


def _show(cycle: Cycle, status: int = 200, reopen_form=None):
    grace = current_app.config["CYCLE_REOPEN_DAYS"]
    until = services.reopen_deadline(cycle, grace)
    return render_template(
        "cycles/show.html", cycle=cycle, button=StatusChangeForm(),
        participation=services.count_participation(cycle),
        reopen_form=reopen_form or ReopenForm(), grace_days=grace,
        reopen_until=until, can_reopen=until is not None and utcnow() <= until,
        dates_form=FollowDatesForm(follows_dates=cycle.follows_dates)), status


@bp.route("/")
@roles("staff", "advocacy")
def index():
    return render_template("cycles/index.html", cycles=services.list_cycles(), form=CycleForm())


@bp.route("/", methods=["POST"])
@roles("staff")
def create():
    form = CycleForm()
    if form.validate_on_submit():
        try:
            cycle = services.create_cycle(form.name.data, form.starts_on.data, form.ends_on.data,
                                          current_user, follows_dates=form.follows_dates.data)
        except services.CycleError as refused:
            form.name.errors.append(_messages(refused.params)[refused.code])
        else:
            flash(_("Cycle “%(name)s” created as a draft.", name=cycle.name), "success")
            return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return render_template("cycles/index.html", cycles=services.list_cycles(), form=form), 400


@bp.route("/<int:cycle_id>")
@roles("staff", "advocacy")
def show(cycle_id: int):
    return _show(_cycle_or_404(cycle_id))


@bp.route("/<int:cycle_id>/<any(open, close):action>", methods=["POST"])
@roles("staff")
def change_status(cycle_id: int, action: str):
    """Open or close; before the cycle's dates a warning page asks first (with who is
    affected, for a close) and its button posts again, confirmed."""
    cycle, form = _cycle_or_404(cycle_id), StatusChangeForm()
    if not form.validate_on_submit():
        abort(400)
    change = services.open_cycle if action == "open" else services.close_cycle
    today = _today()
    try:
        change(cycle, current_user, today=today, early=form.confirmed.data == "yes")
    except services.CycleError as refused:
        if refused.code in ("not_started", "not_ended"):
            impact = services.count_closing_impact(cycle, today) if action == "close" else None
            return render_template("cycles/confirm.html", cycle=cycle, action=action,
                                   today=today, impact=impact, button=StatusChangeForm())
        flash(_messages(refused.params)[refused.code], "error")
        return _show(cycle, 409)
    flash(_("Cycle opened: leaders can rate now.") if action == "open"
          else _("Cycle closed: its ratings can no longer change."), "success")
    return redirect(url_for("cycles.show", cycle_id=cycle.id))


@bp.route("/<int:cycle_id>/reopen", methods=["POST"])
@roles("staff")
def reopen(cycle_id: int):
    cycle, form = _cycle_or_404(cycle_id), ReopenForm()
    if not form.validate_on_submit():
        return _show(cycle, 422, reopen_form=form)
    try:
        services.reopen_cycle(cycle, form.reason.data,
                              current_app.config["CYCLE_REOPEN_DAYS"], current_user)
    except services.CycleError as refused:
        flash(_messages(refused.params)[refused.code], "error")
        return _show(cycle, 409, reopen_form=form)
    flash(_("Cycle reopened: leaders can rate again. It no longer closes by itself on its "
            "dates: close it by hand."), "success")
    return redirect(url_for("cycles.show", cycle_id=cycle.id))


@bp.route("/<int:cycle_id>/dates", methods=["POST"])
@roles("staff")
def follow_dates(cycle_id: int):
    cycle, form = _cycle_or_404(cycle_id), FollowDatesForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_follows_dates(cycle, form.follows_dates.data, current_user)
    flash(_("The cycle opens and closes by itself on its dates.") if cycle.follows_dates
          else _("The cycle opens and closes only by hand."), "success")
    return redirect(url_for("cycles.show", cycle_id=cycle.id))


@bp.route("/<int:cycle_id>/leaders")
@roles("staff")
def leaders(cycle_id: int):
    """Every leader's progress and those who have rated nothing; a search finds a leader in
    both, and the long table comes in pages (a phone showed 128 leaders in 24,000 px)."""
    cycle = _cycle_or_404(cycle_id)
    form = LeaderSearchForm(request.args)
    valid = form.validate()
    rows = followup.list_leader_progress(cycle)
    found = find_leader_rows(rows, form.q.data) if valid else rows
    without = [row for row in found if row.offices_rated == 0]
    return render_template(
        "cycles/leaders.html", cycle=cycle, form=form, search_query=form.q.data if valid else "",
        error=None if valid else form.q.errors[0], everyone=len(rows),
        without=page_of(without, optional_id(request.args.get("without_page")) or 1),
        page=page_of(found, page_number()), page_url=_page_url), 200 if valid else 400


def _page_url(param: str, number: int) -> str:
    """This page's URL, its search and other list's page kept, at page ``number`` of one
    list (``param``: ``page`` or ``without_page``)."""
    query = {key: value for key, value in request.args.items()
             if key in ("q", "page", "without_page") and key != param}
    return url_for(request.endpoint, **request.view_args, **query, **{param: number})


@bp.route("/<int:cycle_id>/call-list")
@roles("staff")
def call_list(cycle_id: int):
    """Those who have rated nothing, to print whole, or for one block or collective found by
    the same search as the leaders' page (a coordinator calls her own block)."""
    cycle = _cycle_or_404(cycle_id)
    form = LeaderSearchForm(request.args)
    valid = form.validate()
    rows = followup.list_leaders_without_rating(cycle)
    return render_template(
        "cycles/call_list.html", cycle=cycle, today=_today(), form=form,
        search_query=form.q.data if valid else "", error=None if valid else form.q.errors[0],
        rows=find_leader_rows(rows, form.q.data) if valid else rows), 200 if valid else 400


@bp.route("/participation")
@roles("staff")
def participation():
    return render_template("cycles/participation.html",
                           turnout=followup.count_participation_over_cycles())

