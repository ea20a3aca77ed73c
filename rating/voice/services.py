"""Voice prompts: short clips that read aloud, per language, every element a leader must
understand (`rating.voice.elements`). A recorded clip replaces a synthetic one (espeak-ng's, in
the demo); a synthetic one never replaces a recording."""

import hashlib

from sqlalchemy import select

from rating import audit, storage
from rating.extensions import db
from rating.refusal import Refused
from rating.voice.elements import is_element
from rating.voice.models import VoicePrompt

AUDIO_TYPES = {"audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/webm": "webm", "audio/mp4": "m4a",
               "audio/aac": "aac", "audio/wav": "wav", "audio/x-wav": "wav"}
MAX_CLIP_BYTES = 1024 * 1024
# The first bytes of each audio container, so a renamed document is not served as audio.
SIGNATURES = (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"OggS", b"\x1aE\xdf\xa3", b"RIFF",
              b"\xff\xf1", b"\xff\xf9")


class ClipRefused(Refused):
    """A clip that cannot be stored as a voice prompt."""


def prompts_for(language: str) -> set[str]:
    """The elements that have a clip in this language."""
    return set(db.session.scalars(select(VoicePrompt.question).where(
        VoicePrompt.language == language)))


def offices_with_clips() -> dict[int, set[str]]:
    """The languages each office's name can be heard in, by office id."""
    found: dict[int, set[str]] = {}
    for key, language in db.session.execute(select(VoicePrompt.question, VoicePrompt.language)
                                            .where(VoicePrompt.question.like("office.%"))):
        found.setdefault(int(key.removeprefix("office.")), set()).add(language)
    return found


def list_prompts() -> dict[tuple[str, str], VoicePrompt]:
    return {(p.question, p.language): p for p in db.session.scalars(select(VoicePrompt))}


def find_prompt(question: str, language: str) -> VoicePrompt | None:
    return db.session.scalar(select(VoicePrompt).where(
        VoicePrompt.question == question, VoicePrompt.language == language))


def _looks_like_audio(audio: bytes) -> bool:
    return audio.startswith(SIGNATURES) or audio[4:8] == b"ftyp"


def save_prompt(question: str, language: str, mime_type: str, audio: bytes,
                actor=None, synthetic: str | None = None) -> VoicePrompt | None:
    """Store (or replace) the clip for an element in a language. A synthetic clip
    (``synthetic`` names its synthesiser) is not stored over a recorded one: None then."""
    if not is_element(question) or language not in ("bn", "en"):
        raise ClipRefused("unknown_question")
    if mime_type not in AUDIO_TYPES or not _looks_like_audio(audio):
        raise ClipRefused("not_audio")
    if len(audio) > MAX_CLIP_BYTES:
        raise ClipRefused("too_long")
    prompt = find_prompt(question, language) or VoicePrompt(question=question, language=language)
    if synthetic and prompt.id is not None and not prompt.synthetic:
        return None
    replaced = prompt.audio_key
    prompt.mime_type, prompt.synthetic = mime_type, synthetic
    if storage.stores_in_database():
        prompt.audio, prompt.audio_key = audio, None
    else:
        prompt.audio = None
        prompt.audio_key = f"voice/{question}-{language}-{hashlib.sha256(audio).hexdigest()}"
        storage.save_file(prompt.audio_key, audio, mime_type)
    db.session.add(prompt)
    db.session.flush()
    audit.record("voice.upload", "voice_prompt", prompt.id, actor, question=question,
                 language=language, size=len(audio), synthetic=synthetic)
    db.session.commit()
    if replaced and replaced != prompt.audio_key:
        storage.delete_file(replaced)
    return prompt


def clip_bytes(prompt: VoicePrompt) -> bytes:
    """The clip, from the row or from S3."""
    return storage.load_file(prompt.audio_key) if prompt.audio_key else prompt.audio


def delete_prompt(prompt: VoicePrompt, actor=None) -> None:
    audit.record("voice.delete", "voice_prompt", prompt.id, actor)
    key = prompt.audio_key
    db.session.delete(prompt)
    db.session.commit()
    if key:
        storage.delete_file(key)
