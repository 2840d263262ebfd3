"""Review pages: submitting, requesting changes, comments, sign-off and approval, new revisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dpia.domain.clock import utcnow
from dpia.domain.errors import ValidationError
from dpia.domain.permissions import (
    can_comment,
    can_record_sign_off,
    can_start_revision,
    can_transition,
    can_view_assessment,
)
from dpia.domain.signoff import CONSULTATION_OUTCOME_LABELS, SignOffKind
from dpia.domain.states import Action, RevisionState
from dpia.extensions import db
from dpia.models import Assessment, Comment, Revision
from dpia.services import review as review_service
from dpia.services.answers import load_content
from forms.review import CommentForm, ConfirmForm, NewRevisionForm, RequestChangesForm, SignOffForm

bp = Blueprint("review", __name__, url_prefix="/assessments")

SIMPLE_ACTIONS = {Action.WITHDRAW, Action.SEND_FOR_SIGN_OFF, Action.APPROVE, Action.REJECT}
DONE = {Action.WITHDRAW: "withdrawn from review", Action.SEND_FOR_SIGN_OFF: "sent for sign-off",
        Action.APPROVE: "approved", Action.REJECT: "rejected"}


def _revision(reference: str, number: int) -> Revision:
    revision = db.session.scalar(
        select(Revision).join(Assessment).where(Assessment.reference == reference, Revision.number == number)
        .options(joinedload(Revision.assessment).joinedload(Assessment.team),
                 joinedload(Revision.questionnaire_version)))
    if revision is None or not can_view_assessment(current_user, revision.assessment):
        abort(404)
    return revision


def _task_list(revision: Revision):
    return redirect(url_for("assessments.task_list", reference=revision.assessment.reference,
                            number=revision.number))


def _edited(revision: Revision) -> bool:
    return current_user.id in review_service.editor_ids(revision)


@bp.route("/<reference>/revisions/<int:number>/submit", methods=["GET", "POST"])
def submit(reference: str, number: int):
    """Confirm submission, warning about unresolved comments and unfinished sections first."""
    revision = _revision(reference, number)
    if not can_transition(current_user, revision, Action.SUBMIT, edited=False):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        review_service.transition(actor=current_user, now=utcnow(), revision=revision, action=Action.SUBMIT,
                                  note=form.note.data)
        db.session.commit()
        flash(f"Revision {number} submitted for review", "success")
        return _task_list(revision)
    content = load_content(revision)
    unfinished = [s for s in content.definition.sections if content.progress(s).missing]
    return render_template("review/submit.html", revision=revision, form=form, unfinished=unfinished,
                           unresolved=review_service.unresolved_count(revision))


@bp.route("/<reference>/revisions/<int:number>/request-changes", methods=["GET", "POST"])
def request_changes(reference: str, number: int):
    revision = _revision(reference, number)
    if not can_transition(current_user, revision, Action.REQUEST_CHANGES, edited=_edited(revision)):
        abort(403)
    form = RequestChangesForm()
    if form.validate_on_submit():
        review_service.transition(actor=current_user, now=utcnow(), revision=revision,
                                  action=Action.REQUEST_CHANGES, note=form.note.data)
        db.session.commit()
        flash(f"Changes requested on revision {number}", "success")
        return _task_list(revision)
    return render_template("review/request_changes.html", revision=revision, form=form), \
        400 if form.errors else 200


@bp.route("/<reference>/revisions/<int:number>/actions/<action>", methods=["POST"])
def act(reference: str, number: int, action: str):
    """The buttons that need no more than a confirmation: withdraw, send for sign-off, approve, reject."""
    revision = _revision(reference, number)
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    if chosen not in SIMPLE_ACTIONS:
        abort(404)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    try:
        review_service.transition(actor=current_user, now=utcnow(), revision=revision, action=chosen,
                                  note=form.note.data)
    except ValidationError as error:
        db.session.rollback()
        flash(str(error), "important")
        return redirect(url_for(".sign_off", reference=reference, number=number))
    db.session.commit()
    flash(f"Revision {number} {DONE[chosen]}", "success")
    return _task_list(revision)


@bp.route("/<reference>/revisions/<int:number>/comments", methods=["GET", "POST"])
def comments(reference: str, number: int):
    revision = _revision(reference, number)
    content = load_content(revision)
    form = CommentForm()
    form.question_key.choices = [("", "The whole revision")] + [
        (q.key, f"{s.title}: {q.label}") for s in content.definition.sections for q in s.questions]
    if request.method == "GET" and request.args.get("question"):
        form.question_key.data = request.args["question"]
    if form.validate_on_submit():
        parent = None
        if form.parent_id.data:
            digits = form.parent_id.data
            parent = db.session.get(Comment, int(digits)) if digits.isdigit() and len(digits) < 10 else None
            if parent is None:
                abort(404)
        review_service.add_comment(actor=current_user, now=utcnow(), revision=revision, body=form.body.data,
                                   question_key=form.question_key.data or None, parent=parent)
        db.session.commit()
        flash("Comment added", "success")
        return redirect(url_for(".comments", reference=reference, number=number))
    threads = review_service.comment_threads(revision)
    labels = {q.key: q.label for q in content.definition.questions}
    return render_template("review/comments.html", revision=revision, form=form, threads=threads, labels=labels,
                           may_comment=can_comment(current_user, revision),
                           resolve_form=ConfirmForm()), 400 if form.errors else 200


@bp.route("/<reference>/revisions/<int:number>/comments/<int:comment_id>/resolve", methods=["POST"])
def resolve_comment(reference: str, number: int, comment_id: int):
    revision = _revision(reference, number)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.revision_id != revision.id:
        abort(404)
    if not ConfirmForm().validate():
        abort(400)
    review_service.resolve_comment(actor=current_user, now=utcnow(), revision=revision, comment=comment)
    db.session.commit()
    flash("Comment resolved", "success")
    return redirect(url_for(".comments", reference=reference, number=number))


@bp.route("/<reference>/revisions/<int:number>/sign-off", methods=["GET", "POST"])
def sign_off(reference: str, number: int):
    revision = _revision(reference, number)
    content = load_content(revision)
    edited = _edited(revision)
    form = SignOffForm()
    status_code = 200
    if request.method == "POST":
        try:
            kind = SignOffKind(form.kind.data or "")
        except ValueError:
            abort(400)
        if not can_record_sign_off(current_user, revision, kind, edited=edited):
            abort(403)
        if form.validate():
            outcome = review_service.record_sign_off(
                actor=current_user, now=utcnow(), revision=revision, kind=kind, position=form.position.data,
                notes=form.notes.data, raw={name: field.data for name, field in form._fields.items()})
            if not outcome.errors:
                db.session.commit()
                flash(f"“{kind.label}” recorded", "success")
                return redirect(url_for(".sign_off", reference=reference, number=number))
            for name, message in outcome.errors.items():
                form[name].errors = [message]
        status_code = 400
    status = review_service.sign_off_status(revision, content)
    recordable = [kind for kind in SignOffKind
                  if can_record_sign_off(current_user, revision, kind, edited=edited)
                  and (kind is not SignOffKind.PRIOR_CONSULTATION or status.prior_consultation_needed)]
    return render_template(
        "review/sign_off.html", revision=revision, status=status, form=form, kinds=list(SignOffKind),
        recordable=recordable,
        active_kind=_active_kind(form.kind.data if request.method == "POST" else request.args.get("kind"),
                                 recordable),
        outcome_labels=CONSULTATION_OUTCOME_LABELS, confirm=ConfirmForm(), edited=edited,
        may_approve=can_transition(current_user, revision, Action.APPROVE, edited=edited),
        may_reject=can_transition(current_user, revision, Action.REJECT, edited=edited),
    ), status_code


def _active_kind(value: str | None, recordable: list[SignOffKind]) -> SignOffKind | None:
    try:
        kind = SignOffKind(value or "")
    except ValueError:
        return None
    return kind if kind in recordable else None


@bp.route("/<reference>/revisions/new", methods=["GET", "POST"])
def new_revision(reference: str):
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == reference))
    if assessment is None or not can_view_assessment(current_user, assessment):
        abort(404)
    latest = max(assessment.revisions, key=lambda r: r.number)
    if not can_start_revision(current_user, assessment, latest.state):
        abort(403)
    form = NewRevisionForm()
    if form.validate_on_submit():
        revision = review_service.start_revision(
            actor=current_user, now=utcnow(), assessment=assessment, rationale=form.rationale.data,
            decisions=[review_service.DecisionInput(form.decided_on.data, form.decision.data.strip(),
                                                    form.made_by.data.strip(), form.forum.data.strip())])
        db.session.commit()
        flash(f"Revision {revision.number} started from revision {latest.number}", "success")
        return _task_list(revision)
    return render_template("review/new_revision.html", assessment=assessment, latest=latest, form=form), \
        400 if form.errors else 200


@dataclass(frozen=True)
class ReviewPanel:
    """What the current user can do with a revision's review, for the task list."""

    unresolved: int
    may_submit: bool
    may_withdraw: bool
    may_request_changes: bool
    may_send_for_sign_off: bool
    sign_off_visible: bool
    may_start_revision: bool
    edited: bool
    decisions: list = field(default_factory=list)
    based_on: int | None = None


def review_panel(revision: Revision) -> ReviewPanel:
    edited = _edited(revision)
    latest = max(revision.assessment.revisions, key=lambda r: r.number)
    return ReviewPanel(
        unresolved=review_service.unresolved_count(revision),
        may_submit=can_transition(current_user, revision, Action.SUBMIT, edited=edited),
        may_withdraw=can_transition(current_user, revision, Action.WITHDRAW, edited=edited),
        may_request_changes=can_transition(current_user, revision, Action.REQUEST_CHANGES, edited=edited),
        may_send_for_sign_off=can_transition(current_user, revision, Action.SEND_FOR_SIGN_OFF, edited=edited),
        sign_off_visible=revision.state in (RevisionState.AWAITING_SIGN_OFF, RevisionState.APPROVED,
                                            RevisionState.SUPERSEDED, RevisionState.REJECTED),
        may_start_revision=latest.id == revision.id and can_start_revision(current_user, revision.assessment,
                                                                           revision.state),
        edited=edited,
        decisions=review_service.decisions_for(revision),
        based_on=next((r.number for r in revision.assessment.revisions if r.id == revision.based_on_id), None),
    )
