"""Building evidence packs in the background, listing them, and approving quotes.

`start_pack` records the request and hands it to a worker thread, so building never
blocks a leader's submission or a staff page; `build_pack` does the work and keeps the
pack's progress up to date; the zip lands in ``instance/packs/``.
"""

import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from rating import audit
from rating.auth.models import User
from rating.cycles.models import Rating
from rating.evidence import render, signing
from rating.evidence.content import PackError, PackParams, assemble_pack
from rating.evidence.models import Pack
from rating.extensions import db
from rating.privatefiles import open_private, private_folder
from rating.timeutil import utcnow
from rating.version import __version__ as software_version
from rating.writelock import one_writer

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pack")
STALE_AFTER = timedelta(minutes=30)


def packs_dir() -> Path:
    return private_folder(Path(current_app.instance_path) / "packs")


def start_pack(params: PackParams, scope_label: str, actor, wait: bool = False) -> Pack:
    """Record a pack request and build it in the background (or now, with ``wait``).

    Raises `PackError` ``queue_full`` (and records nothing) when the person asking already has
    ``PACK_QUEUE_PER_USER`` packs waiting or building: one account cannot fill the builder's
    queue (and the disk) for everyone. The command line (no actor) is not bounded.
    """
    connection = db.session.connection()
    with one_writer(connection):  # SQLite: the count and the insert are one writer's
        if actor is not None:
            _check_queue_of(actor.id)
        pack = _record_pack(params, scope_label, actor)
    if wait:
        build_pack(pack.id)
    else:
        app = current_app._get_current_object()
        _executor.submit(_build_in_background, app, pack.id)
    return pack


def _check_queue_of(user_id: int) -> None:
    """Refuse a new pack while this user's waiting packs fill their share of the queue, counted
    from the packs table (so it holds across processes); packs stuck longer than
    `STALE_AFTER` are not counted, as `list_packs` marks them failed."""
    # PostgreSQL: the user's row is locked, so two requests at once count one after the other.
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())
    waiting = db.session.scalar(select(func.count(Pack.id)).where(
        Pack.built_by_id == user_id, Pack.status.in_(("queued", "building")),
        Pack.created_at >= utcnow() - STALE_AFTER))
    limit = current_app.config["PACK_QUEUE_PER_USER"]
    if waiting >= limit:
        db.session.rollback()
        raise PackError("queue_full", limit=limit)


def _record_pack(params: PackParams, scope_label: str, actor) -> Pack:
    pack = Pack(scope=params.scope, scope_id=params.scope_id, scope_label=scope_label,
                cycle_from_id=params.cycle_from, cycle_to_id=params.cycle_to,
                language=params.language, recipient_level=params.recipient_level,
                recipient_name=params.recipient_name, status="queued", progress=0,
                parameters=params.as_dict(), built_by_id=getattr(actor, "id", None))
    db.session.add(pack)
    db.session.commit()
    return pack


def _build_in_background(app, pack_id: int) -> None:
    with app.app_context():
        try:
            build_pack(pack_id)
        finally:
            db.session.remove()


def build_pack(pack_id: int) -> Pack:
    """Build one pack: figures, PDF, HTML, CSV, letter, signed manifest, zip."""
    pack = db.session.get(Pack, pack_id)
    params = PackParams(**pack.parameters)

    def progress(percent: int, stage: str) -> None:
        pack.progress, pack.stage, pack.status = percent, stage, "building"
        db.session.commit()

    try:
        progress(2, "starting")
        content = assemble_pack(params, progress)
        files = {}
        progress(50, "pdf")
        files["report.pdf"] = render.render_pdf(content)
        progress(75, "html")
        files["report.html"] = render.render_html(content).encode()
        progress(85, "data")
        files["data.csv"] = render.render_csv(content).encode()
        files["escalation.csv"] = render.render_trail_csv(content).encode()
        files["letter.docx"] = render.render_letter(content)
        built_by = pack.built_by.login if pack.built_by else "command line"
        manifest = signing.sign_manifest(files, {
            "pack": pack.id, "parameters": params.as_dict(), "scope": content.scope_names,
            "cycles": [cycle.name for cycle in content.cycles],
            "data_fingerprint": content.fingerprint, "software_version": software_version,
            "built_at": content.built_at.isoformat(), "built_by": built_by,
            "offices_shown": len(content.sections), "offices_withheld": len(content.withheld),
            "escalation_actions": sum(len(s.history) for s in content.sections),
            "promises_as_of": content.as_of.isoformat(),
        })
        file_name = f"evidence-pack-{pack.id}-{pack.scope}-{content.latest.name}.zip".replace(
            " ", "-")
        with open_private(packs_dir() / file_name) as target, \
                zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
            archive.writestr(signing.MANIFEST, manifest)
        pack.file_name = file_name
        pack.manifest_sha256 = signing.manifest_digest(manifest)
        pack.status, pack.progress, pack.stage = "done", 100, "done"
        pack.finished_at = utcnow()
        audit.record("pack.build", "pack", pack.id, pack.built_by, scope=pack.scope,
                     scope_id=pack.scope_id, manifest=pack.manifest_sha256)
        db.session.commit()
    except PackError as refused:
        db.session.rollback()
        _fail(pack_id, refused.code)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("building pack %s failed", pack_id)
        _fail(pack_id, "internal")
    return db.session.get(Pack, pack_id)


def _fail(pack_id: int, code: str) -> None:
    pack = db.session.get(Pack, pack_id)
    pack.status, pack.error, pack.finished_at = "failed", code, utcnow()
    db.session.commit()


def list_packs(limit: int = 100) -> list[Pack]:
    """Recent packs, newest first; packs stuck "building" after a restart are marked failed."""
    stale = db.session.scalars(select(Pack).where(
        Pack.status.in_(("queued", "building")), Pack.created_at < utcnow() - STALE_AFTER))
    for pack in stale:
        pack.status, pack.error = "failed", "interrupted"
    db.session.commit()
    return list(db.session.scalars(select(Pack).order_by(Pack.created_at.desc()).limit(limit)))


def pack_bytes(pack: Pack) -> bytes:
    return (packs_dir() / pack.file_name).read_bytes()


def pending_quotes(limit: int = 200) -> list[Rating]:
    """Consented comments waiting for staff review (the words only, never the rater)."""
    return list(db.session.scalars(select(Rating).where(
        Rating.quote_consent.is_(True), Rating.comment.is_not(None),
        Rating.quote_status == "pending").order_by(Rating.cycle_id.desc(), Rating.office_id,
                                                   Rating.id).limit(limit)))


def review_quote(rating: Rating, approve: bool, actor=None) -> None:
    if not (rating.quote_consent and rating.comment):
        raise PackError("not_quotable")
    rating.quote_status = "approved" if approve else "rejected"
    audit.record("quote.approve" if approve else "quote.reject", "rating", rating.id, actor)
    db.session.commit()
