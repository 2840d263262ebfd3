"""Review pages: submitting, requesting changes, comments, sign-off and approval, new revisions.

A blueprint nested in `assessments` (so its pages answer under `/assessments`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dpia.assessments.services.content import (
    get_visible_assessment,
    get_visible_revision,
    load_content,
    revision_editors,
)
from dpia.core import clock
from dpia.core.errors import ValidationError
from dpia.core.transaction import attempt
from dpia.permissions import can_comment, can_record_sign_off, can_start_revision, can_transition
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action
from dpia.review.services.comments import add_comment, comment_threads, find_comment, unresolved_count
from dpia.review.services.comments import resolve_comment as resolve
from dpia.review.services.revisions import DecisionInput, start_revision
from dpia.review.services.sign_off import record_sign_off, sign_off_status
from dpia.review.services.workflow import transition
from forms.review import CommentForm, ConfirmForm, NewRevisionForm, RequestChangesForm, SignOffForm

if TYPE_CHECKING:
    from dpia.assessments.models import Revision

bp = Blueprint("review", __name__)

SIMPLE_ACTIONS = {Action.WITHDRAW, Action.SEND_FOR_SIGN_OFF, Action.APPROVE, Action.REJECT}
DONE = {Action.WITHDRAW: "withdrawn from review", Action.SEND_FOR_SIGN_OFF: "sent for sign-off",
        Action.APPROVE: "approved", Action.REJECT: "rejected"}


def _task_list(revision: Revision):
    return redirect(url_for("assessments.task_list", reference=revision.assessment.reference,
                            number=revision.number))


def _edited(revision: Revision) -> bool:
    return current_user.id in revision_editors(revision)


@bp.route("/<reference>/revisions/<int:number>/submit", methods=["GET", "POST"])
def submit(reference: str, number: int):
    """Confirm submission, warning about unresolved comments and unfinished sections first."""
    revision = get_visible_revision(current_user, reference, number)
    if not can_transition(current_user, revision, Action.SUBMIT, edited=False):
        abort(403)
    content = load_content(revision)
    form = ConfirmForm()
    if form.validate_on_submit():
        transition(actor=current_user, now=clock.now(), content=content, action=Action.SUBMIT, note=form.note.data)
        flash(f"Revision {number} submitted for review", "success")
        return _task_list(revision)
    unfinished = [s for s in content.definition.sections if content.progress(s).missing]
    return render_template("review/submit.html", revision=revision, form=form, unfinished=unfinished,
                           unresolved=unresolved_count(revision))


@bp.route("/<reference>/revisions/<int:number>/request-changes", methods=["GET", "POST"])
def request_changes(reference: str, number: int):
    revision = get_visible_revision(current_user, reference, number)
    if not can_transition(current_user, revision, Action.REQUEST_CHANGES, edited=_edited(revision)):
        abort(403)
    form = RequestChangesForm()
    if form.validate_on_submit():
        transition(actor=current_user, now=clock.now(), content=load_content(revision),
                   action=Action.REQUEST_CHANGES, note=form.note.data)
        flash(f"Changes requested on revision {number}", "success")
        return _task_list(revision)
    return render_template("review/request_changes.html", revision=revision, form=form), \
        400 if form.errors else 200


@bp.route("/<reference>/revisions/<int:number>/actions/<action>", methods=["POST"])
def act(reference: str, number: int, action: str):
    """The buttons that need no more than a confirmation: withdraw, send for sign-off, approve, reject."""
    revision = get_visible_revision(current_user, reference, number)
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
        with attempt():
            transition(actor=current_user, now=clock.now(), content=load_content(revision), action=chosen,
                       note=form.note.data)
    except ValidationError as error:
        flash(str(error), "important")
        return redirect(url_for(".sign_off", reference=reference, number=number))
    flash(f"Revision {number} {DONE[chosen]}", "success")
    return _task_list(revision)


@bp.route("/<reference>/revisions/<int:number>/comments", methods=["GET", "POST"])
def comments(reference: str, number: int):
    revision = get_visible_revision(current_user, reference, number)
    content = load_content(revision)
    form = CommentForm()
    form.question_key.choices = [("", "The whole revision")] + [
        (q.key, f"{s.title}: {q.label}") for s in content.definition.sections for q in s.questions]
    if request.method == "GET" and request.args.get("question"):
        form.question_key.data = request.args["question"]
    if form.validate_on_submit():
        digits = form.parent_id.data
        parent = find_comment(revision, digits) if digits else None
        add_comment(actor=current_user, now=clock.now(), content=content, body=form.body.data,
                    question_key=form.question_key.data or None, parent=parent)
        flash("Comment added", "success")
        return redirect(url_for(".comments", reference=reference, number=number))
    labels = {q.key: q.label for q in content.definition.questions}
    return render_template("review/comments.html", revision=revision, form=form, threads=comment_threads(revision),
                           labels=labels, may_comment=can_comment(current_user, revision),
                           resolve_form=ConfirmForm()), 400 if form.errors else 200


@bp.route("/<reference>/revisions/<int:number>/comments/<int:comment_id>/resolve", methods=["POST"])
def resolve_comment(reference: str, number: int, comment_id: int):
    revision = get_visible_revision(current_user, reference, number)
    comment = find_comment(revision, str(comment_id))
    if not ConfirmForm().validate():
        abort(400)
    resolve(actor=current_user, now=clock.now(), revision=revision, comment=comment)
    flash("Comment resolved", "success")
    return redirect(url_for(".comments", reference=reference, number=number))


@bp.route("/<reference>/revisions/<int:number>/sign-off", methods=["GET", "POST"])
def sign_off(reference: str, number: int):
    revision = get_visible_revision(current_user, reference, number)
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
            outcome = record_sign_off(actor=current_user, now=clock.now(), content=content, kind=kind,
                                      position=form.position.data, notes=form.notes.data,
                                      raw={name: field.data for name, field in form._fields.items()})
            if not outcome.errors:
                flash(f"“{kind.label}” recorded", "success")
                return redirect(url_for(".sign_off", reference=reference, number=number))
            for name, message in outcome.errors.items():
                form[name].errors = [message]
        status_code = 400
    status = sign_off_status(content)
    recordable = [kind for kind in SignOffKind
                  if can_record_sign_off(current_user, revision, kind, edited=edited)
                  and (kind is not SignOffKind.PRIOR_CONSULTATION or status.prior_consultation_needed)]
    shown = [kind for kind in SignOffKind
             if kind is not SignOffKind.PRIOR_CONSULTATION or status.prior_consultation_needed
             or kind in status.latest]
    return render_template(
        "review/sign_off.html", revision=revision, status=status, form=form, kinds=shown,
        recordable=recordable,
        active_kind=_active_kind(form.kind.data if request.method == "POST" else request.args.get("kind"),
                                 recordable),
        confirm=ConfirmForm(), edited=edited,
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
    assessment = get_visible_assessment(current_user, reference)
    latest = max(assessment.revisions, key=lambda r: r.number)
    if not can_start_revision(current_user, assessment, latest.state):
        abort(403)
    form = NewRevisionForm()
    if form.validate_on_submit():
        revision = start_revision(
            actor=current_user, now=clock.now(), assessment=assessment, rationale=form.rationale.data,
            decisions=[DecisionInput(form.decided_on.data, form.decision.data.strip(), form.made_by.data.strip(),
                                     form.forum.data.strip())])
        flash(f"Revision {revision.number} started from revision {latest.number}", "success")
        return _task_list(revision)
    return render_template("review/new_revision.html", assessment=assessment, latest=latest, form=form), \
        400 if form.errors else 200
