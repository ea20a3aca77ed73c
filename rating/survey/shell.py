"""The leaders' app shell on the phone: the files the service worker keeps, the addresses the
page script and the worker use, and the version that names the worker's cache.

`SHELL_ASSETS` is the one list of those files: the worker is served with it written in
(`worker_source`), and its version is a hash of them, so changing any of them installs a new
worker that fetches them afresh. The addresses are the app's own routes (`url_for`), given
to the scripts rather than written in them; an address with an id or a language carries
``{id}`` or ``{language}`` for the script to fill in.
"""

import hashlib
import json
from pathlib import Path

from flask import current_app, url_for

from rating.access import MAX_ID

SHELL_ASSETS = ("css/app.css", "js/outbox.js", "js/leader.js", "icons/icon.svg")
WORKER = "js/sw.js"


def _pattern(endpoint: str, field: str, sample, placeholder: str) -> str:
    """A route's address with ``placeholder`` where ``field`` goes ("/leader/rate/{id}")."""
    address = url_for(endpoint, **{field: sample})
    sample = str(sample)
    if not address.endswith(sample):
        raise ValueError(f"{endpoint}: {field} is not the end of its address {address}")
    return address[: -len(sample)] + placeholder


def page_urls() -> dict[str, str]:
    """The addresses the page script (leader.js) uses, for ``<template id="urls">``."""
    return {
        "session": url_for("api.session_info"), "ratings": url_for("api.submit_rating"),
        "offices": url_for("api.offices"),
        "rate-api": _pattern("api.rate_context", "office_id", MAX_ID, "{id}"),
        "rate-page": _pattern("survey.rate", "office_id", MAX_ID, "{id}"),
        "saved": _pattern("survey.saved", "office_id", MAX_ID, "{id}"),
        "worker": url_for("survey.service_worker"), "worker-scope": url_for("survey.home"),
        "quick-exit": current_app.config["QUICK_EXIT_URL"],
        # "/voice/{key}/{language}": a voice clip's address
        "clip": url_for("voice.clip", element="score", language="bn")
        .replace("/score/bn", "/{key}/{language}"),
    }


def _static(name: str) -> str:
    return url_for("static", filename=name)


def asset_version() -> str:
    """A hash of every file the worker keeps, and of the worker itself."""
    digest = hashlib.sha256()
    for name in (*SHELL_ASSETS, WORKER):
        digest.update((Path(current_app.static_folder) / name).read_bytes())
    digest.update(current_app.config.get("ASSET_SALT", "").encode())
    return digest.hexdigest()[:12]


def worker_source(version: str) -> str:
    """sw.js with its version, the files it keeps and its addresses written in."""
    shell = {
        "version": version, "assets": [_static(name) for name in SHELL_ASSETS],
        "outbox": _static("js/outbox.js"), "session": url_for("api.session_info"),
        "ratings": url_for("api.submit_rating"), "offices": url_for("api.offices"),
        "offline": _pattern("survey.offline_shell", "language", "bn", "{language}"),
        "scope": url_for("survey.home"),
        "ratePage": _pattern("survey.rate", "office_id", MAX_ID, "{id}"),
        "results": url_for("results.index"),  # the results pages kept for offline reading
        "voice": url_for("voice.clip", element="score", language="bn")
        .removesuffix("score/bn"),
    }
    source = (Path(current_app.static_folder) / WORKER).read_text()
    # a JSON text inside a JavaScript string: JSON.parse("...") in the worker
    return source.replace('"__SHELL__"', json.dumps(json.dumps(shell)))
