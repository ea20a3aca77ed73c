"""Building evidence packs on the job queue, listing them, retention, and approving quotes.

`start_pack` records the request and queues a job (`rating.jobs`), so building never blocks a
leader's submission or a staff page, and any worker on any machine may build it; `build_pack`
does the work, reporting progress to the job. The promises:
- A pack is built exactly once. The job is held by one worker at a time; a worker killed
  mid-build loses its lease and another builds the pack from the start. The pack row turns
  "done" in one conditional UPDATE, in the transaction that finishes the job (which fails if
  this worker no longer holds it) and stores the zip, and the audit says "pack.build" once.
- The zip is stored with `rating.storage` (the database, or S3): any web node serves it.
"""

import io
import zipfile
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from rating import audit, storage
from rating.auth.models import User
from rating.cycles.models import Rating
from rating.evidence import datafiles, keys, letter, pades, render, signing
from rating.evidence.content import PackError, PackParams, assemble_pack
from rating.evidence.models import Pack
from rating.extensions import db
from rating.jobs import services as jobs
from rating.jobs.models import Job
from rating.timeutil import utcnow
from rating.version import __version__ as software_version
from rating.writelock import one_writer

BUILD_JOB = "pack.build"


def start_pack(params: PackParams, scope_label: str, actor, wait: bool = False) -> Pack:
    """Record a pack request and queue its build (or build it now, here, with ``wait``).

    Raises `PackError` ``queue_full`` (and records nothing) when the person asking already has
    ``PACK_QUEUE_PER_USER`` packs waiting or building: one account cannot fill the workers'
    queue for everyone. The command line (no actor) is not bounded.
    """
    with one_writer(db.session.connection()):  # SQLite: the count and the insert are one writer's
        if actor is not None:
            _check_queue_of(actor.id)
        pack = Pack(scope=params.scope, scope_id=params.scope_id, scope_label=scope_label,
                    cycle_from_id=params.cycle_from, cycle_to_id=params.cycle_to,
                    language=params.language, recipient_level=params.recipient_level,
                    recipient_name=params.recipient_name, status="queued",
                    parameters=params.as_dict(), built_by_id=getattr(actor, "id", None))
        db.session.add(pack)
        db.session.flush()
        job = Job(kind=BUILD_JOB, payload={"pack_id": pack.id}, status="queued")
        db.session.add(job)
        db.session.flush()
        pack.job_id = job.id
        db.session.commit()
    if wait:
        jobs.run_job(job.id)
    else:
        jobs.send_job(job.id)
    db.session.expire_all()
    return db.session.get(Pack, pack.id)


def _check_queue_of(user_id: int) -> None:
    """Refuse a new pack while this user's waiting packs fill their share of the queue,
    counted from the packs table (so it holds across processes and machines)."""
    # PostgreSQL: the user's row is locked, so two requests at once count one after the other.
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())
    waiting = db.session.scalar(select(func.count(Pack.id)).where(
        Pack.built_by_id == user_id, Pack.status.in_(("queued", "building"))))
    limit = current_app.config["PACK_QUEUE_PER_USER"]
    if waiting >= limit:
        db.session.rollback()
        raise PackError("queue_full", limit=limit)


def build_pack(pack_id: int, lease: jobs.Lease) -> Pack:
    """Build one pack: figures, PDF, HTML, CSV, letter, signed manifest, zip, stored once."""
    # The pack is this worker's from here: queued, or left "building" by a worker that died.
    claimed = db.session.execute(update(Pack).where(
        Pack.id == pack_id, Pack.status.in_(("queued", "building"))).values(
        status="building"))
    db.session.commit()
    pack = db.session.get(Pack, pack_id)
    if claimed.rowcount != 1:
        lease.finish()  # built (or given up) already: nothing left to do
        db.session.commit()
        return pack
    params = PackParams(**pack.parameters)
    key = None
    try:
        lease.report(2, "starting")
        content = assemble_pack(params, lease.report)
        render.trim_memory()  # the statistics' arrays, freed: not under the documents
        with render.documents_memory():
            files, manifest = _signed_files(pack, params, content, lease.report)
        file_name = f"evidence-pack-{pack.id}-{pack.scope}-{content.latest.name}.zip".replace(
            " ", "-")
        lease.report(95, "storing")
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, member in files.items():
                archive.writestr(name, member)
        # A key of this attempt's own: a worker that lost its lease never overwrites the zip
        # that the pack row names.
        key = f"packs/{pack.id}/{lease.job_id}-{lease.worker.replace(':', '-')}/{file_name}"
        storage.save_file(key, zipped.getvalue(), "application/zip")
        done = db.session.execute(update(Pack).where(
            Pack.id == pack_id, Pack.status == "building").values(
            status="done", file_name=file_name, file_key=key,
            manifest_sha256=signing.manifest_digest(manifest), finished_at=utcnow()))
        if done.rowcount != 1:
            raise jobs.LeaseLost(lease.job_id)
        lease.finish()
        audit.record("pack.build", "pack", pack.id, pack.built_by, scope=pack.scope,
                     scope_id=pack.scope_id, manifest=signing.manifest_digest(manifest))
        db.session.commit()
    except jobs.LeaseLost:
        db.session.rollback()
        if key is not None and not storage.stores_in_database():
            storage.delete_file(key)
        raise
    except PackError as refused:
        db.session.rollback()
        _fail(pack_id, refused.code, lease)
    except keys.SigningNotConfigured as missing:
        db.session.rollback()
        current_app.logger.error("pack %s not signed: %s", pack_id, missing)
        _fail(pack_id, "signing_not_configured", lease)
    db.session.expire_all()
    return db.session.get(Pack, pack_id)


