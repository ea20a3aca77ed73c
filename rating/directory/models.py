"""The directory of duty bearers: places, department types, offices, officers, postings."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow

PLACE_KINDS = ("district", "block", "municipality", "gram_panchayat")
LEVELS = ("gram_panchayat", "block", "district", "state", "national")


class Place(db.Model):
    """A district, a block or municipality in it, or a gram panchayat in a block.

    ``district_id`` and ``block_id`` are stored (not walked) so that "offices in this
    district" is one indexed comparison.
    """

    __tablename__ = "places"
    __table_args__ = (CheckConstraint(f"kind IN {PLACE_KINDS!r}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(100))
    name_bn: Mapped[str] = mapped_column(String(100))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)

    district: Mapped["Place | None"] = relationship(remote_side=[id], foreign_keys=[district_id])
    block: Mapped["Place | None"] = relationship(remote_side=[id], foreign_keys=[block_id])

    def name(self, locale: str) -> str:
        return self.name_bn if locale == "bn" else self.name_en


class DepartmentType(db.Model):
    __tablename__ = "department_types"
    __table_args__ = (CheckConstraint(f"level IN {LEVELS!r}", name="level_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # "BDO", "DCPO", "AHTU" ...
    name_en: Mapped[str] = mapped_column(String(120))
    name_bn: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(16))

    def name(self, locale: str) -> str:
        return self.name_bn if locale == "bn" else self.name_en


class Office(db.Model):
    """A post in a place ("BDO, Gaighata"). It outlives its officers; trends are per office."""

    __tablename__ = "offices"
    __table_args__ = (CheckConstraint(f"level IN {LEVELS!r}", name="level_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    department_type_id: Mapped[int] = mapped_column(ForeignKey("department_types.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(200))
    name_bn: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    department_type: Mapped[DepartmentType] = relationship()
    place: Mapped[Place] = relationship()
    postings: Mapped[list["Posting"]] = relationship(
        back_populates="office", order_by="Posting.started_on.desc()"
    )

    def name(self, locale: str) -> str:
        return self.name_bn if locale == "bn" else self.name_en


class Officer(db.Model):
    """A person who holds posts. Only a name: the directory keeps no phone numbers."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_bn: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    postings: Mapped[list["Posting"]] = relationship(
        back_populates="officer", order_by="Posting.started_on.desc()"
    )

    def name(self, locale: str) -> str:
        return (self.name_bn or self.name_en) if locale == "bn" else self.name_en


class Posting(db.Model):
    """An officer in an office from one date until another (open-ended while in post)."""

    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    officer: Mapped[Officer] = relationship(back_populates="postings")
    office: Mapped[Office] = relationship(back_populates="postings")
