"""Who still has to rate, on a phone: the leaders' list found by a search (name, member code,
collective or home block, in Bengali or English, every word in part) and cut into pages."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import SearchField
from wtforms.validators import Length

from rating.collation import search_words
from rating.cycles.followup import LeaderProgress
from rating.formtools import BaseForm
from rating.i18n import ascii_digits

PER_PAGE = 25


class LeaderSearchForm(BaseForm):
    """A GET form: a search can be shared by its URL."""

    class Meta:
        csrf = False

    q = SearchField(_l("Find a leader"), validators=[Length(max=100)],
                    description=_l("Part of her name, member code, collective or home block, "
                                   "in Bengali or English"))


def _words_of(row: LeaderProgress) -> str:
    leader = row.leader
    parts = [leader.display_name, leader.login]
    for thing in (leader.collective, leader.home_place):
        if thing is not None:
            parts += [thing.name_en, thing.name_bn]
    return " ".join(part for part in parts if part).lower()


def find_leader_rows(rows: list[LeaderProgress], q: str | None) -> list[LeaderProgress]:
    """The rows in which every word of ``q`` is found (all of them for an empty search)."""
    words = search_words(ascii_digits(q or ""))[:8]
    if not words:
        return rows
    return [row for row in rows if all(word in _words_of(row) for word in words)]


@dataclass(frozen=True)
class ListPage:
    """One page of a list, with what the `pager` macro reads."""

    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def first(self) -> int:
        """The position of its first item in the whole list, from 1."""
        return (self.page - 1) * PER_PAGE + 1 if self.items else 0


def page_of(rows: list, page: int, per_page: int = PER_PAGE) -> ListPage:
    """Page ``page`` of ``rows`` (the last one when asked for one beyond it)."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(1, page), pages)
    return ListPage(rows[(page - 1) * per_page:page * per_page], page, pages, len(rows))
