"""report.html carries its own fonts: each of the app's four Noto fonts inlined as a WOFF
data URL. The file then shows Bengali on a machine without a Bengali font, and names no path
of the machine that built it.

What is inlined costs nothing to make for each pack:
- the two Bengali fonts whole, wrapped as WOFF (zlib) without being parsed: 0.03 CPU s for
  both, 95 and 99 KB. Cutting them to the characters of a report (fontTools, keeping every
  conjunct those characters form) saved 22 KB a font but cost 0.3-0.5 CPU s each and 20-30 MB
  of memory for every pack;
- the two Latin fonts (Noto Sans covers Greek, Cyrillic and Vietnamese too: 258 KB as WOFF)
  cut once to a fixed set of Latin characters (`LATIN`, 28 KB each) and kept in the
  instance folder, so that only the first pack on a machine cuts them. A report with a
  character beyond that set gets the whole font instead: never a missing letter.
"""

import base64
import hashlib
import io
import os
import re
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONT_FILES = ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", "NotoSans-Regular.ttf",
              "NotoSans-Bold.ttf")
LATIN_FONTS = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
PLACEHOLDER = "embedded-font:"
# Basic Latin, Latin-1, Latin Extended-A (names), general punctuation, ₹ and a few signs.
LATIN = frozenset(
    [chr(c) for c in range(0x20, 0x7f)] + [chr(c) for c in range(0xa0, 0x180)]
    + [chr(c) for c in range(0x2010, 0x2028)] + [chr(c) for c in range(0x2030, 0x203b)]
    + list("₹€−×÷≤≥≈±°•·…\u00a0\u202f\u200b\u200c\u200d\ufeff"))

SCRIPT = re.compile(r"<script>.*?</script>", re.S)


def _woff(data: bytes) -> bytes:
    """A font file wrapped as WOFF 1.0, its tables copied as they are (zlib-compressed when
    that is smaller), none of them parsed."""
    font = TTFont(io.BytesIO(data), lazy=True)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def _subset(path: Path, text: str) -> bytes:
    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature: conjuncts, vowel signs, kerning
    options.flavor = "woff"
    options.desubroutinize = True
    font = TTFont(path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=8)
def _whole(path: Path) -> bytes:
    return _woff(path.read_bytes())


@lru_cache(maxsize=4)
def _latin(path: Path, cache: Path | None) -> bytes:
    """The font cut to `LATIN`, from the instance folder's cache when it is there (the name
    holds the SHA-256 of the font file and of the set, so a new font makes a new file)."""
    key = hashlib.sha256(path.read_bytes() + "".join(sorted(LATIN)).encode()).hexdigest()[:16]
    stored = cache / f"{path.stem}-latin-{key}.woff" if cache else None
    if stored and stored.is_file():
        return stored.read_bytes()
    data = _subset(path, "".join(sorted(LATIN)))
    if stored:
        stored.parent.mkdir(parents=True, exist_ok=True)
        partial = stored.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(stored)  # two workers at once: each writes whole files
    return data


def font_file(folder: Path, name: str, text: str, cache: Path | None = None) -> bytes:
    """The WOFF to inline for font ``name`` in documents made of ``text``."""
    path = folder / name
    if name in LATIN_FONTS and set(text) - LATIN <= _bengali_or_markup(text):
        return _latin(path, cache)
    return _whole(path)


def _bengali_or_markup(text: str) -> set:
    """Characters the Latin fonts need not carry: Bengali (the Bengali fonts draw it), and
    its dandas, and control characters of the markup."""
    return {ch for ch in text if "\u0980" <= ch <= "\u09ff" or ch in "\u0964\u0965\n\r\t"}


def embed_fonts_in(htmls: list[str], folder: Path, cache: Path | None = None) -> list[str]:
    """The documents with ``url("embedded-font:NAME")`` replaced by the font's data URL (see
    the module's docstring), the same file for all of them."""
    # what the fonts may have to draw: the documents without their scripts (plotly.js)
    text = "".join(sorted(set("".join(SCRIPT.sub("", html) for html in htmls))))
    for name in FONT_FILES:
        marker = f"{PLACEHOLDER}{name}"
        if any(marker in html for html in htmls):
            data = base64.b64encode(font_file(folder, name, text, cache)).decode()
            htmls = [html.replace(marker, f"data:font/woff;base64,{data}") for html in htmls]
    return htmls
