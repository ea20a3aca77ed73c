"""report.html carries its own fonts: each of the app's four Noto fonts, cut down to the
characters the report uses (fontTools keeps the Bengali conjuncts those characters form),
inlined as data URLs. The file then shows Bengali on a machine without a Bengali font, and
names no path of the machine that built it.

WOFF (zlib), not WOFF2: brotli at its highest quality took 0.8 CPU seconds for each Bengali
font, WOFF 0.2, for 23 KB more. The reports of a pack in both languages share one subset of
each font, cut once for the characters of both."""

import base64
import io
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONT_FILES = ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", "NotoSans-Regular.ttf",
              "NotoSans-Bold.ttf")
PLACEHOLDER = "embedded-font:"


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


def embed_fonts_in(htmls: list[str], folder: Path) -> list[str]:
    """The documents with ``url("embedded-font:NAME")`` replaced by the subset font's data
    URL, one subset of each font for all of them."""
    text = "".join(sorted(set("".join(htmls))))
    for name in FONT_FILES:
        marker = f"{PLACEHOLDER}{name}"
        if any(marker in html for html in htmls):
            data = base64.b64encode(_subset(folder / name, text)).decode()
            htmls = [html.replace(marker, f"data:font/woff;base64,{data}") for html in htmls]
    return htmls
