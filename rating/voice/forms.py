from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired, ValidationError

from rating.formtools import BaseForm
from rating.voice.elements import is_element


def _known_element(form, field):
    if not is_element(field.data or ""):
        raise ValidationError(_l("Unknown question."))


class VoicePromptForm(BaseForm):
    # "question": the element's key (rating.voice.elements); the name the form always had.
    question = HiddenField(validators=[DataRequired(), _known_element])
    language = HiddenField(validators=[DataRequired(), AnyOf(("bn", "en"))])
    clip = FileField(_l("Recorded clip (MP3, OGG, M4A, WebM or WAV, at most 1 MB)"),
                     validators=[FileRequired(_l("Choose a sound file."))])
