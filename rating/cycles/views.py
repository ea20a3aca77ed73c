from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.access import roles
from rating.auth.forms import EmptyForm
from rating.cycles import bp, services
from rating.cycles.forms import CycleForm
from rating.cycles.models import Cycle
from rating.extensions import db


def _messages():
    return {
        "dates_order": _("The end date is before the start date."),
        "name_taken": _("A cycle with that name already exists."),
        "not_draft": _("Only a draft cycle can be opened."),
        "another_open": _("Another cycle is open. Close it before opening this one."),
        "not_open": _("Only an open cycle can be closed."),
    }


def _cycle_or_404(cycle_id: int) -> Cycle:
    return db.session.get(Cycle, cycle_id) or abort(404)


@bp.route("/")
@roles("staff", "advocacy")
def index():
    return render_template("cycles/index.html", cycles=services.list_cycles(), form=CycleForm(),
                           button=EmptyForm())


@bp.route("/", methods=["POST"])
@roles("staff")
def create():
    form = CycleForm()
    if form.validate_on_submit():
        try:
            cycle = services.create_cycle(form.name.data, form.starts_on.data, form.ends_on.data,
                                          current_user)
        except services.CycleError as refused:
            form.name.errors.append(_messages()[refused.code])
        else:
            flash(_("Cycle “%(name)s” created as a draft.", name=cycle.name), "success")
            return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return render_template("cycles/index.html", cycles=services.list_cycles(), form=form,
                           button=EmptyForm()), 400


@bp.route("/<int:cycle_id>")
@roles("staff", "advocacy")
def show(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    return render_template("cycles/show.html", cycle=cycle, button=EmptyForm(),
                           participation=services.count_participation(cycle))


@bp.route("/<int:cycle_id>/<any(open, close):action>", methods=["POST"])
@roles("staff")
def change_status(cycle_id: int, action: str):
    cycle = _cycle_or_404(cycle_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    change = services.open_cycle if action == "open" else services.close_cycle
    try:
        change(cycle, current_user)
    except services.CycleError as refused:
        flash(_messages()[refused.code], "error")
        return render_template("cycles/show.html", cycle=cycle, button=EmptyForm(),
                               participation=services.count_participation(cycle)), 409
    flash(_("Cycle opened: leaders can rate now.") if action == "open"
          else _("Cycle closed: its ratings can no longer change."), "success")
    return redirect(url_for("cycles.show", cycle_id=cycle.id))
