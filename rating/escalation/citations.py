"""The evidence packs a letter, meeting or appeal can cite.

Escalation sits below evidence in the order the features depend on each other (a pack
carries the escalation trail, so evidence reads escalation), so escalation does not import
the packs. It asks for them through a `Shelf`; `rating.evidence.shelf.PackShelf` is the one
there is, and `create_app` hands it over with `init_app`.
"""

from typing import Protocol

from flask import Flask, current_app

KEY = "rating.citations"


class Shelf(Protocol):
    def recent(self, limit: int) -> list:
        """Built packs, newest first."""

    def by_hash(self, sha256: str) -> object | None:
        """The built pack with this manifest hash, if this server built it."""

    def offices_of(self, pack) -> list[int]:
        """The ids of the offices a pack's scope covers."""


def init_app(app: Flask, shelf: Shelf) -> None:
    app.extensions[KEY] = shelf


def pack_by_hash(sha256: str | None):
    """The built pack with this manifest hash, if this server built it."""
    return current_app.extensions[KEY].by_hash(sha256.lower()) if sha256 else None


def recent_packs(limit: int = 50) -> list:
    return current_app.extensions[KEY].recent(limit)


def offices_of_pack(pack) -> list[int]:
    """The offices a pack's scope covers (what a letter citing it was about)."""
    return current_app.extensions[KEY].offices_of(pack)
