"""``/verify/<manifest hash>``: what was published, when, by which organisation, and the
hashes to compare; ``/verify/key.pem``: the public key that checks every pack."""

import io
import json
import re
import zipfile
from pathlib import Path

from flask import Response, abort, current_app, render_template, request

from rating.access import public
from rating.evidence import keys, services, signing, verify
from rating.evidence.shelf import PackShelf
from rating.verification import bp

SHA256 = re.compile(r"[0-9a-f]{64}")


@bp.get("/key.pem")
@public
def public_key():
    return Response(keys.public_key_pem(), mimetype="application/x-pem-file",
                    headers={"Content-Disposition": "inline; filename=pack-signing-key.pem"})


@bp.get("/verify_pack.py")
@public
def checker():
    """The checking program itself: one file, the standard library and `cryptography`."""
    return Response(Path(verify.__file__).read_bytes(), mimetype="text/x-python",
                    headers={"Content-Disposition": "attachment; filename=verify_pack.py"})


@bp.get("/")
@public
def index():
    digest = (request.args.get("sha256") or "").strip().lower()
    if digest:
        return show(digest)
    return render_template("verification/index.html", key_id=keys.signing_key_id(),
                           organisation=current_app.config["ORGANISATION_NAME"])


@bp.get("/<digest>")
@public
def show(digest: str):
    pack = PackShelf().by_hash(digest) if SHA256.fullmatch(digest) else None
    if pack is None:
        return render_template("verification/unknown.html", digest=digest[:64],
                               organisation=current_app.config["ORGANISATION_NAME"]), 404
    with zipfile.ZipFile(io.BytesIO(services.pack_bytes(pack))) as archive:
        manifest = json.loads(archive.read(signing.MANIFEST))
        documents = json.loads(archive.read(signing.DOCUMENTS))
    return render_template("verification/pack.html", pack=pack, manifest=manifest,
                           documents=documents, key_id=keys.signing_key_id(),
                           organisation=current_app.config["ORGANISATION_NAME"])


@bp.errorhandler(keys.SigningNotConfigured)
def not_configured(_error):
    abort(503)
