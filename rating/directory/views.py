from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.access import roles
from rating.auth.forms import EmptyForm
from rating.csvio import decode_upload
from rating.directory import bp, importing, services
from rating.directory.forms import (
    ConfirmImportForm,
    EndPostingForm,
    ImportForm,
    OfficeFilterForm,
    OfficeForm,
    OfficerForm,
    PostingForm,
)
from rating.directory.models import DepartmentType, Office, Officer, Place, Posting
from rating.extensions import db
from rating.formtools import options, page_number
from rating.i18n import current_locale


def _get_or_404(model, ident: int):
    return db.session.get(model, ident) or abort(404)


def _problem_text(error: services.DirectoryError) -> str:
    return {
        "code_taken": _("Office code %(code)s is already in use.", **error.params),
        "office_has_ratings": _("This office has ratings, so it cannot be deleted. Deactivate "
                                "it instead: its history stays in the charts."),
        "posting_dates": _("The posting ends before it starts."),
    }[error.code]


@bp.route("/offices")
@roles("staff", "advocacy")
def offices():
    form = OfficeFilterForm(request.args).fill_choices(current_locale())
    form.validate()
    criteria = services.OfficeFilter(
        q=form.q.data or "", district_id=form.district.data, block_id=form.block.data,
        department_id=form.department.data, include_inactive=form.inactive.data)
    page = db.paginate(services.offices_statement(criteria), page=page_number(), per_page=50, error_out=False)
    return render_template("directory/offices.html", form=form, page=page)


@bp.route("/offices/new", methods=["GET", "POST"])
@roles("staff")
def new_office():
    return _office_form(None)


@bp.route("/offices/<int:office_id>/edit", methods=["GET", "POST"])
@roles("staff")
def edit_office(office_id: int):
    return _office_form(_get_or_404(Office, office_id))


def _office_form(office: Office | None):
    form = OfficeForm(obj=office).fill_choices(current_locale())
    if office is not None and request.method == "GET":
        form.department.data, form.place.data = office.department_type_id, office.place_id
    if form.validate_on_submit():
        try:
            office = services.save_office(
                office, code=form.code.data, level=form.level.data or None,
                department=_get_or_404(DepartmentType, form.department.data),
                place=_get_or_404(Place, form.place.data), name_en=form.name_en.data or "",
                name_bn=form.name_bn.data or "", actor=current_user)
        except services.DirectoryError as refused:
            form.code.errors.append(_problem_text(refused))
        else:
            flash(_("Office saved."), "success")
            return redirect(url_for("directory.office", office_id=office.id))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/office_form.html", form=form, office=office), status


@bp.route("/offices/<int:office_id>")
@roles("staff", "advocacy")
def office(office_id: int):
    office = _get_or_404(Office, office_id)
    return render_template("directory/office.html", office=office, button=EmptyForm(),
                           rating_count=services.count_ratings_of(office))


