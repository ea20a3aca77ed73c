from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.access import roles
from rating.admin import bp, services
from rating.admin.forms import LeaderImportForm, StaffAccountForm
from rating.auth.forms import EmptyForm
from rating.auth.models import User
from rating.csvio import decode_upload
from rating.extensions import db
from rating.formtools import page_number


def _message(code: str) -> str:
    return {
        "role": _("Choose a role."),
        "member_code": _("A member code looks like BJ-001."),
        "collective": _("A leader belongs to a collective."),
        "username": _("A username has 3 to 64 lower-case letters, digits, dots, dashes or "
                      "underscores."),
        "pin_format": _("A PIN has 4 to 6 digits."),
        "password_short": _("The password must have at least 10 characters."),
        "login_taken": _("That member code or username is already used."),
        "self": _("You cannot deactivate your own account."),
    }[code]


@bp.route("/users")
@roles("admin")
def users():
    role = request.args.get("role", "")
    q = request.args.get("q", "")[:64]
    page = db.paginate(services.users_statement(role, q), page=page_number(), per_page=100, error_out=False)
    return render_template("admin/users.html", page=page, role=role, q=q, button=EmptyForm(),
                           locked=services.locked_logins(page.items),
                           staff_form=StaffAccountForm(), import_form=LeaderImportForm())


@bp.route("/audit")
@roles("admin")
def audit():
    """Who changed what, newest first, a page at a time; never a PIN, password or rater."""
    action = request.args.get("action", "")[:40]
    page = db.paginate(services.audit_statement(action), page=page_number(), per_page=50, error_out=False)
    return render_template("admin/audit.html", page=page, action=action,
                           actions=services.audit_actions(),
                           logins=services.actor_logins(page.items))


@bp.route("/users/staff", methods=["POST"])
@roles("admin")
def create_staff():
    form = StaffAccountForm()
    if form.validate_on_submit():
        try:
            services.create_user(login=form.login.data, display_name=form.display_name.data,
                                 role=form.role.data, secret=form.password.data,
                                 actor=current_user)
        except services.AccountError as refused:
            # Say it next to the field that has to change.
            wrong = form.password if refused.code == "password_short" else form.login
            wrong.errors.append(_message(refused.code))
        else:
            flash(_("Account created."), "success")
            return redirect(url_for("admin.users"))
    return _users_page(400, staff_form=form)


def _users_page(status: int, staff_form=None):
    page = db.paginate(services.users_statement(), page=page_number(), per_page=100, error_out=False)
    return render_template("admin/users.html", page=page, role="", q="", button=EmptyForm(),
                           locked=services.locked_logins(page.items),
                           staff_form=staff_form or StaffAccountForm(),
                           import_form=LeaderImportForm()), status


@bp.route("/users/leaders", methods=["POST"])
@roles("admin")
def import_leaders():
    """Create leaders from a CSV; the new PINs are shown once, on this response only."""
    form = LeaderImportForm()
    if not form.validate_on_submit():
        abort(400)
    text, problem = decode_upload(form.file.data.read())
    result = services.LeaderImport(problems=[problem]) if problem else \
        services.import_leaders(text, current_user)
    return render_template("admin/leaders_created.html", result=result), \
        (200 if result.created else 422)


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@roles("admin")
def reset_secret(user_id: int):
    user = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    secret = services.reset_secret(user, current_user)
    return render_template("admin/secret_shown.html", user=user, secret=secret)


@bp.route("/users/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
@roles("admin")
def set_active(user_id: int, action: str):
    user = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.set_user_active(user, action == "activate", current_user)
    except services.AccountError as refused:
        flash(_message(refused.code), "error")
        return _users_page(409)
    flash(_("Account reactivated.") if action == "activate" else
          _("Account deactivated: it can no longer log in."), "success")
    return redirect(url_for("admin.users"))
