"""Alphabetical order in the reader's language: Bengali names in Bengali order (ICU's
collation for ``bn``: vowels, then ক খ গ ..., a conjunct after the vowel signs of its first
consonant, ড় beside ড), English names in English order, case and accents aside.

Python's own sort puts Bengali text in code point order and the Latin alphabet before it;
ICU (PyICU) is the collation the browsers and CLDR use.
"""

import re
from functools import lru_cache

import icu


@lru_cache(maxsize=4)
def _collator(locale: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("bn_IN" if locale == "bn" else "en_IN"))


def sort_key(text: str, locale: str) -> bytes:
    """A key that sorts ``text`` as a dictionary in ``locale`` ("bn" or "en") would.

    >>> sorted(["হাবড়া", "গাইঘাটা", "আমডাঙা", "বাগদা"], key=lambda t: sort_key(t, "bn"))
    ['আমডাঙা', 'গাইঘাটা', 'বাগদা', 'হাবড়া']
    """
    return _collator(locale).getSortKey(text)


def search_words(q: str) -> list[str]:
    """The words of a search, lower-cased, split at spaces, commas and hyphens (every
    feature's search: offices, officers, leaders).

    >>> search_words(" BDO, Gaighata ")
    ['bdo', 'gaighata']
    """
    return [word for word in re.split(r"[\s,;/-]+", q.lower()) if word]
