"""The leaders' pages: home, choose an office, rate it, saved; plus the offline app shell."""

import uuid

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user

from rating.access import public, roles
from rating.cycles.services import find_open_cycle
from rating.directory import services as directory
from rating.directory.models import Office
from rating.extensions import db
from rating.formtools import optional_id
from rating.i18n import current_locale
from rating.survey import bp, services, shell
from rating.survey.forms import RatingForm
from rating.survey.limits import rating_writes
from rating.survey.messages import REFUSALS, STATUS
from rating.timeutil import local_today
from rating.voice.services import prompts_for


@bp.context_processor
def leader_context():
    """The leader's tag, and the elements with a voice clip in her language (each page's
    speaker buttons; the offline shell passes its own language's)."""
    if current_user.is_authenticated and current_user.role == "leader":
        return {"leader_tag": services.leader_tag(current_user),
                "prompts": prompts_for(current_locale())}
    return {}


@bp.route("/")
@roles("leader")
def home():
    cycle = find_open_cycle()
    return render_template("survey/home.html", cycle=cycle,
                           ratings=services.ratings_of(current_user, cycle))


@bp.route("/offices")
@roles("leader")
def offices():
    q = request.args.get("q", "")[:100].strip()
    block = request.args.get("block", type=optional_id)
    department = request.args.get("department", type=optional_id)
    cycle = find_open_cycle()
    rated_now = {r.office_id: r.score for r in services.ratings_of(current_user, cycle)}
    return render_template(
        "survey/offices.html", cycle=cycle, q=q, block=block, department=department,
        offices=services.offices_for_leader(current_user, q, block, department),
        rated_now=rated_now, blocks=directory.areas(),
        departments=directory.department_types())


def _office_or_404(office_id: int) -> Office:
    office = db.session.get(Office, office_id)
    if office is None or not office.active:
        abort(404)
    return office


@bp.route("/rate/<int:office_id>", methods=["GET", "POST"])
@roles("leader")
@rating_writes
def rate(office_id: int):
    office = _office_or_404(office_id)
    cycle = find_open_cycle()
    if cycle is None:
        return render_template("survey/no_cycle.html"), 409
    earlier = services.rating_of(current_user, cycle, office.id)
    form = RatingForm(data=services.answers_of(earlier))
    if request.method == "GET":
        form.submission_id.data = uuid.uuid4().hex
    status = 200
    if form.validate_on_submit():
        try:
            services.submit_rating(current_user, cycle_id=cycle.id, office_id=office.id,
                                   answers=form.clean())
        except services.RatingRefused as refused:
            form.form_errors.append(REFUSALS[refused.code])
            status = STATUS[refused.code]
        else:
            return redirect(url_for("survey.saved", office_id=office.id), 303)
    elif request.method == "POST":
        status = 422
    return render_template("survey/rate.html", form=form, office=office, cycle=cycle,
                           earlier=earlier, officer=directory.officer_in_post(
                               office.id, local_today())), status


@bp.route("/saved/<int:office_id>")
@roles("leader")
def saved(office_id: int):
    office = _office_or_404(office_id)
    rating = services.rating_of(current_user, find_open_cycle(), office.id)
    if rating is None:
        return redirect(url_for("survey.rate", office_id=office.id))
    return render_template("survey/saved.html", office=office, rating=rating)


@bp.route("/late")
@roles("staff")
def late_ratings():
    """Staff: per closed cycle, how many ratings reached the service after it had closed
    (refused, and lost to the figures). Counts only."""
    return render_template("survey/late.html", cycles=services.late_rating_counts())


@bp.route("/offline/<any(bn, en):language>")
@public
def offline_shell(language: str):
    """The app shell the service worker shows when there is no network. It holds nothing
    personal (no name, no token, no ratings): the office list and the queue are filled in by
    the script on the phone, which searches and filters the list there, offline too."""
    with force_locale(language):
        response = current_app.make_response(render_template(
            "survey/offline.html", form=RatingForm(meta={"csrf": False}), shell=True,
            prompts=prompts_for(language), blocks=directory.areas(),
            departments=directory.department_types(),
            search_terms=services.offline_search_terms()))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
@public
def service_worker():
    """The worker, stamped with a hash of the files it caches: a new hash, a new worker. The
    browser asks for it again on every visit to see whether it changed; the hash is its ETag,
    so the answer is a bodiless 304 until it has."""
    version = shell.asset_version()
    response = current_app.response_class(shell.worker_source(version),
                                          mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = url_for("survey.home")
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(version)
    return response.make_conditional(request)


@bp.route("/manifest.webmanifest")
@public
def manifest():
    return current_app.response_class(
        render_template("survey/manifest.json"), mimetype="application/manifest+json")
