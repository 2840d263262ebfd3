"""Publication pages for staff: the decision and its slippage, redaction with a preview, scheduling,
withdrawal, the internal PDF, FOI requests and the s.22 evidence page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dpia.domain.clock import utcnow
from dpia.domain.errors import ValidationError
from dpia.domain.permissions import can_publish, can_view_assessment
from dpia.domain.publication import Exemption, Scope, TargetType, s22_statement
from dpia.domain.states import RevisionState
from dpia.extensions import db
from dpia.models import Assessment, Publication, PublicationDecision, Redaction, Revision
from dpia.rendering.document import Document, Item, Section
from dpia.rendering.pdf import build_pdf
from dpia.services import publication as service
from dpia.services.answers import load_content
from forms.publication import (
    DecisionForm,
    FoiRequestForm,
    RedactionForm,
    ScheduleForm,
    SlippageForm,
    WithdrawForm,
)

bp = Blueprint("publication", __name__, url_prefix="/assessments")
UK = ZoneInfo("Europe/London")


def _revision(reference: str, number: int) -> Revision:
    revision = db.session.scalar(
        select(Revision).join(Assessment).where(Assessment.reference == reference, Revision.number == number)
        .options(joinedload(Revision.assessment).joinedload(Assessment.team)))
    if revision is None or not can_view_assessment(current_user, revision.assessment):
        abort(404)
    return revision


def _assessment(reference: str) -> Assessment:
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == reference))
    if assessment is None or not can_view_assessment(current_user, assessment):
        abort(404)
    return assessment


def _require_publisher() -> None:
    if not can_publish(current_user):
        abort(403)


def _targets(revision: Revision) -> list[tuple[str, str]]:
    """Everything that can be withheld, labelled for the select list."""
    content = load_content(revision)
    choices: list[tuple[str, str]] = []
    for section in content.definition.sections:
        choices.append((f"section:{section.key}", f"Section: {section.title}"))
        for question in section.questions:
            choices.append((f"question:{question.key}", f"  Question: {question.label}"))
            for row in content.rows.get(question.key, ()):
                choices.append((f"row:{row.uid}", f"    Row {row.ref} of {question.label}"))
    return choices


def _page(revision: Revision, *, forms: dict | None = None, errors: list[str] | None = None, status: int = 200):
    forms = forms or {}
    decisions = service.decisions_for(revision)
    redaction_form = forms.get("redaction") or RedactionForm(formdata=None)
    redaction_form.target.choices = _targets(revision)
    labels = dict(redaction_form.target.choices)
    publication = db.session.scalar(select(Publication).where(Publication.revision_id == revision.id))
    return render_template(
        "publication/overview.html", revision=revision, decisions=decisions, plan_of=service.plan_of,
        redactions=service.redactions_for(revision), target_labels=labels, exemptions={e.value: e for e in Exemption},
        publication=publication, now=utcnow(), may_publish=can_publish(current_user),
        decision_form=forms.get("decision") or DecisionForm(formdata=None),
        slippage_form=forms.get("slippage") or SlippageForm(formdata=None),
        redaction_form=redaction_form,
        schedule_form=forms.get("schedule") or ScheduleForm(formdata=None),
        withdraw_form=forms.get("withdraw") or WithdrawForm(formdata=None),
        errors=errors or [],
    ), status


@bp.route("/<reference>/revisions/<int:number>/publication")
def overview(reference: str, number: int):
    return _page(_revision(reference, number))


def _form_errors(form) -> list[str]:
    return [message for field in form for message in (field.errors or ())]


def _submit(revision: Revision, name: str, form, action: Callable[[], str]):
    """Validate `form`, run `action` (which returns the success message), commit and go back to the
    publication page; on any problem show that page again with everything typed kept, status 400."""
    if not form.validate():
        return _page(revision, forms={name: form}, errors=_form_errors(form), status=400)
    try:
        message = action()
    except (ValidationError, ValueError) as error:
        db.session.rollback()
        return _page(revision, forms={name: form}, errors=[str(error)], status=400)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".overview", reference=revision.assessment.reference, number=revision.number))


@bp.route("/<reference>/revisions/<int:number>/publication/decision", methods=["POST"])
def decide(reference: str, number: int):
    revision = _revision(reference, number)
    _require_publisher()
    form = DecisionForm()

    def record() -> str:
        service.record_decision(actor=current_user, now=utcnow(), revision=revision, decided_on=form.decided_on.data,
                                decided_by=form.decided_by.data, scope=Scope(form.scope.data),
                                planned=form.planned.data, channel=form.channel.data)
        return "Decision to publish recorded"

    return _submit(revision, "decision", form, record)


@bp.route("/<reference>/revisions/<int:number>/publication/decisions/<int:decision_id>/slippage", methods=["POST"])
def slip(reference: str, number: int, decision_id: int):
    revision = _revision(reference, number)
    _require_publisher()
    decision = db.session.get(PublicationDecision, decision_id)
    if decision is None or decision.revision_id != revision.id:
        abort(404)
    form = SlippageForm()

    def record() -> str:
        service.record_slippage(actor=current_user, now=utcnow(), decision=decision, reason=form.slip_reason.data,
                                new_planned=form.slip_planned.data)
        return "Slippage recorded with the new planned date"

    return _submit(revision, "slippage", form, record)


@bp.route("/<reference>/revisions/<int:number>/publication/redactions", methods=["POST"])
def redact(reference: str, number: int):
    revision = _revision(reference, number)
    _require_publisher()
    form = RedactionForm()
    form.target.choices = _targets(revision)

    def record() -> str:
        kind, _, key = (form.target.data or "").partition(":")
        if kind not in {t.value for t in TargetType}:
            raise ValidationError("Select the part to withhold")
        service.set_redaction(actor=current_user, now=utcnow(), revision=revision, target_type=TargetType(kind),
                              target_key=key, exemption=Exemption(form.exemption.data),
                              reason=form.redaction_reason.data)
        return "Withheld from publication"

    return _submit(revision, "redaction", form, record)


@bp.route("/<reference>/revisions/<int:number>/publication/redactions/<int:redaction_id>/remove",
          methods=["POST"])
def unredact(reference: str, number: int, redaction_id: int):
    revision = _revision(reference, number)
    _require_publisher()
    redaction = db.session.get(Redaction, redaction_id)
    if redaction is None:
        abort(404)
    service.remove_redaction(actor=current_user, now=utcnow(), revision=revision, redaction=redaction)
    db.session.commit()
    flash("No longer withheld", "success")
    return redirect(url_for(".overview", reference=reference, number=number))


@bp.route("/<reference>/revisions/<int:number>/publication/preview")
def preview(reference: str, number: int):
    """Exactly what the public would see, built the same way the published bundle is."""
    revision = _revision(reference, number)
    document = service.document_for(revision, organisation=current_app.config["ORGANISATION_NAME"], public=True)
    return render_template("publication/preview.html", revision=revision, doc=document)


def _publish_at(form: ScheduleForm) -> datetime:
    try:
        hours, minutes = (int(part) for part in (form.publish_time.data or "").strip().split(":"))
        local = datetime.combine(form.publish_date.data, time(hours, minutes), tzinfo=UK)
    except (ValueError, TypeError) as error:
        raise ValidationError("Enter the time on the 24-hour clock, like 09:30") from error
    return local.astimezone(UTC)


@bp.route("/<reference>/revisions/<int:number>/publication/schedule", methods=["POST"])
def schedule(reference: str, number: int):
    revision = _revision(reference, number)
    _require_publisher()
    form = ScheduleForm()

    def record() -> str:
        publish_at = _publish_at(form)
        service.schedule(actor=current_user, now=utcnow(), revision=revision, publish_at=publish_at,
                         organisation=current_app.config["ORGANISATION_NAME"])
        return f"Revision {number} will be public from {publish_at.astimezone(UK):%-d %B %Y %H:%M} UK time"

    return _submit(revision, "schedule", form, record)


@bp.route("/<reference>/revisions/<int:number>/publication/withdraw", methods=["POST"])
def withdraw(reference: str, number: int):
    revision = _revision(reference, number)
    _require_publisher()
    publication = db.session.scalar(select(Publication).where(Publication.revision_id == revision.id))
    if publication is None:
        abort(404)
    form = WithdrawForm()

    def record() -> str:
        service.withdraw(actor=current_user, now=utcnow(), publication=publication,
                         reason=form.withdraw_reason.data)
        return "Publication withdrawn"

    return _submit(revision, "withdraw", form, record)


@bp.route("/<reference>/revisions/<int:number>.pdf")
def internal_pdf(reference: str, number: int):
    """The complete revision as a PDF for staff: nothing withheld, marked DRAFT unless approved."""
    revision = _revision(reference, number)
    document = service.document_for(revision, organisation=current_app.config["ORGANISATION_NAME"], public=False)
    approved = revision.state in (RevisionState.APPROVED, RevisionState.SUPERSEDED)
    pdf = build_pdf(document, watermark=None if approved else "DRAFT")
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f"attachment; filename={reference}-revision-{number}.pdf"}


@bp.route("/<reference>/foi", methods=["GET", "POST"])
def foi(reference: str):
    assessment = _assessment(reference)
    form = FoiRequestForm()
    if request.method == "POST":
        _require_publisher()
        if form.validate():
            try:
                service.record_foi_request(actor=current_user, now=utcnow(), assessment=assessment,
                                           reference=form.foi_reference.data, received_on=form.received_on.data,
                                           summary=form.foi_summary.data or "")
            except ValidationError as error:
                db.session.rollback()
                form.foi_reference.errors = [str(error)]
            else:
                db.session.commit()
                flash("FOI request recorded", "success")
                return redirect(url_for(".foi", reference=reference))
    return render_template("publication/foi.html", assessment=assessment, form=form,
                           requests=service.foi_requests_for(assessment), may_publish=can_publish(current_user)), \
        400 if form.errors else 200


def _received(value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        abort(400, "Give the date the request was received, like 2018-03-15")


@bp.route("/<reference>/foi/s22")
def s22(reference: str):
    assessment = _assessment(reference)
    received = _received(request.args.get("received"))
    finding = service.s22_evidence(assessment, received=received, now=utcnow())
    return render_template("publication/s22.html", assessment=assessment, finding=finding, lines=s22_statement(finding))


@bp.route("/<reference>/foi/s22.pdf")
def s22_pdf(reference: str):
    assessment = _assessment(reference)
    received = _received(request.args.get("received"))
    finding = service.s22_evidence(assessment, received=received, now=utcnow())
    document = Document(
        organisation=current_app.config["ORGANISATION_NAME"], reference=assessment.reference,
        title=f"FOI Act s.22 evidence: {assessment.title}", team=assessment.team.name,
        regime=assessment.regime.label, revision=finding.intention.revision_number if finding.intention else 0,
        status="Evidence statement", written_on=f"{utcnow():%-d %B %Y}", approved_on=None, content_hash="",
        public=False, scope="Evidence for an FOI response",
        sections=(Section("s22", "Intention to publish",
                          tuple(Item(f"s22-{n}", label, text=text)
                                for n, (label, text) in enumerate(s22_statement(finding)))),))
    return build_pdf(document), 200, {"Content-Type": "application/pdf",
                                      "Content-Disposition": f"attachment; filename={reference}-s22-{received}.pdf"}
