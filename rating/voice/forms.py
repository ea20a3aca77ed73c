from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired

from rating.formtools import BaseForm
from rating.voice.models import QUESTIONS


class VoicePromptForm(BaseForm):
    question = HiddenField(validators=[DataRequired(), AnyOf(QUESTIONS)])
    language = HiddenField(validators=[DataRequired(), AnyOf(("bn", "en"))])
    clip = FileField(_l("Recorded clip (MP3, OGG, M4A, WebM or WAV, at most 1 MB)"),
                     validators=[FileRequired(_l("Choose a sound file."))])
