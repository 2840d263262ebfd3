"""Publication pages for staff: the decision and its slippage, redaction with a preview, scheduling,
withdrawal and the internal PDF.

A blueprint nested in `assessments` (so its pages answer under `/assessments`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dpia.assessments.services.content import RevisionContent, get_visible_revision, load_content
from dpia.core import clock
from dpia.core.dates import moment_label
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.transaction import attempt
from dpia.documents.services.exports import request_internal_pdf, retry_internal_pdf, stored_file
from dpia.permissions import can_publish
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.publication.services.decisions import (
    find_decision,
    plan_of,
    publication_decisions,
    record_decision,
    record_slippage,
)
from dpia.publication.services.redactions import (
    find_redaction,
    redaction_targets,
    redactions_for,
    remove_redaction,
    set_redaction,
)
from dpia.publication.services.scheduling import document_for, publication_of
from dpia.publication.services.scheduling import schedule as schedule_publication
from dpia.publication.services.scheduling import withdraw as withdraw_publication
from forms.publication import DecisionForm, RedactionForm, ScheduleForm, SlippageForm, WithdrawForm

if TYPE_CHECKING:
    from dpia.assessments.models import Revision

bp = Blueprint("publication", __name__)
UK = ZoneInfo("Europe/London")


def _publisher_revision(reference: str, number: int) -> Revision:
    """The revision, for a change only a publisher may make (404 before 403: existence is not told)."""
    revision = get_visible_revision(current_user, reference, number)
    if not can_publish(current_user):
        abort(403)
    return revision


def _page(content: RevisionContent, *, forms: dict | None = None, errors: list[str] | None = None,
          status: int = 200):
    revision = content.revision
    forms = forms or {}
    redaction_form = forms.get("redaction") or RedactionForm(formdata=None)
    redaction_form.target.choices = redaction_targets(content)
    return render_template(
        "publication/overview.html", revision=revision, decisions=publication_decisions(revision), plan_of=plan_of,
        redactions=redactions_for(revision), target_labels=dict(redaction_form.target.choices),
        publication=publication_of(revision), now=clock.now(), may_publish=can_publish(current_user),
        decision_form=forms.get("decision") or DecisionForm(formdata=None),
        slippage_form=forms.get("slippage") or SlippageForm(formdata=None),
        redaction_form=redaction_form,
        schedule_form=forms.get("schedule") or ScheduleForm(formdata=None),
        withdraw_form=forms.get("withdraw") or WithdrawForm(formdata=None),
        errors=errors or [],
    ), status


@bp.route("/<reference>/revisions/<int:number>/publication")
def overview(reference: str, number: int):
    return _page(load_content(get_visible_revision(current_user, reference, number)))


def _form_errors(form) -> list[str]:
    return [message for field in form for message in (field.errors or ())]


def _submit(revision: Revision, name: str, form, action: Callable[[], str],
            content: RevisionContent | None = None):
    """Validate `form`, run `action` (which returns the success message) and go back to the
    publication page; on any problem show that page again with everything typed kept, status 400."""
    if not form.validate():
        return _page(content or load_content(revision), forms={name: form}, errors=_form_errors(form), status=400)
    try:
        with attempt():
            message = action()
    except ValidationError as error:
        return _page(content or load_content(revision), forms={name: form}, errors=[str(error)], status=400)
    flash(message, "success")
    return redirect(url_for(".overview", reference=revision.assessment.reference, number=revision.number))


@bp.route("/<reference>/revisions/<int:number>/publication/decision", methods=["POST"])
def decide(reference: str, number: int):
    revision = _publisher_revision(reference, number)
    form = DecisionForm()

    def record() -> str:
        try:
            scope = Scope(form.scope.data)
        except ValueError as error:
            raise ValidationError("Select what will be published") from error
        record_decision(actor=current_user, now=clock.now(), revision=revision, decided_on=form.decided_on.data,
                        decided_by=form.decided_by.data, scope=scope, planned=form.planned.data,
                        channel=form.channel.data)
        return "Decision to publish recorded"

    return _submit(revision, "decision", form, record)


@bp.route("/<reference>/revisions/<int:number>/publication/decisions/<int:decision_id>/slippage", methods=["POST"])
def slip(reference: str, number: int, decision_id: int):
    revision = _publisher_revision(reference, number)
    decision = find_decision(revision, decision_id)
    form = SlippageForm()

    def record() -> str:
        record_slippage(actor=current_user, now=clock.now(), decision=decision, reason=form.slip_reason.data,
                        new_planned=form.slip_planned.data)
        return "Slippage recorded with the new planned date"

    return _submit(revision, "slippage", form, record)


@bp.route("/<reference>/revisions/<int:number>/publication/redactions", methods=["POST"])
def redact(reference: str, number: int):
    content = load_content(_publisher_revision(reference, number))
    form = RedactionForm()
    form.target.choices = redaction_targets(content)

    def record() -> str:
        kind, _, key = (form.target.data or "").partition(":")
        if kind not in {t.value for t in TargetType}:
            raise ValidationError("Select the part to withhold")
        try:
            exemption = Exemption(form.exemption.data)
        except ValueError as error:
            raise ValidationError("Select the exemption") from error
        set_redaction(actor=current_user, now=clock.now(), content=content, target_type=TargetType(kind),
                      target_key=key, exemption=exemption, reason=form.redaction_reason.data)
        return "Withheld from publication"

    return _submit(content.revision, "redaction", form, record, content)


@bp.route("/<reference>/revisions/<int:number>/publication/redactions/<int:redaction_id>/remove",
          methods=["POST"])
def unredact(reference: str, number: int, redaction_id: int):
    revision = _publisher_revision(reference, number)
    remove_redaction(actor=current_user, now=clock.now(), revision=revision,
                     redaction=find_redaction(revision, redaction_id))
    flash("No longer withheld", "success")
    return redirect(url_for(".overview", reference=reference, number=number))


@bp.route("/<reference>/revisions/<int:number>/publication/preview")
def preview(reference: str, number: int):
    """Exactly what the public would see, built the same way the published bundle is."""
    content = load_content(get_visible_revision(current_user, reference, number))
    document = document_for(content, organisation=current_app.config["ORGANISATION_NAME"], public=True)
    return render_template("publication/preview.html", revision=content.revision, doc=document)


def _publish_at(form: ScheduleForm) -> datetime:
    try:
        hours, minutes = (int(part) for part in (form.publish_time.data or "").strip().split(":"))
        local = datetime.combine(form.publish_date.data, time(hours, minutes), tzinfo=UK)
    except (ValueError, TypeError) as error:
        raise ValidationError("Enter the time on the 24-hour clock, like 09:30") from error
    return local.astimezone(UTC)


@bp.route("/<reference>/revisions/<int:number>/publication/schedule", methods=["POST"])
def schedule(reference: str, number: int):
    content = load_content(_publisher_revision(reference, number))
    form = ScheduleForm()

    def record() -> str:
        publish_at = _publish_at(form)
        schedule_publication(actor=current_user, now=clock.now(), content=content, publish_at=publish_at,
                             organisation=current_app.config["ORGANISATION_NAME"])
        return f"Revision {number} will be public from {moment_label(publish_at.astimezone(UK))} UK time"

    return _submit(content.revision, "schedule", form, record, content)


@bp.route("/<reference>/revisions/<int:number>/publication/withdraw", methods=["POST"])
def withdraw(reference: str, number: int):
    revision = _publisher_revision(reference, number)
    publication = publication_of(revision)
    if publication is None:
        raise NotFoundError("publication")
    form = WithdrawForm()

    def record() -> str:
        withdraw_publication(actor=current_user, now=clock.now(), publication=publication,
                             reason=form.withdraw_reason.data)
        return "Publication withdrawn"

    return _submit(revision, "withdraw", form, record)


@bp.route("/<reference>/revisions/<int:number>.pdf")
def internal_pdf(reference: str, number: int):
    """The complete revision as a PDF for staff (nothing withheld, DRAFT unless approved), as the worker
    stored it; until it is stored, a page that says it is being prepared (202) and checks again."""
    content = load_content(get_visible_revision(current_user, reference, number))
    export = request_internal_pdf(actor=current_user, now=clock.now(), content=content,
                                  organisation=current_app.config["ORGANISATION_NAME"])
    if not export.is_ready:
        # The page's script polls this URL with HEAD; the header tells it to show the failure.
        return (render_template("documents/preparing.html", revision=content.revision, export=export), 202,
                {"X-Export-Status": "failed" if export.has_failed else "pending"})
    # The ETag is the stored file's hash: a copy that is current gets 304 without the file being read.
    current = export.sha256 in request.if_none_match
    response = Response(status=304) if current else Response(stored_file(export), mimetype="application/pdf")
    response.set_etag(export.sha256)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f"attachment; filename={reference}-revision-{number}.pdf"
    return response


@bp.route("/<reference>/revisions/<int:number>.pdf/retry", methods=["POST"])
def internal_pdf_retry(reference: str, number: int):
    """Ask the worker again for a PDF whose builds failed, then go back to the page that waits for it."""
    content = load_content(get_visible_revision(current_user, reference, number))
    retry_internal_pdf(actor=current_user, now=clock.now(), content=content,
                       organisation=current_app.config["ORGANISATION_NAME"])
    return redirect(url_for(".internal_pdf", reference=reference, number=number))
