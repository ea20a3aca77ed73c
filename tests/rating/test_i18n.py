"""Every user-facing string has its Bengali translation, and the catalogue matches the code."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "rating/translations/bn/LC_MESSAGES/messages.po"


def _read(path):
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog):
    return {message.id if isinstance(message.id, str) else message.id[0]
            for message in catalog if message.id}


def test_every_message_has_a_bengali_translation():
    catalog = _read(CATALOG)
    missing = [message.id for message in catalog if message.id and (
        message.fuzzy or not all(message.string if isinstance(message.string, tuple)
                                 else [message.string]))]
    assert missing == []


def test_catalogue_passes_babels_own_checks():
    """`pybabel compile` refuses a catalogue whose placeholders disagree. Babel reads a `%` followed
    by a space and a letter such as `i` or `l` as a placeholder ("95% interval"), so such text is
    written with a no-break space after the `%` ("95%\\u00a0interval")."""
    problems = [(message.id, str(error)) for message, errors in _read(CATALOG).check()
                for error in errors]
    assert problems == []


def test_catalogue_holds_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                    "--no-location", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "say",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    in_code = _ids(_read(pot))
    translated = _ids(_read(CATALOG))
    assert sorted(in_code - translated) == [], "run `make extract-messages` and translate"


def test_bengali_digits_on_bengali_pages(app):
    from rating.i18n import ascii_digits, local_digits

    assert local_digits(2026, "bn") == "২০২৬"
    assert local_digits(2026, "en") == "2026"
    assert ascii_digits("২৪৬৮") == "2468"


def test_length_messages_are_in_bengali_singular_and_plural(app):
    """WTForms asks for its length messages with ngettext: the catalogue must hold them as
    plural entries, or Bengali pages show them in English."""
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict
    from wtforms import StringField
    from wtforms.validators import Length

    from rating.formtools import BaseForm

    class Names(BaseForm):
        many = StringField(validators=[Length(max=5)])
        one = StringField(validators=[Length(max=1)])
        least = StringField(validators=[Length(min=3)])

    with app.test_request_context(), force_locale("bn"):
        form = Names(MultiDict({"many": "abcdefgh", "one": "ab", "least": "a"}),
                     meta={"csrf": False})
        assert not form.validate()
    assert form.errors == {"many": ["এখানে 5 অক্ষরের বেশি লেখা যাবে না।"],
                           "one": ["এখানে 1 অক্ষরের বেশি লেখা যাবে না।"],
                           "least": ["এখানে অন্তত 3 অক্ষর লিখতে হবে।"]}
