"""The escalation trail: record letters, meetings and appeals, their answers and promises;
see what is due and overdue. Staff and the advocacy team."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.access import roles
from rating.directory.forms import LEVEL_LABELS
from rating.escalation import bp, citations, services
from rating.escalation.forms import ActionForm, CommitmentForm, ResolveForm, ResponseForm
from rating.escalation.models import SCAN_TYPES, ActionResponse, AdvocacyAction, Commitment
from rating.escalation.wording import STATUSES
from rating.extensions import db
from rating.formtools import optional_id
from rating.i18n import current_locale, local_digits
from rating.timeutil import local_today

TEAM = ("staff", "advocacy")


def _problem(code: str) -> str:
    return {
        "unknown_office": _("Choose the offices it was about."),
        "unknown_kind": _("Choose what it was."),
        "answer_before_action": _("The answer cannot be dated before the action."),
        "not_a_scan": _("That file is not a PDF, JPEG or PNG scan."),
        "scan_too_large": _("The scan is larger than 2 MB. Scan at a lower resolution."),
        "unknown_response": _("That answer belongs to another action."),
        "unknown_resolution": _("Unknown status."),
    }.get(code, code)


@bp.route("/")
@roles(*TEAM)
def index():
    return render_template("escalation/index.html", actions=services.list_actions(),
                           today=local_today())


@bp.route("/new", methods=["GET", "POST"])
@roles(*TEAM)
def new():
    """Record an action; `?pack=SHA256` (from a pack's page) or `?office=ID` fill it in."""
    packs = citations.recent_packs()
    cited = citations.pack_by_hash(request.values.get("pack", "")[:64])
    if cited is not None and cited not in packs:  # an older pack, named in the link or form
        packs.append(cited)
    form = ActionForm().fill_choices(current_locale(), packs)
    if request.method == "GET":
        _prefill(form, cited)
    status = 200
    if form.validate_on_submit():
        try:
            action = services.record_action(
                kind=form.kind.data, acted_on=form.acted_on.data, level=form.level.data,
                recipient=form.recipient.data, asked=form.asked.data,
                office_ids=form.offices.data, pack_sha256=form.pack.data or None,
                actor=current_user)
        except services.EscalationError as refused:
            form.offices.errors = [*form.offices.errors, _problem(refused.code)]
            status = 422
        else:
            flash(_("Recorded. Add the answer and any promises when they come."), "success")
            return redirect(url_for("escalation.action", action_id=action.id))
    elif request.method == "POST":
        status = 422
    return render_template("escalation/new.html", form=form), status


def _prefill(form: ActionForm, pack) -> None:
    if pack is not None:
        form.pack.data = pack.manifest_sha256
        form.level.data = pack.recipient_level
        form.recipient.data = pack.recipient_name
        form.offices.data = citations.offices_of_pack(pack)
    office_id = optional_id(request.args.get("office"))
    if office_id is not None:
        form.offices.data = [office_id]
    form.acted_on.data = form.acted_on.data or local_today()


def _action_page(action: AdvocacyAction, status: int = 200, **forms):
    response_form = forms.get("response_form") or ResponseForm()
    commitment_form = forms.get("commitment_form") or CommitmentForm()
    commitment_form.response.choices = [("", _("none"))] + [
        (str(r.id), f"{r.received_on:%Y-%m-%d}") for r in action.responses]
    return render_template("escalation/action.html", action=action, today=local_today(),
                           pack=citations.pack_by_hash(action.pack_sha256),
                           response_form=response_form, commitment_form=commitment_form,
                           resolve_form=ResolveForm()), status


@bp.route("/<int:action_id>")
@roles(*TEAM)
def action(action_id: int):
    return _action_page(db.session.get(AdvocacyAction, action_id) or abort(404))


@bp.route("/<int:action_id>/responses", methods=["POST"])
@roles(*TEAM)
def add_response(action_id: int):
    action = db.session.get(AdvocacyAction, action_id) or abort(404)
    form = ResponseForm()
    if not form.validate_on_submit():
        return _action_page(action, 422, response_form=form)
    upload = form.scan.data
    scan = upload.read(services.MAX_SCAN_BYTES + 1) if hasattr(upload, "read") else None
    try:
        services.record_response(action, received_on=form.received_on.data,
                                 summary=form.summary.data, scan=scan or None,
                                 actor=current_user)
    except services.EscalationError as refused:
        db.session.rollback()
        field = form.received_on if refused.code == "answer_before_action" else form.scan
        field.errors = [*field.errors, _problem(refused.code)]
        return _action_page(action, 422, response_form=form)
    flash(_("Answer recorded."), "success")
    return redirect(url_for("escalation.action", action_id=action.id))


@bp.route("/<int:action_id>/commitments", methods=["POST"])
@roles(*TEAM)
def add_commitment(action_id: int):
    action = db.session.get(AdvocacyAction, action_id) or abort(404)
    form = CommitmentForm()
    form.response.choices = [(None, "")] + [(r.id, "") for r in action.responses]
    if not form.validate_on_submit():
        return _action_page(action, 422, commitment_form=form)
    response = db.session.get(ActionResponse, form.response.data) if form.response.data else None
    services.add_commitment(action, what=form.what.data, by_whom=form.by_whom.data,
                            due_on=form.due_on.data, response=response, actor=current_user)
    flash(_("Promise recorded. It shows in the due list until it is marked kept or broken."),
          "success")
    return redirect(url_for("escalation.action", action_id=action.id))


@bp.route("/commitments/<int:commitment_id>/<any(kept, broken, pending):decision>",
          methods=["POST"])
@roles(*TEAM)
def resolve(commitment_id: int, decision: str):
    commitment = db.session.get(Commitment, commitment_id) or abort(404)
    form = ResolveForm()
    if not form.validate_on_submit():
        return _action_page(commitment.action, 422)
    services.resolve_commitment(commitment, decision, form.resolved_on.data or local_today(),
                                current_user)
    flash(_("Promise marked: %(status)s.", status=_status(decision)), "success")
    if request.form.get("back") == "due":
        return redirect(url_for("escalation.due"))
    return redirect(url_for("escalation.action", action_id=commitment.action_id))


def _status(word: str) -> str:
    return str(STATUSES.get(word, word))


@bp.route("/responses/<int:response_id>/scan")
@roles(*TEAM)
def scan(response_id: int):
    response = db.session.get(ActionResponse, response_id) or abort(404)
    scan = services.scan_bytes(response)
    if scan is None:
        abort(404)
    reply = current_app.response_class(scan, mimetype=response.scan_type)
    name = f"answer-{response.action_id}-{response.received_on:%Y-%m-%d}.{SCAN_TYPES[response.scan_type]}"
    reply.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply


@bp.route("/due")
@roles(*TEAM)
def due():
    return render_template("escalation/due.html", due=services.due_commitments(local_today()),
                           resolve_form=ResolveForm(), response_days_text=_response_days_text())


def _response_days_text() -> str:
    """"Block 15 days, District 30 days ..." from ESCALATION_RESPONSE_DAYS, in the page's
    language."""
    return ", ".join(
        _("%(level)s %(days)s days", level=LEVEL_LABELS.get(level, level),
          days=local_digits(days, current_locale()))
        for level, days in current_app.config["ESCALATION_RESPONSE_DAYS"].items())
