"""Attachment pages: upload, list, download and remove evidence files, and the DPO's publication choice.

Files are only ever sent as downloads (never shown inline), with the type detected at upload, so a
browser cannot be made to run one as a page. Staff get them only if they may see the revision (404
otherwise, as for the pages); the public only when published with a publication that is visible now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from dpia.assessments.services.content import get_visible_revision, revision_definition
from dpia.attachments.models import Attachment
from dpia.attachments.rules import FileRefused, check_choice, content_disposition, size_label, too_large_message
from dpia.attachments.services import (
    attachments_of,
    get_attachment,
    max_bytes,
    public_attachment,
    remove_attachment,
    set_publication,
    stored_path,
    upload_attachment,
)
from dpia.core import clock
from dpia.core.error_pages import render_error
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.permissions import require
from dpia.core.transaction import attempt
from dpia.permissions import can_attach_evidence, can_decide_evidence_publication
from dpia.publication.services.redactions import ensure_redactions_editable
from dpia.publication.services.scheduling import publication_of
from forms.attachments import PublicationForm, RemoveForm, UploadForm

if TYPE_CHECKING:
    from dpia.assessments.models import Revision

bp = Blueprint("attachments", __name__)

# Published evidence files, for anyone, from the revision's publish_at on.
public_bp = Blueprint("published_files", __name__)

UPLOAD_ENDPOINT = "assessments.attachments.evidence"
FORM_ALLOWANCE = 64 * 1024  # the other fields and the multipart framing around the file
SANDBOX = "sandbox; default-src 'none'"


@bp.url_value_preprocessor
def allow_file_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """The upload page takes files up to ATTACHMENT_MAX_BYTES; everywhere else the app's smaller limit
    holds. Set before any before-request function (CSRF, the NUL check) reads the form."""
    if endpoint == UPLOAD_ENDPOINT and request.method == "POST":
        request.max_content_length = max_bytes() + FORM_ALLOWANCE


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """An oversized upload gets the upload page again with the limit, not a bare error."""
    # The body is never read: every form on the page (the header's sign-out form too) starts empty.
    request.form = request.files = ImmutableMultiDict()
    if request.endpoint != UPLOAD_ENDPOINT:
        return render_error(413)
    try:
        revision = get_visible_revision(current_user, **(request.view_args or {}))
    except NotFoundError:
        return render_error(404)
    if not can_attach_evidence(current_user, revision):
        return render_error(413)
    form = UploadForm(formdata=None)
    form.evidence_file.errors = [too_large_message(max_bytes())]
    return _evidence_page(revision, form, status=413)


def _question_choices(revision: Revision) -> list[tuple[str, str]]:
    definition = revision_definition(revision)
    return [("", "The whole revision")] + [(q.key, f"{s.title}: {q.label}")
                                           for s in definition.sections for q in s.questions]


def _evidence_page(revision: Revision, form: UploadForm | None, *, status: int = 200):
    choices = _question_choices(revision)
    labels = dict(choices)
    if form is not None:
        form.question.choices = choices
        form.evidence_file.description = (f"A PDF, Word (DOCX), OpenDocument text (ODT), Excel (XLSX), PNG, JPEG or "
                                          f"CSV file, smaller than {size_label(max_bytes())}")
    return render_template("attachments/evidence.html", revision=revision, form=form,
                           attachments=attachments_of(revision), labels=labels, remove_form=RemoveForm(formdata=None),
                           may_attach=can_attach_evidence(current_user, revision),
                           may_decide=can_decide_evidence_publication(current_user),
                           scheduled=publication_of(revision) is not None), status


@bp.route("/<reference>/revisions/<int:number>/evidence", methods=["GET", "POST"])
def evidence(reference: str, number: int):
    """The revision's evidence files, and (for its team, while it can be edited) the upload form."""
    revision = get_visible_revision(current_user, reference, number)
    editable = can_attach_evidence(current_user, revision)
    if request.method == "GET":
        form = UploadForm(formdata=None) if editable else None
        if form is not None:
            form.question.data = request.args.get("question", "")
        return _evidence_page(revision, form)
    require(editable, "Only the assessment's team can add evidence to a draft revision")
    form = UploadForm()
    form.question.choices = _question_choices(revision)
    if form.validate_on_submit():
        upload = form.evidence_file.data
        try:
            with attempt():
                attachment = upload_attachment(
                    actor=current_user, now=clock.now(), revision=revision, filename=upload.filename,
                    data=upload.read(max_bytes() + 1), question_key=form.question.data or None,
                    description=form.description.data)
        except FileRefused as refused:
            form.evidence_file.errors = [str(refused)]
        except ValidationError as invalid:
            form.question.errors = [str(invalid)]
        else:
            flash(f"{attachment.filename} added", "success")
            return redirect(url_for(".evidence", reference=reference, number=number))
    return _evidence_page(revision, form, status=400)


