from flask import render_template
from flask_login import current_user

from rating.access import roles
from rating.cycles.services import open_cycle_now
from rating.survey import bp, services


@bp.route("/")
@roles("leader")
def home():
    cycle = open_cycle_now()
    return render_template(
        "survey/home.html", cycle=cycle, ratings=services.ratings_of(current_user, cycle)
    )
