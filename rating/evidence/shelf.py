"""The built packs as escalation cites them (`rating.escalation.citations.Shelf`)."""

from sqlalchemy import select

from rating.directory.services import OfficeFilter, offices_statement
from rating.evidence.models import Pack
from rating.extensions import db

# An expired pack lost its zip, not its manifest hash: letters that cited it still name it.
CITABLE = ("done", "expired")


class PackShelf:
    """Built packs, found by their manifest hash; the offices each one covers."""

    def recent(self, limit: int) -> list[Pack]:
        return list(db.session.scalars(select(Pack).where(Pack.status.in_(CITABLE)).order_by(
            Pack.created_at.desc()).limit(limit)))

    def by_hash(self, sha256: str) -> Pack | None:
        return db.session.scalar(select(Pack).where(Pack.manifest_sha256 == sha256,
                                                    Pack.status.in_(CITABLE)))

    def offices_of(self, pack: Pack) -> list[int]:
        if pack.scope == "office":
            return [pack.scope_id]
        criteria = OfficeFilter(**{f"{pack.scope}_id": pack.scope_id})
        return [office.id for office in db.session.scalars(offices_statement(criteria))]
