"""Evidence packs: build (with a preview first), follow progress, download; review quotes."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis import redact_quote
from rating.access import roles
from rating.auth.forms import EmptyForm
from rating.cycles.models import Rating
from rating.evidence import bp, services
from rating.evidence.content import PackError, PackParams, assemble_pack
from rating.evidence.forms import PackForm
from rating.evidence.models import Pack
from rating.extensions import db
from rating.i18n import current_locale

BUILDERS = ("staff", "advocacy")


@bp.context_processor
def evidence_helpers():
    return {"redact": lambda text: redact_quote(text or "")}


def _problem(code: str) -> str:
    return {
        "unknown_scope": _("Choose what the pack is about."),
        "no_cycles": _("There is no closed cycle in that range."),
        "not_quotable": _("That comment cannot be quoted."),
        "internal": _("Building the pack failed; the error is in the server log."),
        "interrupted": _("Building was interrupted again and again (its workers stopped). "
                         "Build it again."),
        "expired": _("This pack was deleted after %(days)s days, as the network keeps "
                     "evidence no longer than it needs. Build it again.",
                     days=current_app.config["PACK_RETENTION_DAYS"]),
        "queue_full": _("You already have packs waiting to be built. Wait until one is done "
                        "(see the list below), then build this one."),
        "signing_not_configured": _("Packs cannot be signed: the organisation's signing key "
                                    "and certificate are not set (PACK_SIGNING_KEY_FILE, "
                                    "PACK_CERTIFICATE_FILE)."),
    }.get(code, code)


def _params(form: PackForm) -> PackParams:
    return PackParams(scope=form.scope.data, scope_id=form.scope_id(),
                      language=form.language.data, recipient_level=form.recipient_level.data,
                      recipient_name=form.recipient_name.data.strip(),
                      cycle_from=form.cycle_from.data, cycle_to=form.cycle_to.data,
                      annex=bool(form.annex.data))


@bp.route("/", methods=["GET", "POST"])
@roles(*BUILDERS)
def index():
    """The builder: choose, preview (what will be in it and what is withheld), build."""
    source = request.form if request.method == "POST" else (request.args or None)
    # Previewing is a GET (shareable, changes nothing); only building needs the CSRF token.
    form = PackForm(source, meta={"csrf": request.method == "POST"}).fill_choices(
        current_locale())
    preview, status = None, 200
    if source is not None and form.validate():
        try:
            params = _params(form)
            if request.method == "POST" and request.form.get("build"):
                label = assemble_pack(params).scope_names.get("en", "")
                pack = services.start_pack(params, label, current_user,
                                           wait=current_app.config.get("PACK_BUILD_INLINE",
                                                                       False))
                return redirect(url_for("evidence.pack", pack_id=pack.id))
            preview = assemble_pack(params)
        except PackError as refused:
            form.scope.errors = [*form.scope.errors, _problem(refused.code)]
            status = 429 if refused.code == "queue_full" else 422
    elif source is not None:
        status = 422
    return render_template("evidence/index.html", form=form, preview=preview,
                           packs=services.list_packs()), status


@bp.route("/packs/<int:pack_id>")
@roles(*BUILDERS)
def pack(pack_id: int):
    pack = db.session.get(Pack, pack_id) or abort(404)
    code = "expired" if pack.status == "expired" else pack.error
    return render_template("evidence/pack.html", pack=pack,
                           problem=_problem(code) if code else None)


@bp.route("/packs/<int:pack_id>/download")
@roles(*BUILDERS)
def download(pack_id: int):
    pack = db.session.get(Pack, pack_id) or abort(404)
    if pack.status == "expired":
        abort(410)
    if pack.status != "done":
        abort(409)
    response = current_app.response_class(services.pack_bytes(pack), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{pack.file_name}"'
    return response


@bp.route("/quotes")
@roles("staff")
def quotes():
    return render_template("evidence/quotes.html", ratings=services.pending_quotes(),
                           button=EmptyForm())


@bp.route("/quotes/<int:rating_id>/<any(approve, reject):decision>", methods=["POST"])
@roles("staff")
def review_quote(rating_id: int, decision: str):
    rating = db.session.get(Rating, rating_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.review_quote(rating, decision == "approve", current_user)
    except PackError as refused:
        flash(_problem(refused.code), "error")
        return render_template("evidence/quotes.html", ratings=services.pending_quotes(),
                               button=EmptyForm()), 409
    flash(_("Quote approved for packs.") if decision == "approve" else _("Quote left out."),
          "success")
    return redirect(url_for("evidence.quotes"))
