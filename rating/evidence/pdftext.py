"""Copyable Bengali in the PDF: each line of Bengali text carries its own words as /ActualText.

WeasyPrint maps every glyph to the text of its first use (its ToUnicode map), which cannot say
the truth for Bengali: a vowel sign drawn before its consonant, or one conjunct glyph, stands for
different letters in different words, so pdftotext and copy-and-paste get the letters reordered
or swapped, although the page looks right. PDF's answer is a marked-content span whose
/ActualText gives the real text of what it draws (PDF 32000-1, 14.9.4), which poppler, pdf.js
and Acrobat read. `install` wraps WeasyPrint's text drawing so that a line holding characters
of a complex script is drawn inside such a span; other lines are drawn exactly as before.
"""

import re

import pydyf

# Scripts whose shaping reorders or merges glyphs: Bengali, and its neighbours in the network's
# documents (Devanagari, Odia), should a name or a quote bring them in.
COMPLEX = re.compile("[\u0900-\u0d7f]")
_installed = False


def _spanned(draw_text):
    def draw_text_with_actual_text(stream, textbox, *args, **kwargs):
        text = getattr(textbox, "text", "")
        if not text or not COMPLEX.search(text) or \
                textbox.style["visibility"] != "visible":
            return draw_text(stream, textbox, *args, **kwargs)
        stream.begin_marked_content(
            "Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return draw_text(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text_with_actual_text.wrapped = draw_text
    return draw_text_with_actual_text


def install() -> None:
    """Wrap WeasyPrint's `draw_text` once per process (where its page drawing looks it up)."""
    global _installed
    if _installed:
        return
    from weasyprint import draw

    draw.draw_text = _spanned(draw.draw_text)
    _installed = True
