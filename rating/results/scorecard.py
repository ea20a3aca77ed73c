"""The printable score card: one A4 page in Bengali for a block or an office, for collective
meetings and the meeting with the office. The same published figures as the pages
(`rating.results.services`), drawn by WeasyPrint with the fonts that ship with the app, as
the evidence packs are."""

from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from rating.evidence import pdftext

CARD_LANGUAGE = "bn"  # the card is read aloud at meetings in Bengali


def render_card(results) -> bytes:
    """The card as PDF bytes."""
    from weasyprint import HTML  # a second to import: only when a card is made

    pdftext.install()
    fonts = Path(current_app.static_folder, "fonts").as_uri() + "/"
    with force_locale(CARD_LANGUAGE):
        html = render_template("results/card.html", results=results, fonts=fonts)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()