def _signed_files(pack, params, content, report) -> tuple[dict[str, bytes], bytes]:
    """Every file of the pack, signed: the data and their manifest first, then the documents
    that print the manifest's hash (the PDFs signed too), then the list of documents."""
    report(45, "data")
    tables = {"data.csv": render.render_csv(content),
              "escalation.csv": render.render_trail_csv(content)}
    data = {name: datafiles.with_bom(text) for name, text in tables.items()}
    data["data-dictionary.csv"] = datafiles.render_dictionary(tables)
    data["data.xlsx"] = datafiles.render_xlsx(tables, content.built_at)
    organisation = current_app.config["ORGANISATION_NAME"]
    manifest = signing.sign_manifest(data, {
        "pack": pack.id, "parameters": params.as_dict(), "scope": content.scope_names,
        "cycles": [cycle.name for cycle in content.cycles],
        "data_fingerprint": content.fingerprint, "software_version": software_version,
        "built_at": content.built_at.isoformat(),
        "built_by": pack.built_by.login if pack.built_by else "command line",
        "organisation": organisation, "public_key_id": keys.signing_key_id(),
        "offices_shown": len(content.sections), "offices_withheld": len(content.withheld),
        "escalation_actions": sum(len(s.history) for s in content.sections),
        "promises_as_of": content.as_of.isoformat(),
    })
    digest = signing.manifest_digest(manifest)
    content.seal = {"pack": pack.id, "manifest_sha256": digest, "key_id": keys.signing_key_id(),
                    "verify_url": f"{current_app.config['PUBLIC_URL']}/verify/{digest}"}
    # The web pages first: their strings (plotly.js, the fonts, a page per language) are let
    # go before WeasyPrint's boxes are laid on top of them.
    report(50, "html")
    names = render.report_names(content)
    pages = render.render_htmls(content, list(names))
    documents = {html: page.encode() for (_, html), page in zip(names.values(), pages,
                                                                strict=True)}
    del pages
    render.release_memory()
    report(60, "pdf")
    unsigned = {}
    for language, (pdf, _) in names.items():  # one language after the other, memory let go
        unsigned[pdf] = (render.render_pdf(content, language), "Evidence pack report")
        render.release_memory()
    report(85, "letter")
    documents["letter.docx"] = letter.render_docx(content)
    unsigned["letter.pdf"] = (letter.render_pdf(content), "Evidence pack letter")
    render.release_memory()
    # pyHanko (15 MB once imported) only now, when WeasyPrint's memory has been given back
    signer = pades.signer()
    for name, (pdf, reason) in unsigned.items():
        documents[name] = pades.sign_pdf(pdf, reason, organisation, signer)
    return {**data, **documents, signing.MANIFEST: manifest,
            signing.DOCUMENTS: signing.sign_documents(manifest, documents)}, manifest


def _fail(pack_id: int, code: str, lease: jobs.Lease | None = None) -> None:
    db.session.execute(update(Pack).where(Pack.id == pack_id).values(
        status="failed", error=code, finished_at=utcnow()))
    if lease is not None:
        lease.fail(code)
    db.session.commit()


def _build_job(job: Job, lease: jobs.Lease) -> None:
    build_pack(job.payload["pack_id"], lease)


def _give_up_build(job: Job, code: str) -> None:
    """The job was given up (its workers kept dying, or it failed): so is the pack."""
    db.session.execute(update(Pack).where(
        Pack.id == job.payload["pack_id"], Pack.status.in_(("queued", "building"))).values(
        status="failed", error=code, finished_at=utcnow()))


jobs.register_handler(BUILD_JOB, _build_job, _give_up_build)


def list_packs(limit: int = 100) -> list[Pack]:
    """Recent packs, newest first."""
    return list(db.session.scalars(select(Pack).order_by(Pack.created_at.desc()).limit(limit)))


def pack_bytes(pack: Pack) -> bytes:
    """The pack's zip, from wherever it is stored (any node can serve it)."""
    return storage.load_file(pack.file_key)


def expire_old_packs(days: int) -> int:
    """Delete the zips of packs built more than ``days`` ago (the privacy issue: evidence is
    kept as long as it is needed, no longer). The rows stay, as "expired", with their
    manifest hashes, so the escalation trail still names what it cited. Returns how many."""
    cutoff = utcnow() - timedelta(days=days)
    old = list(db.session.scalars(select(Pack).where(
        Pack.status == "done", Pack.finished_at < cutoff)))
    for pack in old:
        storage.delete_file(pack.file_key)
        pack.status, pack.file_key = "expired", None
        audit.record("pack.expire", "pack", pack.id, None, days=days)
        db.session.commit()
    return len(old)


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
