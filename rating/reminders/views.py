"""The account page where staff give the address their daily digest goes to, or turn it off."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.access import roles
from rating.reminders import bp
from rating.reminders.forms import AccountForm
from rating.reminders.services import set_digest_choice


@bp.route("/", methods=["GET", "POST"])
@roles("staff")
def account():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        set_digest_choice(current_user, form.email.data, form.daily_digest.data)
        flash(_("Saved."), "success")
        return redirect(url_for("reminders.account"))
    return render_template("reminders/account.html", form=form), 422 if form.errors else 200
