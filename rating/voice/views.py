from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.access import roles
from rating.auth.forms import EmptyForm
from rating.extensions import db
from rating.voice import bp, services
from rating.voice.forms import VoicePromptForm
from rating.voice.models import QUESTIONS, VoicePrompt
from rating.voice.questions import QUESTION_TEXTS


def _question_labels() -> dict[str, str]:
    return {name: QUESTION_TEXTS[name] for name in QUESTIONS}


def _page(form=None, status=200):
    return render_template("voice/index.html", prompts=services.list_prompts(),
                           labels=_question_labels(), form=form or VoicePromptForm(),
                           button=EmptyForm()), status


@bp.route("/")
@roles("staff")
def index():
    return _page()


@bp.route("/", methods=["POST"])
@roles("staff")
def upload():
    form = VoicePromptForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    clip = form.clip.data
    try:
        services.save_prompt(form.question.data, form.language.data, clip.mimetype,
                             clip.read(services.MAX_CLIP_BYTES + 1), current_user)
    except services.ClipRefused as refused:
        form.clip.errors.append({
            "unknown_question": _("Unknown question."),
            "not_audio": _("That file is not a sound recording we can play. Use MP3, OGG, "
                           "M4A, WebM or WAV."),
            "too_long": _("The clip is larger than 1 MB. Record a shorter one."),
        }[refused.code])
        return _page(form, 422)
    flash(_("Clip saved. Leaders will see a play button next to the question."), "success")
    return redirect(url_for("voice.index"))


@bp.route("/<int:prompt_id>/delete", methods=["POST"])
@roles("staff")
def delete(prompt_id: int):
    prompt = db.session.get(VoicePrompt, prompt_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_prompt(prompt, current_user)
    flash(_("Clip removed."), "success")
    return redirect(url_for("voice.index"))


@bp.route("/<any(score, purpose, respect, resolved, comment):question>/<any(bn, en):language>")
@roles("leader", "staff", "advocacy")
def clip(question: str, language: str):
    prompt = services.find_prompt(question, language) or abort(404)
    response = current_app.response_class(services.clip_bytes(prompt),
                                          mimetype=prompt.mime_type)
    # The same clip for everyone: the phone may keep it a day, and offline.
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Disposition"] = "inline"
    return response
