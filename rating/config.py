"""Settings from environment variables, with defaults that are safe for a laptop.

Production (``RATING_ENV=production``) refuses to start without ``SECRET_KEY`` and
``RATER_KEY_SECRET``; development generates both once into ``instance/`` so that sessions and
pseudonymous rater keys survive a restart without anything secret being committed.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from analysis import NETWORK_RULES
from rating.privatefiles import private_folder


class ConfigError(RuntimeError):
    """The environment does not describe a service that can safely start."""


def _instance_secret(instance_path: Path, name: str) -> str:
    """Read a secret from ``instance/<name>``, creating it (mode 0600) on first use."""
    private_folder(instance_path)
    path = instance_path / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _engine_options(database_url: str) -> dict:
    """pool_pre_ping: a connection the database dropped (a restart) is replaced, not used.
    hide_parameters: an error's text in a log names the statement, never the values (a
    comment, a rater key, a password hash). PostgreSQL's connect_timeout: a server that
    accepts connections but never answers gets a 503 after 5 s instead of holding a gunicorn
    thread for ever (measured: no answer within 20 s without it)."""
    options = {"pool_pre_ping": True, "hide_parameters": True}
    if database_url.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": 5}
    return options


def _response_days(text: str) -> dict[str, int]:
    """``"block=15,district=30"`` as {"block": 15, "district": 30}; refuses a bad entry."""
    days = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        level, _, value = part.partition("=")
        if not value.strip().isdigit() or int(value) < 1:
            raise ConfigError(f"ESCALATION_RESPONSE_DAYS: {part!r} is not level=days")
        days[level.strip()] = int(value)
    return days


def _mail_tls(text: str) -> str:
    value = text.strip().lower()
    if value not in ("starttls", "ssl", "none"):
        raise ConfigError(f"MAIL_TLS must be starttls, ssl or none, not {text!r}")
    return value


def load_config(instance_path: str) -> dict:
    """Build the app's settings from the environment.

    Returns a plain mapping so that tests can override any key before the app is built.
    """
    instance = Path(instance_path)
    production = os.environ.get("RATING_ENV", "development") == "production"

    def secret(name: str) -> str:
        value = os.environ.get(name)
        if value:
            return value
        if production:
            raise ConfigError(f"{name} must be set when RATING_ENV=production")
        return _instance_secret(instance, name.lower())

    session_lifetime = timedelta(hours=int(os.environ.get("SESSION_HOURS", "10")))
    leader_lifetime = timedelta(days=int(os.environ.get("LEADER_REMEMBER_DAYS", "30")))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'rating.sqlite3'}"
    return {
        "RATING_ENV": "production" if production else "development",
        "SECRET_KEY": secret("SECRET_KEY"),
        # Rater keys are HMACs under their own secret, so rotating SECRET_KEY (which only
        # signs sessions and CSRF tokens) never splits one leader into two raters.
        "RATER_KEY_SECRET": secret("RATER_KEY_SECRET"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        # A login lasts a working day from the moment of logging in (never extended by use),
        # or 30 days for a leader who ticks "keep me logged in" on their own phone.
        "SESSION_LIFETIME": session_lifetime,
        "LEADER_REMEMBER_LIFETIME": leader_lifetime,
        # The signature on every session cookie expires after the longest lifetime.
        "PERMANENT_SESSION_LIFETIME": max(session_lifetime, leader_lifetime),
        # Behind a reverse proxy: how many proxies' X-Forwarded-For/-Proto to trust (0: none).
        "PROXY_FIX": int(os.environ.get("PROXY_FIX", "0")),
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session they belong to
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024))),
        # Counters every worker shares (rating.ratelimits): a file beside the database by
        # default, redis://... when several machines serve.
        "RATELIMIT_STORAGE_URI": os.environ.get(
            "RATELIMIT_STORAGE_URI", f"sqlite:///{instance / 'ratelimits.sqlite3'}"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "20 per minute;200 per hour"),
        # Phones on 2G: compress pages, scripts and the office list (gzip; brotli is optional).
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/json",
                               "application/javascript", "application/manifest+json",
                               "image/svg+xml", "text/csv"],
        "COMPRESS_MIN_SIZE": 300,
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        "BABEL_DEFAULT_LOCALE": "bn",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Kolkata",
        "LANGUAGES": ("bn", "en"),
        # "test" makes Argon2 cheap so that a test suite can create hundreds of accounts.
        "PASSWORD_HASH_PROFILE": os.environ.get("PASSWORD_HASH_PROFILE", "default"),
        # Wrong tries in a row at one door into an account (rating.auth.throttle) before it
        # locks for 1, 2, 4 ... minutes, up to a year: see the README for what it allows.
        "LOCKOUT_THRESHOLD": 5,
        "LOCKOUT_MAX_MINUTES": 365 * 24 * 60,
        # Ratings one leader account may send (the survey form and the API together).
        "RATING_WRITE_LIMIT": os.environ.get("RATING_WRITE_LIMIT", "30 per minute;300 per day"),
        # Where the leaders' quick-exit button goes: a page that says nothing about this service.
        "QUICK_EXIT_URL": os.environ.get("QUICK_EXIT_URL", "https://www.google.com/"),
        # Packs one account may have waiting or building at once (the rest are refused).
        "PACK_QUEUE_PER_USER": int(os.environ.get("PACK_QUEUE_PER_USER", "2")),
        # Evidence packs are signed by the organisation: its name (the letterhead, the PDF
        # signature), an Ed25519 key for the manifests, a PKCS#12 certificate for the PDFs.
        # Unset outside production: made once in instance/ (a demo key, self-signed).
        "ORGANISATION_NAME": os.environ.get(
            "ORGANISATION_NAME", "Survivor leaders' network (demo: set ORGANISATION_NAME)"),
        "PACK_SIGNING_KEY_FILE": os.environ.get("PACK_SIGNING_KEY_FILE"),
        "PACK_CERTIFICATE_FILE": os.environ.get("PACK_CERTIFICATE_FILE"),
        "PACK_CERTIFICATE_PASSWORD": os.environ.get("PACK_CERTIFICATE_PASSWORD"),
        # The letterhead of the letters in a pack (placeholders in the demo), and the copy line.
        "ORGANISATION_ADDRESS": os.environ.get(
            "ORGANISATION_ADDRESS", "[Address of the organisation: set ORGANISATION_ADDRESS]"),
        "LETTER_SIGNATORY": os.environ.get(
            "LETTER_SIGNATORY", "[Name and role of the signatory: set LETTER_SIGNATORY]"),
        "LETTER_REFERENCE_PREFIX": os.environ.get("LETTER_REFERENCE_PREFIX", "SLN/EP"),
        # How many days each escalation level is given to answer a letter.
        "ESCALATION_RESPONSE_DAYS": _response_days(os.environ.get(
            "ESCALATION_RESPONSE_DAYS",
            "gram_panchayat=15,block=15,district=30,state=45,national=60")),
        # How long after closing staff may reopen a cycle (with a reason, in the audit trail).
        "CYCLE_REOPEN_DAYS": int(os.environ.get("CYCLE_REOPEN_DAYS", "14")),
        # E-mail (rating/reminders): off unless MAIL_ENABLED; a daily digest to each staff
        # member who gave an address and did not turn it off. MAIL_TLS: "starttls", "ssl" or
        # "none".
        "MAIL_ENABLED": _flag("MAIL_ENABLED", False),
        "MAIL_HOST": os.environ.get("MAIL_HOST", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_TLS": _mail_tls(os.environ.get("MAIL_TLS", "starttls")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "ratings@localhost"),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "20")),
        # Where the public can reach this service: the QR code on every pack opens
        # PUBLIC_URL/verify/<manifest hash>.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        # Every threshold of the statistics and the publication rules (analysis.Rules).
        "STATISTICS_RULES": NETWORK_RULES,
        # Background jobs (rating/jobs): the queue, how long a worker holds a job without
        # renewing its lease, and how many workers may try a job before it is given up.
        "JOB_QUEUE_URL": os.environ.get("JOB_QUEUE_URL")
        or f"sqlite:///{instance / 'job-queue.sqlite3'}",
        "JOB_QUEUE_NAME": os.environ.get("JOB_QUEUE_NAME", "rating"),
        "JOB_LEASE_SECONDS": float(os.environ.get("JOB_LEASE_SECONDS", "60")),
        "JOB_ATTEMPTS": int(os.environ.get("JOB_ATTEMPTS", "3")),
        # Where packs live (rating/storage): "database", or "s3" with the bucket below.
        "FILE_STORAGE": os.environ.get("FILE_STORAGE", "database"),
        "S3_BUCKET": os.environ.get("S3_BUCKET", ""),
        "S3_PREFIX": os.environ.get("S3_PREFIX", "rating/"),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", ""),
        "S3_REGION": os.environ.get("S3_REGION", ""),
        # Scheduled jobs (rating/ops/schedule.py): packs older than this lose their zip;
        # a nightly backup goes to BACKUP_DIR when it is set.
        "PACK_RETENTION_DAYS": int(os.environ.get("PACK_RETENTION_DAYS", "90")),
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", ""),
    }
