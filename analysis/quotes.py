"""Quotes that leaders agreed to share, with names and numbers taken out.

A quote may only leave the network without anything that points at a person: phone numbers,
e-mail addresses, member codes, the names the directory knows (officers, leaders) and words
that follow a title ("Mr Das", "শ্রী দাস").
"""

import re
from collections.abc import Iterable

__all__ = ["NAME_REMOVED", "NUMBER_REMOVED", "redact_quote"]

NAME_REMOVED = "[name removed]"
NUMBER_REMOVED = "[number removed]"

_DIGIT = "[0-9\u09e6-\u09ef]"
# Seven or more digits, in ASCII or Bengali, with the spaces, dots and dashes people type.
_NUMBER = re.compile(rf"\+?{_DIGIT}(?:[\s.\-()]*{_DIGIT}){{6,}}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MEMBER_CODE = re.compile(r"\b[A-Za-z]{1,8}-\d{1,6}\b")
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Shri|Sri|Smt|Babu|Madam|Sir)\.?\s+"
    r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?"
    r"|(?:শ্রী|শ্রীমতী|শ্রীমতি|বাবু|ডাঃ|ডাক্তার)\s*\S+")


def redact_quote(text: str, names: Iterable[str] = ()) -> str:
    """Remove phone numbers, e-mail addresses, member codes and names from a quote.

    Parameters
    ----------
    text : str
        The leader's words, as written.
    names : iterable of str
        Names known to the directory (officers, leaders); each is removed wherever it
        appears, in any case, as whole words.

    Returns
    -------
    str
        The quote with each finding replaced by ``[name removed]`` or ``[number removed]``.

    Notes
    -----
    Removal errs on the side of too much: a quote is evidence of how an office behaved, and
    a missing name costs it nothing. Names are matched longest first, so "Tapas Das" goes
    as a whole before "Das" alone would.

    Examples
    --------
    >>> redact_quote("Call Mr Ghosh on 98300 12345", names=["Ghosh"])
    'Call [name removed] on [number removed]'
    """
    if not isinstance(text, str):
        raise ValueError("a quote must be text")
    text = _EMAIL.sub(NUMBER_REMOVED, text)
    text = _NUMBER.sub(NUMBER_REMOVED, text)
    text = _MEMBER_CODE.sub(NAME_REMOVED, text)
    text = _TITLE.sub(NAME_REMOVED, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len,
                       reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_REMOVED, text,
                      flags=re.IGNORECASE)
    return text