def _staff_attachment(reference: str, number: int, attachment_id: int) -> tuple[Revision, Attachment]:
    revision = get_visible_revision(current_user, reference, number)
    return revision, get_attachment(revision, attachment_id)


def _download(attachment: Attachment, *, cache_control: str, etag: str | None = None) -> Response:
    response = send_file(stored_path(attachment.sha256), mimetype=attachment.file_type.media_type,
                         as_attachment=True, download_name=attachment.filename, conditional=etag is not None,
                         etag=etag or False, max_age=None)
    headers = response.headers
    headers["Content-Disposition"] = content_disposition(attachment.filename)
    headers["Content-Type"] = attachment.file_type.media_type
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = SANDBOX
    headers["Cache-Control"] = cache_control
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.route("/<reference>/revisions/<int:number>/evidence/<int:attachment_id>")
def download(reference: str, number: int, attachment_id: int):
    _revision, attachment = _staff_attachment(reference, number, attachment_id)
    return _download(attachment, cache_control="no-store")


@bp.route("/<reference>/revisions/<int:number>/evidence/<int:attachment_id>/remove", methods=["POST"])
def remove(reference: str, number: int, attachment_id: int):
    revision, attachment = _staff_attachment(reference, number, attachment_id)
    name = attachment.filename
    remove_attachment(actor=current_user, now=clock.now(), revision=revision, attachment=attachment)
    flash(f"{name} removed", "success")
    return redirect(url_for(".evidence", reference=reference, number=number))


@bp.route("/<reference>/revisions/<int:number>/evidence/<int:attachment_id>/publication", methods=["GET", "POST"])
def publication(reference: str, number: int, attachment_id: int):
    """The DPO decides whether a file is published with the revision or withheld under an exemption."""
    revision, attachment = _staff_attachment(reference, number, attachment_id)
    require(can_decide_evidence_publication(current_user), "Only a data protection officer decides what is published")
    ensure_redactions_editable(revision)
    if request.method == "GET":
        form = PublicationForm(formdata=None, data={"choice": attachment.publication.value,
                                                    "exemption": attachment.exemption.value if attachment.exemption
                                                    else "", "reason": attachment.publication_reason or ""})
        return _publication_page(revision, attachment, form)
    form = PublicationForm()
    if form.validate_on_submit():
        try:
            choice = check_choice(form.choice.data, form.exemption.data, form.reason.data)
        except ValueError as invalid:
            message = str(invalid)
            target = form.exemption if "exemption" in message else form.reason if "reason" in message else form.choice
            target.errors = [message]
        else:
            set_publication(actor=current_user, now=clock.now(), revision=revision, attachment=attachment,
                            choice=choice)
            flash(f"Publication of {attachment.filename}: {choice.choice.label}", "success")
            return redirect(url_for(".evidence", reference=reference, number=number))
    return _publication_page(revision, attachment, form, status=400)


def _publication_page(revision: Revision, attachment: Attachment, form: PublicationForm, *, status: int = 200):
    return render_template("attachments/publication.html", revision=revision, attachment=attachment, form=form,
                           question=dict(_question_choices(revision)).get(attachment.question_key or "")), status


@public_bp.route("/register/<reference>/<int:number>/files/<sha256>", endpoint="download")
def public_download(reference: str, number: int, sha256: str):
    """A published evidence file, from its revision's publish_at on, until it is withdrawn (so caches
    must ask again each time; the content address is its ETag)."""
    attachment = public_attachment(reference, number, sha256, now=clock.now())
    if attachment is None:
        raise NotFoundError(f"{reference} {number} file")
    response = _download(attachment, cache_control="public, no-cache", etag=attachment.sha256)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
