"""The statistics' rules in force: one `analysis.Rules` in the app's config.

Every page, pack and methods text that computes or states a threshold reads it from here, so
a changed rule changes the figures and their words together. Tests set ``STATISTICS_RULES``.
"""

from flask import current_app

from analysis import Rules


def current_rules() -> Rules:
    return current_app.config["STATISTICS_RULES"]
