"""What a leader sees of their own ratings."""

from sqlalchemy import select

from rating.auth.services import rater_key_for
from rating.extensions import db
from rating.survey.models import Rating


def ratings_of(user, cycle) -> list[Rating]:
    """This leader's ratings in a cycle, newest first (found by their rater key)."""
    if cycle is None:
        return []
    return list(
        db.session.scalars(
            select(Rating)
            .where(Rating.cycle_id == cycle.id, Rating.rater_key == rater_key_for(user.id))
            .order_by(Rating.updated_at.desc())
        )
    )