@bp.route("/offices/<int:office_id>/<any(activate, deactivate):action>", methods=["POST"])
@roles("staff")
def set_office_active(office_id: int, action: str):
    office = _get_or_404(Office, office_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_office_active(office, action == "activate", current_user)
    flash(_("Office reactivated.") if action == "activate" else
          _("Office deactivated. Its ratings stay in the charts."), "success")
    return redirect(url_for("directory.office", office_id=office.id))


@bp.route("/offices/<int:office_id>/delete", methods=["POST"])
@roles("staff")
def delete_office(office_id: int):
    office = _get_or_404(Office, office_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_office(office, current_user)
    except services.DirectoryError as refused:
        flash(_problem_text(refused), "error")
        return render_template("directory/office.html", office=office, button=EmptyForm(),
                               rating_count=services.count_ratings_of(office)), 409
    flash(_("Office deleted."), "success")
    return redirect(url_for("directory.offices"))


@bp.route("/officers")
@roles("staff", "advocacy")
def officers():
    q = request.args.get("q", "")[:100]
    page = db.paginate(services.officers_statement(q), page=page_number(), per_page=50, error_out=False)
    return render_template("directory/officers.html", page=page, q=q)


@bp.route("/officers/new", methods=["GET", "POST"])
@roles("staff")
def new_officer():
    return _officer_form(None)


@bp.route("/officers/<int:officer_id>/edit", methods=["GET", "POST"])
@roles("staff")
def edit_officer(officer_id: int):
    return _officer_form(_get_or_404(Officer, officer_id))


def _officer_form(officer: Officer | None):
    form = OfficerForm(obj=officer)
    if form.validate_on_submit():
        officer = services.save_officer(officer, name_en=form.name_en.data,
                                        name_bn=form.name_bn.data or "",
                                        notes=form.notes.data or "", actor=current_user)
        flash(_("Officer saved."), "success")
        return redirect(url_for("directory.officer", officer_id=officer.id))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/officer_form.html", form=form, officer=officer), status


def _posting_form() -> PostingForm:
    form = PostingForm()
    form.office.choices = options(
        (o.id, f"{o.code}: {o.name(current_locale())}")
        for o in db.session.scalars(services.offices_statement(services.OfficeFilter())))
    return form


@bp.route("/officers/<int:officer_id>")
@roles("staff", "advocacy")
def officer(officer_id: int):
    return render_template("directory/officer.html", officer=_get_or_404(Officer, officer_id),
                           form=_posting_form(), end_form=EndPostingForm())


# The same address as the officer's page, declared apart: advocacy reads it, only staff post
# (the README's role table is held against these declarations).
@bp.route("/officers/<int:officer_id>", methods=["POST"])
@roles("staff")
def add_posting(officer_id: int):
    officer = _get_or_404(Officer, officer_id)
    form = _posting_form()
    if form.validate_on_submit():
        try:
            services.post_officer(officer, _get_or_404(Office, form.office.data),
                                  form.started_on.data, form.ended_on.data, current_user)
        except services.DirectoryError as refused:
            form.ended_on.errors.append(_problem_text(refused))
        else:
            flash(_("Posting recorded."), "success")
            return redirect(url_for("directory.officer", officer_id=officer.id))
    return render_template("directory/officer.html", officer=officer, form=form,
                           end_form=EndPostingForm()), 400


@bp.route("/postings/<int:posting_id>/end", methods=["POST"])
@roles("staff")
def end_posting(posting_id: int):
    posting = _get_or_404(Posting, posting_id)
    form = EndPostingForm()
    if form.validate_on_submit():
        try:
            services.end_posting(posting, form.ended_on.data, current_user)
        except services.DirectoryError as refused:
            flash(_problem_text(refused), "error")
        else:
            flash(_("Posting ended."), "success")
            return redirect(url_for("directory.officer", officer_id=posting.officer_id))
    else:
        flash(_("Choose the date the officer left the post."), "error")
    return render_template("directory/officer.html", officer=posting.officer,
                           form=_posting_form(), end_form=form), 400


IMPORTERS = {
    "offices": (importing.plan_office_import, importing.import_offices),
    "officers": (importing.plan_officer_import, importing.import_officers),
}


@bp.route("/import", methods=["GET", "POST"])
@roles("staff")
def import_csv():
    """Step 1: upload a file and see what it would do (a dry run: nothing is written)."""
    form = ImportForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("directory/import.html", form=form), status
    text, problem = decode_upload(form.file.data.read())
    plan = importing.ImportPlan(form.kind.data, problems=[problem]) if problem else \
        IMPORTERS[form.kind.data][0](text)
    confirm = ConfirmImportForm(kind=form.kind.data, content=text or "")
    return render_template("directory/import_preview.html", plan=plan, confirm=confirm,
                           form=form), (200 if plan.ok else 422)


@bp.route("/import/confirm", methods=["POST"])
@roles("staff")
def confirm_import():
    """Step 2: import the previewed file; it is checked again and written all or nothing."""
    form = ConfirmImportForm()
    if not form.validate_on_submit() or form.kind.data not in IMPORTERS:
        abort(400)
    plan = IMPORTERS[form.kind.data][1](form.content.data, current_user)
    if not plan.ok:
        return render_template("directory/import_preview.html", plan=plan, confirm=form,
                               form=ImportForm(kind=form.kind.data)), 422
    flash(_("Imported %(count)d rows.", count=len(plan.items)), "success")
    return redirect(url_for("directory.offices" if plan.kind == "offices"
                            else "directory.officers"))
