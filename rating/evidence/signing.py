"""The pack's manifest: every file's SHA-256, the data fingerprint and the parameters,
signed with a key of the server (HMAC-SHA256), so a pack can be checked as intact and ours."""

import hashlib
import hmac
import io
import json
import zipfile

from flask import current_app

MANIFEST = "manifest.json"


def _key() -> bytes:
    # Derived from the server's rater-key secret under its own label: never rotated, never
    # leaves the server, and a pack's signature reveals nothing about it.
    secret = current_app.config["RATER_KEY_SECRET"].encode()
    return hmac.new(secret, b"evidence-pack-signing", hashlib.sha256).digest()


def _canonical(manifest: dict) -> bytes:
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign_manifest(files: dict[str, bytes], facts: dict) -> bytes:
    """manifest.json for these files, with the facts (parameters, fingerprint, who, when)."""
    manifest = dict(facts)
    manifest["files"] = {name: hashlib.sha256(data).hexdigest()
                         for name, data in sorted(files.items())}
    manifest["signature"] = {"algorithm": "HMAC-SHA256",
                             "value": hmac.new(_key(), _canonical(manifest),
                                               hashlib.sha256).hexdigest()}
    return json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode()


def verify_pack(data: bytes) -> tuple[bool, list[str]]:
    """Whether a pack's zip is intact and was signed by this server; the problems if not."""
    problems = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, ValueError):
        return False, ["not a pack: no readable manifest.json"]
    signature = manifest.get("signature", {}).get("value", "")
    expected = hmac.new(_key(), _canonical(manifest), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected):
        problems.append("the signature does not match: the manifest was changed or not signed "
                        "by this server")
    listed = manifest.get("files", {})
    present = set(archive.namelist()) - {MANIFEST}
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not in the manifest")
    for name, digest in sorted(listed.items()):
        if name not in present:
            problems.append(f"{name}: missing")
        elif hashlib.sha256(archive.read(name)).hexdigest() != digest:
            problems.append(f"{name}: changed since the pack was built")
    return not problems, problems


def manifest_digest(manifest: bytes) -> str:
    return hashlib.sha256(manifest).hexdigest()
