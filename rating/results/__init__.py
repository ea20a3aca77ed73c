"""What came of the leaders' ratings: a block's and an office's published results, a leader's
own ratings, and a printable score card."""

from flask import Blueprint

bp = Blueprint("results", __name__)
