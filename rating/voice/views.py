from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.access import roles
from rating.auth.forms import EmptyForm
from rating.directory import services as directory
from rating.extensions import db
from rating.voice import bp, services
from rating.voice.elements import FIXED, is_element, office_element
from rating.voice.forms import VoicePromptForm
from rating.voice.models import VoicePrompt


def _page(form=None, status=200):
    offices = db.session.scalars(directory.offices_statement(directory.OfficeFilter())).all()
    elements = {**FIXED, **{office_element(office.id): office for office in offices}}
    return render_template("voice/index.html", prompts=services.list_prompts(),
                           elements=elements, form=form or VoicePromptForm(),
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


@bp.route("/<element>/<any(bn, en):language>")
@roles("leader", "staff", "advocacy")
def clip(element: str, language: str):
    """One element's clip ("purpose.housing", "office.12"): 404 unknown or not recorded."""
    if not is_element(element):
        abort(404)
    prompt = services.find_prompt(element, language) or abort(404)
    response = current_app.response_class(services.clip_bytes(prompt),
                                          mimetype=prompt.mime_type)
    # The same clip for everyone, nothing personal: the phone keeps it (the service worker's
    # voice cache) for offline use.
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Disposition"] = "inline"
    return response
