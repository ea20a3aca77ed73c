from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user

from rating.access import public, roles
from rating.auth import bp, devices, services
from rating.auth.forms import (
    ChangePasswordForm,
    ChangePinForm,
    EmptyForm,
    LanguageForm,
    LoginForm,
)
from rating.auth.sessions import (
    SessionInterface,
    end_expired_session,
    remember_device,
    renew_session,
    start_session,
)
from rating.extensions import csrf, limiter, login_manager

HOME_BY_ROLE = {
    "leader": "survey.home",
    "staff": "dashboard.overview",
    "advocacy": "dashboard.overview",
    "admin": "admin.users",
}


@login_manager.user_loader
def _load_user(session_id):
    return services.load_user(session_id)


# Before every request (and before the role check): a session past its lifetime ends here.
bp.before_app_request(end_expired_session)


@bp.record_once
def _use_session_interface(state):
    state.app.session_interface = SessionInterface()


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("auth.index"))
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data,
                                         request.cookies.get(devices.COOKIE))
        except services.LoginRefused as refused:
            status = 401
            if refused.reason == "locked":
                flash(ngettext("Too many wrong tries. Try again in %(num)d minute.",
                               "Too many wrong tries. Try again in %(num)d minutes.",
                               refused.minutes), "error")
            else:
                flash(_("That member code or PIN is not right. Please try again."), "error")
        else:
            start_session(user, remember=form.remember.data)
            if user.secret_state != "own":
                flash(_("Someone else gave you this PIN. Choose your own PIN: tap "
                        "“Change my PIN”.") if user.role == "leader" else
                      _("Someone else gave you this password. Choose your own: "
                        "“Change my password”."), "info")
            response = redirect(services.safe_next(form.next.data) or url_for("auth.index"))
            remember_device(response, user)
            return response
    elif request.method == "POST":
        status = 400
    # Leaders (most who log in) get the PIN's number pad; staff, "?as=staff", a password box.
    return render_template("auth/login.html", form=form,
                           staff=request.args.get("as") == "staff"), status


@bp.route("/pin", methods=["GET", "POST"])
@roles("leader", "staff", "advocacy", "admin")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def change_pin():
    """The owner chooses her own PIN (or password); every other session of hers ends."""
    user = current_user._get_current_object()
    form = (ChangePinForm if user.role == "leader" else ChangePasswordForm)()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_secret(user, form.current.data, form.new.data,
                                   request.cookies.get(devices.COOKIE))
        except services.SecretRefused as refused:
            form.form_errors.append(_secret_message(refused, user.role == "leader"))
            status = 422
        else:
            renew_session(user)
            flash(_("Your new PIN is saved. Use it from now on.") if user.role == "leader"
                  else _("Your new password is saved."), "success")
            return redirect(url_for("auth.index"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/change_pin.html", form=form), status


def _secret_message(refused, leader: bool) -> str:
    if refused.code == "locked":
        return ngettext("Too many wrong tries. Try again in %(num)d minute.",
                        "Too many wrong tries. Try again in %(num)d minutes.",
                        refused.params["minutes"])
    if refused.code == "wrong":
        return _("The PIN you have now is not right. Please try again.") if leader else \
            _("The password you have now is not right. Please try again.")
    if refused.code == "same":
        return _("Choose a new PIN, not the one you have now.") if leader else \
            _("Choose a new password, not the one you have now.")
    return {
        "pin_format": _("A PIN has 4 to 6 digits."),
        "password_short": _("The password must have at least 10 characters."),
    }[refused.code]


@bp.route("/logout", methods=["POST"])
@roles("leader", "staff", "advocacy", "admin")
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        language = current_user.language
        services.record_logout(current_user._get_current_object())
        logout_user()
        session.clear()
        session["language"] = language
        flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/exit", methods=["POST"])
@public
@csrf.exempt  # a forged request can do no more than log someone out; a 400 is no way out
def quick_exit():
    """The quick-exit button of the leaders' pages: end the session, whoever is logged in,
    and leave for a page that says nothing about this service (``QUICK_EXIT_URL``)."""
    if current_user.is_authenticated:
        language = current_user.language
        services.record_logout(current_user._get_current_object(), reason="quick_exit")
        logout_user()
        session.clear()
        session["language"] = language
    return redirect(current_app.config["QUICK_EXIT_URL"], 303)


@bp.route("/language", methods=["POST"])
@public
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        services.set_language(current_user, form.language.data, session)
    return redirect(services.safe_next(form.next.data) or url_for("auth.index"))
