"""The results pages: a block's, an office's, a leader's own ratings, and the score cards."""

import json

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.utils import secure_filename

from rating.access import roles
from rating.collation import sort_key
from rating.directory import services as directory
from rating.directory.models import Office, Place
from rating.extensions import db
from rating.i18n import current_locale, local_digits
from rating.results import bp, scorecard, services
from rating.survey.forms import PURPOSE_LABELS
from rating.survey.services import leader_tag

EVERYONE = ("leader", "staff", "advocacy", "admin")


def _plain() -> bool:
    """The copy the phone keeps for offline reading (`static/js/sw.js`): the same for every
    leader of the block, so nothing of hers is on it (no name, no marks, no token)."""
    return request.args.get("copy") == "plain"


def _marks() -> set[int]:
    if _plain() or current_user.role != "leader":
        return set()
    return services.rated_office_ids(current_user)


def _area_or_404(place_id: int) -> Place:
    place = db.session.get(Place, place_id)
    if place is None or place.kind not in ("block", "municipality"):
        abort(404)
    return place


def _office_or_404(office_id: int) -> Office:
    office = db.session.get(Office, office_id)
    if office is None:
        abort(404)
    return office


@bp.route("/")
@roles(*EVERYONE)
def index():
    """A leader goes to her block's page; anyone else (or a leader with no block) chooses."""
    block = services.home_block(current_user) if current_user.role == "leader" else None
    if block is not None:
        return redirect(url_for("results.block", place_id=block.id))
    return render_template("results/index.html", areas=directory.areas(),
                           rated=_rated_offices())


def _rated_offices() -> list[Office]:
    marks = _marks()
    if not marks:
        return []
    return list(db.session.scalars(db.select(Office).where(Office.id.in_(marks))))


@bp.route("/block/<int:place_id>")
@roles(*EVERYONE)
def block(place_id: int):
    area = _area_or_404(place_id)
    results = services.block_results(area)
    marks = _marks()
    shown_ids = {r.office.id for r in results.shown} | {o.id for o in results.not_shown}
    elsewhere = [o for o in _rated_offices() if o.id not in shown_ids]
    return render_template("results/block.html", results=results, area=area, marks=marks,
                           elsewhere=elsewhere, plain=_plain(), shell=_plain())


@bp.route("/office/<int:office_id>")
@roles(*EVERYONE)
def office(office_id: int):
    chosen = _office_or_404(office_id)
    return render_template("results/office.html", results=services.office_results(chosen),
                           office=chosen, marks=_marks(), plain=_plain(), shell=_plain())


def _personal(**more):
    """Her name, a token for the page's forms and whatever else is hers, as JSON that no
    browser, worker or cache between may keep. UTF-8 rather than \\u escapes: a Bengali name
    is half the bytes."""
    body = json.dumps({
        "language": current_locale(), "who": current_user.display_name,
        "csrf_token": generate_csrf(),
        "tag": leader_tag(current_user) if current_user.role == "leader" else None, **more},
        ensure_ascii=False, separators=(",", ":"))
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/personal")
@roles(*EVERYONE)
def personal():
    """What is hers on a results page the phone keeps (the unmarked copy, the same for every
    leader): the offices she rated, to mark them, her name and a token for the page's forms.
    A few hundred bytes."""
    language = current_locale()
    rated = []
    if current_user.role == "leader":
        rated = sorted(({"id": office.id, "name": office.name(language)}
                        for office in _rated_offices()),
                       key=lambda row: sort_key(row["name"], language))
    return _personal(rated=rated)


@bp.route("/mine")
@roles("leader")
def mine():
    """Her own ratings, every cycle: for her alone, never kept by the phone or a cache. The
    phone keeps only the page's frame ("?copy=plain", nothing of hers in it); its script
    fills it in from `mine_data`."""
    plain = _plain()
    response = current_app.make_response(render_template(
        "results/mine.html", ratings=[] if plain else services.own_ratings(current_user),
        purpose_labels=PURPOSE_LABELS, plain=plain, shell=plain))
    if not plain:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/mine/data")
@roles("leader")
def mine_data():
    """Her own ratings for the frame the phone keeps: each office's and cycle's name once, in
    her language, and per rating [office, cycle, score, purpose code] (the frame holds the
    purposes' words)."""
    locale = current_locale()
    ratings = services.own_ratings(current_user)
    return _personal(
        offices={r.office.id: r.office.name(locale) for r in ratings},
        cycles={r.cycle.id: local_digits(r.cycle.name, locale) for r in ratings},
        ratings=[[r.office.id, r.cycle.id, r.score, r.purpose] for r in ratings])


@bp.route("/block/<int:place_id>/card.pdf")
@roles(*EVERYONE)
def block_card(place_id: int):
    area = _area_or_404(place_id)
    return _pdf(scorecard.render_card(services.block_results(area)),
                f"score-card-{area.code}.pdf")


@bp.route("/office/<int:office_id>/card.pdf")
@roles(*EVERYONE)
def office_card(office_id: int):
    chosen = _office_or_404(office_id)
    return _pdf(scorecard.render_card(services.office_results(chosen)),
                f"score-card-{chosen.code}.pdf")


def _pdf(data: bytes, name: str):
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{secure_filename(name)}"'
    return response
