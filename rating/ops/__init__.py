"""Operations: what a load balancer, a monitor or a person on call asks the service."""

from flask import Blueprint

bp = Blueprint("ops", __name__)
