"""The letter of a pack, ready to send after light editing: letterhead, reference and date,
the recipient's title in the letter's language, subject and salutation, the offices that need
attention by name (each figure with its cycle, number of leaders and interval, and the officer
in post), what was written and answered before, asks with the date an answer is due,
enclosures and copies; as DOCX (A4) and as PDF. "Both" languages give two complete letters.

`letter_blocks` says what the letter holds, once; `render_docx` and `render_pdf` lay it out.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.shared import Mm, Pt
from flask import current_app, render_template
from flask_babel import force_locale, ngettext

from rating import wording
from rating.directory.models import LEVELS
from rating.escalation.deadlines import answer_due_on
from rating.evidence import overview
from rating.evidence.render import report_names, seal_facts
from rating.evidence.words import LANGUAGES, cycle_name, level_name, make_day, translate
from rating.i18n import local_digits
from rating.timeutil import local_today

# The title of the officer a letter to each level is addressed to, in each language.
RECIPIENT_TITLES = {
    "gram_panchayat": ("Pradhan, Gram Panchayat", "প্রধান, গ্রাম পঞ্চায়েত"),
    "block": ("Block Development Officer", "সমষ্টি উন্নয়ন আধিকারিক"),
    "district": ("District Magistrate", "জেলাশাসক"),
    "state": ("Principal Secretary, Women and Child Development and Social Welfare",
              "প্রধান সচিব, নারী ও শিশু উন্নয়ন এবং সমাজকল্যাণ দপ্তর"),
    "national": ("Secretary, Ministry of Women and Child Development",
                 "সচিব, নারী ও শিশু উন্নয়ন মন্ত্রক"),
}
BENGALI_VOWEL_ENDINGS = set("অআইঈউঊঋএঐওঔািীুূৃেৈোৌ")


@dataclass(frozen=True)
class Block:
    """One piece of the letter: ``kind`` says how it is laid out."""

    kind: str  # letterhead, meta, address, subject, para, heading, bullet, sub, sign, small,
    # table (its ``rows``, the first naming the columns)
    text: str
    rows: tuple = ()


def genitive_bn(name: str) -> str:
    """A Bengali place name in the possessive: "উত্তর ২৪ পরগনা" -> "উত্তর ২৪ পরগনার",
    "গাইঘাটা" -> "গাইঘাটার", "বসিরহাট" -> "বসিরহাটের"; a name ending in a digit takes "-এর"."""
    if not name:
        return name
    if name[-1] in BENGALI_VOWEL_ENDINGS:
        return name + "র"
    if name[-1].isdigit() or not "\u0980" <= name[-1] <= "\u09ff":
        return name + "-এর"
    return name + "ের"


def recipient_title(content, language: str) -> str:
    """The addressee in the letter's language: the level's title, and the place."""
    english, bengali = RECIPIENT_TITLES.get(content.params.recipient_level,
                                            RECIPIENT_TITLES["district"])
    title = (content.params.recipient_name.strip() or english) if language == "en" else bengali
    if content.params.scope in ("district", "block"):
        place = content.scope_names[language]
        if place not in title:
            title = f"{title}, {place}"
    return title


def needing_attention(content) -> list:
    """The offices that need attention (`overview.attention_reasons`: below the network or
    their peers, declining, or a sudden drop), lowest first."""
    return sorted(overview.needing_attention(content),
                  key=lambda s: (_latest(s).mean if _latest(s) else 99, s.office.name_en))


def _latest(section):
    return next((c for c in reversed(section.cells) if c is not None and c.publishable), None)


def _say(language: str):
    def say(message, **params):
        return translate(message, language, **params)

    return say


def letter_blocks(content, language: str) -> list[Block]:
    """Everything the letter says, in one language: a letter of two or three pages however
    many offices need attention. Each such office is one row of a table (its figure, cycle,
    leaders, interval, why, and the officer in post); earlier letters and what came of them
    are listed by date; the asks are few, each with its date; the rest is in the report."""
    config = current_app.config
    say, day = _say(language), make_day(language)

    def number(value) -> str:
        return local_digits(f"{value:.1f}", language)

    sent_on = local_today()
    due = answer_due_on(content.params.recipient_level, sent_on)
    scope = content.scope_names[language]
    scope_of = genitive_bn(scope) if language == "bn" else scope
    first, last = (cycle_name(content.cycles[i], language) for i in (0, -1))
    pack_id = content.seal.get("pack", "")
    blocks = [
        Block("letterhead", config["ORGANISATION_NAME"]),
        Block("small", config["ORGANISATION_ADDRESS"]),
        Block("meta", say("Ref.: %(ref)s", ref=f"{config['LETTER_REFERENCE_PREFIX']}/"
                          f"{local_digits(pack_id, language)}/"
                          f"{local_digits(sent_on.year, language)}")),
        Block("meta", say("Date: %(date)s", date=day(sent_on))),
        Block("address", say("To,")),
        Block("address", recipient_title(content, language)),
        Block("subject", say("Subject: how survivor leaders rated the offices of %(scope_of)s, "
                             "%(first)s to %(last)s", scope_of=scope_of,
                             first=first, last=last)),
        Block("para", say("Sir or Madam,")),
    ]
    total = len(content.sections)
    with force_locale(language):
        offices = ngettext("%(num)s office", "%(num)s offices", total)
    blocks.append(Block("para", say(
        "Survivor leaders of the Utthan and Bijoyini collectives rate the government offices "
        "they go to for help, on a scale from 1 (worst) to 10 (best), once in each cycle. In "
        "%(scope_of)s, %(offices)s had enough ratings to be shown. The enclosed report gives "
        "every figure and how it was made.", scope_of=scope_of,
        offices=local_digits(offices, language))))
    blocks.append(Block("para", say(
        "The enclosed report explains how the figures were made; offices rated by fewer than "
        "%(min_raters)s leaders are not shown, to protect them.",
        min_raters=content.rules.publication.min_raters_mean)))
    attention = needing_attention(content)
    if attention:
        blocks.append(Block("heading", say("Offices that need your attention")))
        blocks.append(Block("para", say(
            "Each figure is the mean score of the office's latest cycle with enough ratings, "
            "out of 10, with its 95%% interval; the report has a page on each office, with "
            "its chart and every cycle.")))
        blocks.append(Block("table", "", rows=tuple(_attention_table(
            content, attention, language, number, day))))
        history = [section for section in attention if section.history]
        if history:
            blocks.append(Block("heading", say("What we wrote before, and what came of it")))
            for section in history:
                blocks += _history_blocks(content, section, language, day)
        blocks.append(Block("heading", say("What we ask")))
        blocks += _asks(content, attention, language, day, due)
        blocks.append(Block("para", say(
            "We will share the next cycle's ratings with you, so that we can see together "
            "whether things change.")))
    else:
        blocks.append(Block("para", say(
            "None of these offices is below the network or getting worse in %(cycle)s. We share "
            "the figures for your information, and would welcome your comments by %(date)s.",
            cycle=cycle_name(content.latest, language), date=day(due))))
    blocks += [
        Block("para", say("The figures can be checked by anyone at %(url)s.",
                          url=content.seal.get("verify_url", config["PUBLIC_URL"]))),
        Block("para", say("Yours faithfully,")),
        Block("sign", config["LETTER_SIGNATORY"]),
        Block("sign", config["ORGANISATION_NAME"]),
        Block("small", say("Enclosures: 1. the report (%(reports)s); 2. the data (data.csv, "
                           "data.xlsx, data-dictionary.csv).", reports=", ".join(
                               pdf for pdf, _ in report_names(content).values()))),
    ]
    higher = _next_level(content.params.recipient_level)
    if higher:
        blocks.append(Block("small", say("Copy to: %(title)s", title=RECIPIENT_TITLES[higher][
            0 if language == "en" else 1])))
    return blocks


def _attention_table(content, attention, language, number, day) -> list[tuple[str, ...]]:
    """The offices needing attention, one row each (the first row names the columns)."""
    say = _say(language)
    rows = [(say("Office"), say("Cycle"), say("Leaders"),
             say("Mean") + " (" + say("95%\u00a0interval") + ")",
             say("Why it needs attention"), say("Officer in post then"))]
    for section in attention:
        cell = _latest(section)
        cycle = next(c for c, x in zip(content.cycles, section.cells, strict=True) if x is cell)
        mean = number(cell.mean) if cell.ci95 is None else say(
            "%(mean)s (%(low)s to %(high)s)", mean=number(cell.mean), low=number(cell.ci95[0]),
            high=number(cell.ci95[1]))
        posting = overview.in_post(section.postings, cycle)  # loaded with the pack, one query
        officer = "–"
        if posting is not None:
            person = posting.officer
            name = (person.name_bn or person.name_en) if language == "bn" else person.name_en
            officer = say("%(name)s, since %(date)s", name=name, date=day(posting.started_on))
        rows.append((_name(section.office, language), cycle_name(cycle, language),
                     local_digits(cell.n, language), mean, "; ".join(
                         wording.word(finding, language, wording.CONCERNS)
                         for finding in overview.attention_reasons(section)), officer))
    return rows


def _history_blocks(content, section, language, day) -> list[Block]:
    """An office's earlier letters, meetings and appeals, each with its answer (or the day
    one was due) and its promises, with the dates that belong to them."""
    say = _say(language)
    blocks = [Block("bullet", _name(section.office, language))]
    for action in section.history:
        parts = [_action_sentence(action, language, day)]
        parts += [say("Answer of %(date)s: %(summary)s", date=day(response.received_on),
                      summary=response.summary) for response in action.responses]
        if not action.responses:
            parts.append(say("No answer by %(date)s.", date=day(
                answer_due_on(action.level, action.acted_on))))
        parts += [_promise_sentence(promise, content.as_of, language, day)
                  for promise in action.commitments]
        blocks.append(Block("sub", " ".join(parts)))
    return blocks


def _asks(content, attention, language, day, due) -> list[Block]:
    """A few asks, each with the date an answer is due (the recipient level's response window
    from settings): what will be done about the offices above, answers to letters that had
    none, and the promises that were broken or are overdue."""
    say = _say(language)
    with force_locale(language):
        offices = ngettext("the office above", "each of the %(num)s offices above",
                           len(attention))
    asks = [say("Please tell us by %(date)s what will be done so that survivors who come to "
                "%(offices)s are heard and their claims are settled, and who will do it.",
                date=day(due), offices=local_digits(offices, language))]
    for section in attention:
        for action in section.history:
            if not action.responses:
                asks.append(say(
                    "Please see that our letter of %(sent)s to %(recipient)s about %(office)s "
                    "is answered by %(date)s.", sent=day(action.acted_on),
                    recipient=action.recipient, office=_name(section.office, language),
                    date=day(due)))
            for promise in action.commitments:
                if promise.status(content.as_of) in ("broken", "overdue"):
                    asks.append(say(
                        "Please tell us by %(date)s when this promise of %(who)s, due by "
                        "%(promised)s, will be kept: %(what)s.", date=day(due),
                        who=promise.by_whom, promised=day(promise.due_on), what=promise.what))
    asks.append(say("Please give us a date before %(date)s to meet you and go through the "
                    "enclosed report.", date=day(due)))
    return [Block("bullet", ask) for ask in asks]


def _name(office, language: str) -> str:
    return office.name_bn if language == "bn" else office.name_en


def _next_level(level: str) -> str | None:
    index = LEVELS.index(level) if level in LEVELS else len(LEVELS)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


def _action_sentence(action, language: str, day) -> str:
    say = _say(language)
    params = {"date": day(action.acted_on), "recipient": action.recipient,
              "level": level_name(action.level, language), "asked": action.asked}
    if action.kind == "meeting":
        return say("On %(date)s we met %(recipient)s (%(level)s level) and asked: %(asked)s",
                   **params)
    if action.kind == "appeal":
        return say("On %(date)s we appealed to %(recipient)s (%(level)s level), asking: "
                   "%(asked)s", **params)
    return say("On %(date)s we wrote to %(recipient)s (%(level)s level), asking: %(asked)s",
               **params)


def _promise_sentence(promise, as_of, language: str, day) -> str:
    """A promise with the date that belongs to its status: kept or broken on the day it was
    resolved, overdue or pending as of the pack's day."""
    say = _say(language)
    status = promise.status(as_of)
    params = {"who": promise.by_whom, "what": promise.what, "due": day(promise.due_on)}
    if status == "kept":
        return say("%(who)s promised, by %(due)s: %(what)s. Kept on %(on)s.",
                   on=day(promise.resolved_on or as_of), **params)
    if status == "broken":
        return say("%(who)s promised, by %(due)s: %(what)s. Broken (recorded on %(on)s).",
                   on=day(promise.resolved_on or as_of), **params)
    if status == "overdue":
        return say("%(who)s promised, by %(due)s: %(what)s. Not done yet: overdue.", **params)
    return say("%(who)s promised, by %(due)s: %(what)s. Not yet due.", **params)


