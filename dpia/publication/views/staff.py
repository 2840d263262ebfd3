"""Publication pages for staff: the decision and its slippage, redaction with a preview, scheduling,
withdrawal and the internal PDF and Word file.

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
from dpia.documents.services.exports import INTERNAL_FILES, request_export, retry_export, stored_file
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
    ProposalsPendingError,
    confirm_proposal,
    drop_proposal,
    find_redaction,
    missing_targets,
    proposals_notice,
    redaction_targets,
    redactions_for,
    remove_redaction,
    set_redaction,
)
from dpia.publication.services.scheduling import document_for, publication_of
from dpia.publication.services.scheduling import schedule as schedule_publication
from dpia.publication.services.scheduling import withdraw as withdraw_publication
from forms import error_summary_items
from forms.publication import DecisionForm, RedactionForm, ScheduleForm, SlippageForm, WithdrawForm, proposal_form

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


def _page(content: RevisionContent, *, forms: dict | None = None, errors: list[dict[str, str]] | None = None,
          status: int = 200):
    """The publication page. `errors` are error summary entries ({"text", "href"}); `forms` the forms as
    posted, by name ("proposal" is `(redaction id, form)`)."""
    revision = content.revision
    forms = forms or {}
    redaction_form = forms.get("redaction") or RedactionForm(formdata=None)
    redaction_form.target.choices = _targets(content)
    redactions = redactions_for(revision)
    posted_id, posted = forms.get("proposal", (None, None))
    proposals = [(item, posted if item.id == posted_id else proposal_form(item.id, formdata=None, obj=item))
                 for item in redactions if item.proposed]
    return render_template(
        "publication/overview.html", revision=revision, decisions=publication_decisions(revision), plan_of=plan_of,
        redactions=[item for item in redactions if not item.proposed], proposals=proposals,
        proposals_notice=proposals_notice(redactions), missing=missing_targets(content, redactions),
        target_labels=dict(redaction_form.target.choices),
        publication=publication_of(revision), now=clock.now(), may_publish=can_publish(current_user),
        decision_form=forms.get("decision") or DecisionForm(formdata=None),
        slippage_form=forms.get("slippage") or SlippageForm(formdata=None),
        redaction_form=redaction_form,
        schedule_form=forms.get("schedule") or ScheduleForm(formdata=None),
        withdraw_form=forms.get("withdraw") or WithdrawForm(formdata=None),
        errors=errors or [],
    ), status


def _targets(content: RevisionContent) -> list[tuple[str, str]]:
    """The parts that can be withheld, after an empty first choice (the select is required)."""
    return [("", "Select the part"), *redaction_targets(content)]


@bp.route("/<reference>/revisions/<int:number>/publication")
def overview(reference: str, number: int):
    return _page(load_content(get_visible_revision(current_user, reference, number)))


def _first_field(form) -> str:
    """The link target for an error about the form as a whole: its first input (a date's day box)."""
    for field in form:
        if field.type != "CSRFTokenField":
            return f"#{field.id}-day" if field.type == "ThreePartDateField" else f"#{field.id}"
    return ""


def _submit(revision: Revision, name: str, form, action: Callable[[], str],
            content: RevisionContent | None = None, *, page_form=None):
    """Validate `form`, run `action` (which returns the success message) and go back to the
    publication page; on any problem show that page again with everything typed kept, status 400.

    :param page_form: what `_page` gets under `name`, when not the form itself.
    """
    shown = {name: form if page_form is None else page_form}
    if not form.validate():
        return _page(content or load_content(revision), forms=shown, errors=error_summary_items(form), status=400)
    try:
        with attempt():
            message = action()
    except ValidationError as error:
        # Scheduling refused for undecided proposals: the error links to them, not to the date.
        href = "#proposals" if isinstance(error, ProposalsPendingError) else _first_field(form)
        return _page(content or load_content(revision), forms=shown, errors=[{"text": str(error), "href": href}],
                     status=400)
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
    form.target.choices = _targets(content)

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


@bp.route("/<reference>/revisions/<int:number>/publication/proposals/<int:redaction_id>/confirm",
          methods=["POST"])
def confirm(reference: str, number: int, redaction_id: int):
    """Keep a redaction carried over from an earlier revision, with its exemption and reason as typed."""
    content = load_content(_publisher_revision(reference, number))
    redaction = find_redaction(content.revision, redaction_id)
    form = proposal_form(redaction.id)

    def record() -> str:
        try:
            exemption = Exemption(form.exemption.data)
        except ValueError as error:
            raise ValidationError("Select the exemption") from error
        confirm_proposal(actor=current_user, now=clock.now(), content=content, redaction=redaction,
                         exemption=exemption, reason=form.reason.data)
        return "Confirmed: it stays withheld"

    return _submit(content.revision, "proposal", form, record, content, page_form=(redaction.id, form))


@bp.route("/<reference>/revisions/<int:number>/publication/proposals/<int:redaction_id>/drop", methods=["POST"])
def drop(reference: str, number: int, redaction_id: int):
    """Drop a carried-over redaction: the part is published with this revision."""
    revision = _publisher_revision(reference, number)
    with attempt():
        drop_proposal(actor=current_user, now=clock.now(), revision=revision,
                      redaction=find_redaction(revision, redaction_id))
    flash("Dropped: it will be published with this revision", "success")
    return redirect(url_for(".overview", reference=reference, number=number))


@bp.route("/<reference>/revisions/<int:number>/publication/preview")
def preview(reference: str, number: int):
    """Exactly what the public would see, built the same way the published bundle is."""
    content = load_content(get_visible_revision(current_user, reference, number))
    redactions = redactions_for(content.revision)
    document = document_for(content, organisation=current_app.config["ORGANISATION_NAME"], public=True,
                            redactions=redactions)
    return render_template("publication/preview.html", revision=content.revision, doc=document,
                           proposals_notice=proposals_notice(redactions))


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


def _internal_file(reference: str, number: int, extension: str):
    """The complete revision as a file for staff (nothing withheld, DRAFT unless approved), as the worker
    stored it; until it is stored, a page that says it is being prepared (202) and checks again."""
    file = INTERNAL_FILES[extension]
    content = load_content(get_visible_revision(current_user, reference, number))
    export = request_export(actor=current_user, now=clock.now(), content=content,
                            organisation=current_app.config["ORGANISATION_NAME"], kind=file.kind)
    if not export.is_ready:
        # The page's script polls this URL with HEAD; the header tells it to show the failure.
        return (render_template("documents/preparing.html", revision=content.revision, export=export, file=file,
                                file_url=url_for(f".internal_{extension}", reference=reference, number=number),
                                retry_url=url_for(f".internal_{extension}_retry", reference=reference,
                                                  number=number)),
                202, {"X-Export-Status": "failed" if export.has_failed else "pending"})
    # The ETag is the stored file's hash: a copy that is current gets 304 without the file being read.
    current = export.sha256 in request.if_none_match
    response = Response(status=304) if current else Response(stored_file(export), mimetype=file.mimetype)
    response.set_etag(export.sha256)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f"attachment; filename={reference}-revision-{number}.{extension}"
    return response


def _retry_internal_file(reference: str, number: int, extension: str):
    """Ask the worker again for a file whose builds failed, then go back to the page that waits for it."""
    content = load_content(get_visible_revision(current_user, reference, number))
    retry_export(actor=current_user, now=clock.now(), content=content,
                 organisation=current_app.config["ORGANISATION_NAME"], kind=INTERNAL_FILES[extension].kind)
    return redirect(url_for(f".internal_{extension}", reference=reference, number=number))


@bp.route("/<reference>/revisions/<int:number>.pdf")
def internal_pdf(reference: str, number: int):
    return _internal_file(reference, number, "pdf")


@bp.route("/<reference>/revisions/<int:number>.pdf/retry", methods=["POST"])
def internal_pdf_retry(reference: str, number: int):
    return _retry_internal_file(reference, number, "pdf")


@bp.route("/<reference>/revisions/<int:number>.docx")
def internal_docx(reference: str, number: int):
    """The same complete revision as a Word file, built and stored the same way as the PDF."""
    return _internal_file(reference, number, "docx")


@bp.route("/<reference>/revisions/<int:number>.docx/retry", methods=["POST"])
def internal_docx_retry(reference: str, number: int):
    return _retry_internal_file(reference, number, "docx")
