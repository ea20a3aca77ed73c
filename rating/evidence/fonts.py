"""report.html carries its own fonts: each of the app's four Noto fonts, cut down to the
characters the report uses (fontTools keeps the Bengali conjuncts those characters form),
inlined as data URLs. The file then shows Bengali on a machine without a Bengali font, and
names no path of the machine that built it."""

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
    options.flavor = "woff2"
    options.desubroutinize = True
    font = TTFont(path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def embed_fonts(html: str, folder: Path) -> str:
    """The HTML with ``url("embedded-font:NAME")`` replaced by the subset font's data URL."""
    text = "".join(sorted(set(html)))
    for name in FONT_FILES:
        marker = f"{PLACEHOLDER}{name}"
        if marker in html:
            data = base64.b64encode(_subset(folder / name, text)).decode()
            html = html.replace(marker, f"data:font/woff2;base64,{data}")
    return html
