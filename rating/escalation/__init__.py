from flask import Blueprint

bp = Blueprint("escalation", __name__)