def _letters(content) -> list[tuple[str, list[Block], str]]:
    """Each language's letter: (language, blocks, its footer: the pack id and the manifest's
    SHA-256 in that language alone)."""
    return [(language, letter_blocks(content, language),
             seal_facts(content, language).get("footer", ""))
            for language in LANGUAGES[content.params.language]]


def render_docx(content) -> bytes:
    """letter.docx: A4, Noto fonts; each language a section of its own, with its footer."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Sans Bengali"
    style.font.size = Pt(11)
    for index, (_, blocks, footer) in enumerate(_letters(content)):
        page = document.sections[0] if not index else document.add_section(WD_SECTION.NEW_PAGE)
        # A4, as the PDF (python-docx starts on US Letter)
        page.page_width, page.page_height = Mm(210), Mm(297)
        page.left_margin = page.right_margin = Mm(22)
        page.footer.is_linked_to_previous = False
        page.footer.paragraphs[0].text = footer
        for block in blocks:
            if block.kind == "bullet":
                document.add_paragraph(block.text, style="List Bullet")
            elif block.kind == "sub":
                document.add_paragraph(block.text, style="List Bullet 2")
            elif block.kind in ("heading", "letterhead"):
                document.add_heading(block.text, level=1 if block.kind == "letterhead" else 2)
            elif block.kind == "table":
                _docx_table(document, block.rows)
            else:
                paragraph = document.add_paragraph(block.text)
                if block.kind == "subject":
                    paragraph.runs[0].bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, rows) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for cells, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(cells.cells, values, strict=True):
            cell.text = value
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)
                    run.bold = cells is table.rows[0]


def render_pdf(content) -> bytes:
    """letter.pdf: the same letter on A4 (WeasyPrint), each language from a new page, with
    its own footer."""
    from weasyprint import HTML  # a second to import: only when a PDF is made

    html = render_template("evidence/letter.html", letters=_letters(content),
                           fonts=Path(current_app.static_folder, "fonts").as_uri() + "/")
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()
