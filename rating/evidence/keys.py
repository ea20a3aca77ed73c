"""The organisation's keys for signing packs: an Ed25519 key for the manifests and a
certificate (PKCS#12) for the PDF signatures.

Both come from settings (``PACK_SIGNING_KEY_FILE``, ``PACK_CERTIFICATE_FILE`` with
``PACK_CERTIFICATE_PASSWORD``), so every node of a deployment signs with the same ones. Outside
production, a missing file is made once in the instance folder (mode 0600): a key of its own
and a self-signed certificate naming the organisation, which PDF readers show as "not
trusted" until the organisation uses a certificate from a CA (an Indian DSC, say). In
production a missing setting refuses the build with a clear message instead.
"""

import datetime
import hashlib
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app

from rating.evidence.verify import key_id

DEMO_CERTIFICATE_PASSWORD = "demo-certificate"


class SigningNotConfigured(RuntimeError):
    """Production has no signing key or certificate in its settings."""


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def demo_key_files(folder: Path, organisation: str) -> dict[str, str]:
    """Make (once, mode 0600) a signing key and a self-signed certificate in ``folder``; the
    settings that name them. What development uses, and what tests and benchmarks hand to
    every process of a deployment so that all sign alike."""
    # One certificate per organisation name: a demo whose ORGANISATION_NAME is set later signs
    # in the new name, not in the one the first certificate was made for.
    named = hashlib.sha256(organisation.encode()).hexdigest()[:12]
    key_path = folder / "pack-signing-key.pem"
    cert_path = folder / f"pack-certificate-{named}.p12"
    if not key_path.exists():
        _write_private(key_path, Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    if not cert_path.exists():
        _write_private(cert_path, _self_signed(organisation))
    return {"PACK_SIGNING_KEY_FILE": str(key_path), "PACK_CERTIFICATE_FILE": str(cert_path),
            "PACK_CERTIFICATE_PASSWORD": DEMO_CERTIFICATE_PASSWORD}


def _files() -> tuple[Path, Path, bytes]:
    """The key file, the certificate file and its password, from settings or made for the
    demo; production without the settings is refused."""
    config = current_app.config
    if config.get("PACK_SIGNING_KEY_FILE") and config.get("PACK_CERTIFICATE_FILE"):
        return (Path(config["PACK_SIGNING_KEY_FILE"]), Path(config["PACK_CERTIFICATE_FILE"]),
                (config.get("PACK_CERTIFICATE_PASSWORD") or "").encode())
    if config.get("RATING_ENV") == "production":
        raise SigningNotConfigured("PACK_SIGNING_KEY_FILE and PACK_CERTIFICATE_FILE must be "
                                   "set when RATING_ENV=production")
    made = demo_key_files(Path(current_app.instance_path), config["ORGANISATION_NAME"])
    key = Path(config.get("PACK_SIGNING_KEY_FILE") or made["PACK_SIGNING_KEY_FILE"])
    return key, Path(made["PACK_CERTIFICATE_FILE"]), DEMO_CERTIFICATE_PASSWORD.encode()


def signing_key() -> Ed25519PrivateKey:
    path = _files()[0]
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise SigningNotConfigured(f"{path}: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningNotConfigured(f"{path} is not an Ed25519 private key")
    return key


def public_key_pem() -> bytes:
    return signing_key().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def signing_key_id() -> str:
    return key_id(signing_key().public_key())


def certificate() -> tuple[bytes, bytes]:
    """The PKCS#12 bytes and their password, for the PDF signatures."""
    _, path, password = _files()
    try:
        return path.read_bytes(), password
    except OSError as error:
        raise SigningNotConfigured(f"{path}: {error}") from None


def _self_signed(organisation: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, organisation[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "IN")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(
        b"pack-signing", key, cert, None,
        serialization.BestAvailableEncryption(DEMO_CERTIFICATE_PASSWORD.encode()))
