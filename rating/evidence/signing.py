"""Signing a pack: the manifest of its data, then the list of its documents, each signed
with the organisation's Ed25519 key (`rating.evidence.keys`); `verify` checks them with the
public key alone.

The order breaks a circle: the documents print the manifest's SHA-256 in their footers, so
the manifest cannot list them; ``documents.json`` lists them afterwards, and names the
manifest it belongs to.
"""

import base64
import hashlib
import json

from rating.evidence import keys
from rating.evidence.verify import DOCUMENTS, MANIFEST, SIGNATURE_ALGORITHM, canonical
from rating.evidence.verify import verify_pack as verify_with_key

__all__ = ["DOCUMENTS", "MANIFEST", "manifest_digest", "sign_documents", "sign_manifest",
           "verify_pack"]


def _signed(body: dict) -> bytes:
    key = keys.signing_key()
    signed = dict(body)
    signed["signature"] = {
        "algorithm": SIGNATURE_ALGORITHM, "key_id": keys.signing_key_id(),
        "value": base64.b64encode(key.sign(canonical(signed))).decode()}
    return json.dumps(signed, indent=2, ensure_ascii=False, sort_keys=True).encode()


def _digests(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}


def sign_manifest(files: dict[str, bytes], facts: dict) -> bytes:
    """manifest.json for the data files, with the facts (parameters, fingerprint, who, when).
    Ed25519 signatures are deterministic: the same pack rebuilt gives the same bytes."""
    return _signed({**facts, "files": _digests(files)})


def sign_documents(manifest: bytes, documents: dict[str, bytes]) -> bytes:
    """documents.json: the documents that print the manifest's hash, and that hash."""
    return _signed({"manifest_sha256": manifest_digest(manifest),
                    "files": _digests(documents)})


def verify_pack(data: bytes) -> tuple[bool, list[str]]:
    """Whether a pack is intact and signed with this service's key; the problems if not."""
    return verify_with_key(data, keys.public_key_pem())


def manifest_digest(manifest: bytes) -> str:
    return hashlib.sha256(manifest).hexdigest()
