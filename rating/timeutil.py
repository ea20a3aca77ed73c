"""Timezone-aware UTC time, the only kind stored."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, even on SQLite (which stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use rating.timeutil.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def local_date(moment: datetime, zone: str = "Asia/Kolkata"):
    """The date a stored (UTC) moment fell on where the network works: 20:00 UTC on 1 Dec is
    already 2 Dec in West Bengal."""
    return moment.astimezone(ZoneInfo(zone)).date()


def local_today(zone: str = "Asia/Kolkata"):
    """Today's date where the network works (West Bengal): what "due" and "overdue" mean."""
    return datetime.now(ZoneInfo(zone)).date()
