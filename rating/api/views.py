"""JSON endpoints for the leaders' page script, its offline queue, tests and scripts.

CSRF applies here too: the page sends its token in the ``X-CSRFToken`` header.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from rating.access import roles
from rating.api import bp
from rating.collation import sort_key
from rating.cycles.services import find_open_cycle
from rating.directory import services as directory
from rating.directory.models import Office
from rating.extensions import db
from rating.i18n import current_locale
from rating.survey import services
from rating.survey.checks import check_rating
from rating.survey.limits import rating_writes
from rating.survey.messages import REFUSALS, STATUS
from rating.timeutil import local_today
from rating.voice.elements import office_element
from rating.voice.services import offices_with_clips, prompts_for

SCALARS = (str, int, float, bool)


@bp.route("/session")
@roles("leader", "staff", "advocacy", "admin")
def session_info():
    """A fresh CSRF token and the tag of this leader's queued ratings on the phone."""
    tag = services.leader_tag(current_user) if current_user.role == "leader" else None
    return jsonify(csrf_token=generate_csrf(), leader_tag=tag, language=current_user.language)


@bp.route("/rate/<int:office_id>")
@roles("leader")
def rate_context(office_id: int):
    """What the rating page's shell (cached on the phone, holding nothing personal) needs for
    one office: the open cycle, the office and its officer, the leader's name and earlier
    answers, a CSRF token. Personal, so never stored: 404 no such office, 409 no open cycle."""
    office = db.session.get(Office, office_id)
    if office is None or not office.active:
        return jsonify(error="no_such_office"), 404
    cycle = find_open_cycle()
    if cycle is None:
        return jsonify(error="no_cycle"), 409
    language = current_user.language
    officer = directory.officer_in_post(office.id, local_today())
    earlier = services.rating_of(current_user, cycle, office.id)
    return jsonify(
        cycle_id=cycle.id, office_id=office.id, office=office.name(language),
        officer=officer.name(language) if officer else None, who=current_user.display_name,
        tag=services.leader_tag(current_user), language=language, csrf_token=generate_csrf(),
        rating=services.answers_of(earlier),
        voice=[language] if office_element(office.id) in prompts_for(language) else [])


@bp.route("/cycles/open")
@roles("leader", "staff", "advocacy")
def open_cycle():
    cycle = find_open_cycle()
    if cycle is None:
        return jsonify(cycle=None)
    return jsonify(cycle={"id": cycle.id, "name": cycle.name,
                          "starts_on": cycle.starts_on.isoformat(),
                          "ends_on": cycle.ends_on.isoformat()})


@bp.route("/offices")
@roles("leader", "staff", "advocacy")
def offices():
    """The offices leaders can rate in the open cycle: the same list for everyone, so the
    phone may keep it for offline use."""
    cycle = find_open_cycle()
    rows = []
    if cycle is not None:
        officers = directory.officers_in_post(local_today())
        spoken = offices_with_clips()
        for office in db.session.scalars(directory.offices_statement(directory.OfficeFilter())):
            officer = officers.get(office.id)
            rows.append({
                "id": office.id, "code": office.code, "name_en": office.name_en,
                "name_bn": office.name_bn, "department": office.department_type.code,
                "place_id": office.place_id,
                "block_id": office.place.block_id or office.place_id,
                "officer": officer.name_en if officer else None,
                "voice": sorted(spoken.get(office.id, ())),
            })
        # In the reader's alphabetical order (Bengali order for a Bengali phone): the list is
        # the same for every leader who reads that language.
        locale = current_locale()
        rows.sort(key=lambda row: sort_key(row[f"name_{locale}"], locale))
    response = jsonify(cycle_id=cycle.id if cycle else None, offices=rows)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/ratings/mine")
@roles("leader")
def my_ratings():
    cycle = find_open_cycle()
    return jsonify(cycle_id=cycle.id if cycle else None, ratings=[
        {"office_id": r.office_id, "score": r.score, "purpose": r.purpose,
         "respect": r.respect, "resolved": r.work_done, "comment": r.comment,
         "quote_consent": r.quote_consent}
        for r in services.ratings_of(current_user, cycle)])


@bp.route("/ratings", methods=["POST"])
@roles("leader")
@rating_writes
def submit_rating():
    """Store one rating. 201 stored, 200 stored before (same body), 409 cycle closed or
    submission id taken, 422 invalid with a message per field."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error="invalid", message=_("Send the rating as a JSON object."),
                       fields={}), 422
    fields = {name: _("This must be a single value.") for name, value in payload.items()
              if value is not None and not isinstance(value, SCALARS)}
    if not fields:
        answers, fields = check_rating(_formdata(payload))
    if fields:
        return jsonify(error="invalid", message=_("Some answers need fixing."),
                       fields=fields), 422
    try:
        stored = services.submit_rating(current_user, cycle_id=answers.pop("cycle_id"),
                                        office_id=answers.pop("office_id"), answers=answers)
    except services.RatingRefused as refused:
        message = str(REFUSALS[refused.code])
        return jsonify(error=refused.code, message=message,
                       fields={refused.field: message} if refused.field else {}), \
            STATUS[refused.code]
    return jsonify(stored.body), stored.status


def _formdata(payload: dict) -> dict:
    """JSON values as the strings a form post would carry (null = not answered)."""
    data = {}
    for name, value in payload.items():
        if value is None or not isinstance(value, SCALARS):
            continue
        if isinstance(value, bool):
            data[name] = "y" if value else ""
        else:
            data[name] = str(value)
    return data
