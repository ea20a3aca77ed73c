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
from sqlalchemy import select

from rating import audit
from rating.cycles.models import Rating
from rating.evidence import datafiles, keys, letter, pades, render, signing
from rating.evidence.content import PackError, PackParams, assemble_pack
from rating.evidence.models import Pack
from rating.extensions import db
from rating.timeutil import utcnow
from rating.version import __version__ as software_version

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pack")
STALE_AFTER = timedelta(minutes=30)


def packs_dir() -> Path:
    path = Path(current_app.instance_path) / "packs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_pack(params: PackParams, scope_label: str, actor, wait: bool = False) -> Pack:
    """Record a pack request and build it in the background (or now, with ``wait``)."""
    pack = Pack(scope=params.scope, scope_id=params.scope_id, scope_label=scope_label,
                cycle_from_id=params.cycle_from, cycle_to_id=params.cycle_to,
                language=params.language, recipient_level=params.recipient_level,
                recipient_name=params.recipient_name, status="queued", progress=0,
                parameters=params.as_dict(), built_by_id=getattr(actor, "id", None))
    db.session.add(pack)
    db.session.commit()
    if wait:
        build_pack(pack.id)
    else:
        app = current_app._get_current_object()
        _executor.submit(_build_in_background, app, pack.id)
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
        progress(45, "data")
        tables = {"data.csv": render.render_csv(content),
                  "escalation.csv": render.render_trail_csv(content)}
        data = {name: datafiles.with_bom(text) for name, text in tables.items()}
        data["data-dictionary.csv"] = datafiles.render_dictionary(tables)
        data["data.xlsx"] = datafiles.render_xlsx(tables, content.built_at)
        built_by = pack.built_by.login if pack.built_by else "command line"
        organisation = current_app.config["ORGANISATION_NAME"]
        manifest = signing.sign_manifest(data, {
            "pack": pack.id, "parameters": params.as_dict(), "scope": content.scope_names,
            "cycles": [cycle.name for cycle in content.cycles],
            "data_fingerprint": content.fingerprint, "software_version": software_version,
            "built_at": content.built_at.isoformat(), "built_by": built_by,
            "organisation": organisation, "public_key_id": keys.signing_key_id(),
            "offices_shown": len(content.sections), "offices_withheld": len(content.withheld),
            "escalation_actions": sum(len(s.history) for s in content.sections),
            "promises_as_of": content.as_of.isoformat(),
        })
        digest = signing.manifest_digest(manifest)
        content.seal = {"pack": pack.id, "manifest_sha256": digest,
                        "key_id": keys.signing_key_id(),
                        "verify_url": f"{current_app.config['PUBLIC_URL']}/verify/{digest}"}
        progress(50, "pdf")
        documents = {"report.pdf": pades.sign_pdf(
            render.render_pdf(content), "Evidence pack report", organisation)}
        progress(75, "html")
        documents["report.html"] = render.render_html(content).encode()
        progress(85, "letter")
        footer = render.seal_facts(content)["footer"]
        documents["letter.docx"] = letter.render_docx(content, footer)
        documents["letter.pdf"] = pades.sign_pdf(letter.render_pdf(content, footer),
                                                 "Evidence pack letter", organisation)
        files = {**data, **documents}
        index = signing.sign_documents(manifest, documents)
        file_name = f"evidence-pack-{pack.id}-{pack.scope}-{content.latest.name}.zip".replace(
            " ", "-")
        with zipfile.ZipFile(packs_dir() / file_name, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, member in files.items():
                archive.writestr(name, member)
            archive.writestr(signing.MANIFEST, manifest)
            archive.writestr(signing.DOCUMENTS, index)
        pack.file_name = file_name
        pack.manifest_sha256 = digest
        pack.status, pack.progress, pack.stage = "done", 100, "done"
        pack.finished_at = utcnow()
        audit.record("pack.build", "pack", pack.id, pack.built_by, scope=pack.scope,
                     scope_id=pack.scope_id, manifest=pack.manifest_sha256)
        db.session.commit()
    except PackError as refused:
        db.session.rollback()
        _fail(pack_id, refused.code)
    except keys.SigningNotConfigured as missing:
        db.session.rollback()
        current_app.logger.error("pack %s not signed: %s", pack_id, missing)
        _fail(pack_id, "signing_not_configured")
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
        Rating.quote_status == "pending").order_by(Rating.updated_at.desc()).limit(limit)))


def review_quote(rating: Rating, approve: bool, actor=None) -> None:
    if not (rating.quote_consent and rating.comment):
        raise PackError("not_quotable")
    rating.quote_status = "approved" if approve else "rejected"
    audit.record("quote.approve" if approve else "quote.reject", "rating", rating.id, actor)
    db.session.commit()
