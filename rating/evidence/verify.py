"""Check an evidence pack with the organisation's public key alone: no server, no secret.

A pack holds two signed lists. ``manifest.json`` names the data files (``data.csv`` and the
others a reader recomputes from) with their SHA-256, and the facts of the build; its own
SHA-256 is printed in every page footer and in the letter. ``documents.json`` names the
documents that print that hash (the report and the letter) with theirs. Both carry an Ed25519
signature by the organisation's key. The PDFs also carry a PDF signature of their own, which
any PDF reader shows.

Run by anyone who has the pack and the public key (from the organisation's letterhead or the
service's ``/verify/key.pem``). The service offers this very file at ``/verify/verify_pack.py``,
to run on any machine with Python and the ``cryptography`` package::

    python verify_pack.py PACK.zip PUBLIC-KEY.pem

This module needs only the standard library and ``cryptography``; it reads no settings and
imports nothing of the service. Each
problem is one line, and the exit status is 1; a pack it cannot read (not a zip, a zip bomb,
duplicate or unexpected members) is refused before any member is decompressed in full.
"""

import base64
import hashlib
import io
import json
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

MANIFEST = "manifest.json"
DOCUMENTS = "documents.json"
SIGNATURE_ALGORITHM = "Ed25519"
# A district pack in both languages is about 10 MB; these bounds leave room and stop a bomb.
MAX_PACK_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, per member (text compresses about 5-10x)
MAX_MEMBERS = 64


class PackRefused(Exception):
    """The file is not a pack this module will read."""


def canonical(signed: dict) -> bytes:
    """The bytes a signature covers: the JSON object without its signature, keys sorted."""
    body = {key: value for key, value in signed.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name for a key: the SHA-256 of its raw 32 bytes, first 16 hex digits."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = load_pem_public_key(pem)
    except (ValueError, TypeError) as error:
        raise PackRefused(f"the public key cannot be read: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise PackRefused("the public key is not an Ed25519 key")
    return key


def _members(archive: zipfile.ZipFile, size: int) -> dict[str, zipfile.ZipInfo]:
    """The members by name, refused unless each is a plain file of sane size and ratio."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise PackRefused(f"{len(infos)} members: a pack has at most {MAX_MEMBERS}")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name in members:
            raise PackRefused(f"{name}: appears twice in the zip (a forged copy may be read "
                              "instead of the signed one)")
        if "/" in name or "\\" in name or name.startswith(".") or info.is_dir():
            raise PackRefused(f"{name}: not a file a pack holds")
        if info.file_size > MAX_MEMBER_BYTES:
            raise PackRefused(f"{name}: {info.file_size} bytes uncompressed, over the "
                              f"{MAX_MEMBER_BYTES} a pack's file may have")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
            raise PackRefused(f"{name}: compressed {info.file_size // max(info.compress_size, 1)}"
                              " times, more than a pack's file (a zip bomb?)")
        total += info.file_size
        members[name] = info
    if total > MAX_TOTAL_BYTES or total > MAX_RATIO * max(size, 1) + (1 << 20):
        raise PackRefused(f"{total} bytes uncompressed in all: too much for a pack")
    return members


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than its header declares (a lying header is refused)."""
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise PackRefused(f"{info.filename}: its size does not match the zip's header")
    return data


def _signed(data: bytes, name: str, public_key: Ed25519PublicKey, problems: list) -> dict:
    try:
        document = json.loads(data)
        if not isinstance(document, dict):
            raise ValueError("not an object")
    except ValueError:
        raise PackRefused(f"{name}: not readable JSON") from None
    signature = document.get("signature")
    if not isinstance(signature, dict) or signature.get("algorithm") != SIGNATURE_ALGORITHM:
        problems.append(f"{name}: carries no {SIGNATURE_ALGORITHM} signature")
        return document
    try:
        public_key.verify(base64.b64decode(str(signature.get("value", "")), validate=True),
                          canonical(document))
    except (InvalidSignature, ValueError):
        problems.append(f"{name}: the signature does not match this public key: the file "
                        "was changed, or signed by another key")
    return document


def verify_pack(data: bytes, public_key_pem: bytes) -> tuple[bool, list[str]]:
    """Whether a pack is intact and signed by the holder of this public key; the problems."""
    try:
        public_key = load_public_key(public_key_pem)
        if len(data) > MAX_PACK_BYTES:
            raise PackRefused(f"{len(data)} bytes: larger than any pack")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise PackRefused("not a zip file") from None
        with archive:
            return _verify(archive, _members(archive, len(data)), public_key)
    except PackRefused as refused:
        return False, [str(refused)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        return False, [f"the zip is damaged: {error}"]


def _verify(archive, members, public_key) -> tuple[bool, list[str]]:
    problems: list[str] = []
    for required in (MANIFEST, DOCUMENTS):
        if required not in members:
            raise PackRefused(f"not a pack: no {required}")
    manifest_bytes = _read(archive, members[MANIFEST])
    manifest = _signed(manifest_bytes, MANIFEST, public_key, problems)
    documents = _signed(_read(archive, members[DOCUMENTS]), DOCUMENTS, public_key, problems)
    if documents.get("manifest_sha256") != hashlib.sha256(manifest_bytes).hexdigest():
        problems.append(f"{DOCUMENTS}: names another manifest than this pack's")
    listed = {}
    for source, name in ((manifest, MANIFEST), (documents, DOCUMENTS)):
        files = source.get("files")
        if not isinstance(files, dict):
            raise PackRefused(f"{name}: lists no files")
        listed.update(files)
    for name in sorted(set(members) - set(listed) - {MANIFEST, DOCUMENTS}):
        problems.append(f"{name}: not in the signed lists (an extra file)")
    for name, digest in sorted(listed.items()):
        if name not in members:
            problems.append(f"{name}: missing")
        elif hashlib.sha256(_read(archive, members[name])).hexdigest() != digest:
            problems.append(f"{name}: changed since the pack was built")
    return not problems, problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python verify_pack.py PACK.zip PUBLIC-KEY.pem", file=sys.stderr)
        return 2
    pack, key = argv
    try:
        with open(pack, "rb") as handle:
            data = handle.read(MAX_PACK_BYTES + 1)
        with open(key, "rb") as handle:
            pem = handle.read(64 * 1024)
    except OSError as error:
        print(f"{error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    ok, problems = verify_pack(data, pem)
    if ok:
        print(f"{pack}: intact, signed by key {key_id(load_public_key(pem))}.")
        return 0
    for problem in problems:
        print(f"{pack}: {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
