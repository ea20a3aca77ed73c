"""Clips made by a speech synthesiser (espeak-ng, a Debian package), so that the demo speaks
out of the box: every element of the leaders' pages and every office's name, in Bengali and in
English, as small Ogg Opus files (the lowest Opus bitrate: 2-8 KB a clip). Recorded clips that staff
upload replace them; they never replace a recording (`services.save_prompt`)."""

import io
import shutil
import subprocess

import soundfile
from flask_babel import force_locale
from sqlalchemy import select

from rating.directory.models import Office
from rating.extensions import db
from rating.voice import services
from rating.voice.elements import FIXED, office_element

SYNTHESISER = "espeak-ng"
VOICES = {"bn": "bn", "en": "en-gb"}
RATE = 16_000  # Opus takes 8, 12, 16, 24 or 48 kHz; espeak-ng speaks at 22.05 kHz


def synthesiser_found() -> bool:
    return shutil.which(SYNTHESISER) is not None


def speak(text: str, language: str) -> bytes:
    """``text`` spoken in ``language`` as Ogg Opus. Raises `RuntimeError` when espeak-ng is
    missing or fails."""
    if not synthesiser_found():
        raise RuntimeError(f"{SYNTHESISER} is not installed (apt-get install espeak-ng)")
    wave = subprocess.run([SYNTHESISER, "-v", VOICES[language], "-s", "150", "--stdout", text],
                          capture_output=True, check=True, timeout=60).stdout
    samples, rate = soundfile.read(io.BytesIO(wave), dtype="float32")
    if rate != RATE:
        # imported here: scipy.signal (and scipy.stats with it) is some 30 MiB that every
        # web and job process would otherwise carry for the demo's clips alone
        from scipy.signal import resample_poly

        samples = resample_poly(samples, RATE, rate)
    clip = io.BytesIO()
    soundfile.write(clip, samples, RATE, format="OGG", subtype="OPUS", compression_level=1.0)
    return clip.getvalue()


def texts_to_speak() -> dict[tuple[str, str], str]:
    """Every element's words in each language: the fixed ones and each active office's name."""
    texts = {}
    offices = db.session.scalars(select(Office).where(Office.active)).all()
    for language in VOICES:
        with force_locale(language):
            texts.update({(key, language): str(text) for key, text in FIXED.items()})
        texts.update({(office_element(office.id), language): office.name(language)
                      for office in offices})
    return texts


def add_synthetic_clips(progress=print) -> int:
    """Make and store a synthetic clip for every element that has none; returns how many.
    Without espeak-ng, none (and says so)."""
    if not synthesiser_found():
        progress(f"{SYNTHESISER} is not installed: the demo has no voice clips "
                 "(apt-get install espeak-ng, then run demo-voices).")
        return 0
    have = services.list_prompts()
    made = 0
    for (key, language), text in texts_to_speak().items():
        if (key, language) in have:
            continue
        if services.save_prompt(key, language, "audio/ogg", speak(text, language),
                                synthetic=SYNTHESISER) is not None:
            made += 1
    return made
