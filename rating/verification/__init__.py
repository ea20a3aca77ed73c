"""The public verification page that a pack's QR code opens: no login, nothing that is not
already in the pack."""

from flask import Blueprint

bp = Blueprint("verification", __name__)
