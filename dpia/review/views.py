"""Review pages: submitting, requesting changes, comments, sign-off and approval, new revisions.

A blueprint nested in `assessments` (so its pages answer under `/assessments`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dpia.assessments.services.content import (
    RevisionContent,
    get_visible_assessment,
    get_visible_revision,
    load_content,
    revision_editors,
)
from dpia.core import clock
from dpia.core.errors import ValidationError
from dpia.core.transaction import attempt
from dpia.permissions import (
    can_comment,
    can_edit_revision,
    can_record_sign_off,
    can_start_revision,
    can_transition,
    independence_problem,
)
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action
from dpia.review.services.comments import add_comment, comment_threads, find_comment, unresolved_count
from dpia.review.services.comments import resolve_comment as resolve
from dpia.review.services.conditions import ConditionInput, find_condition, mark_condition_done
from dpia.review.services.revisions import DecisionInput, start_revision
from dpia.review.services.sign_off import approval_blockers, record_sign_off, sign_off_status
from dpia.review.services.workflow import BlockedError, transition
from forms.review import (
    CONDITION_ROWS,
    CommentForm,
    ConfirmForm,
    DecisionForm,
    NewRevisionForm,
    Outcome,
    RequestChangesForm,
    SignOffForm,
    outcome_mismatch,
    typed_conditions,
)

if TYPE_CHECKING:
    from dpia.assessments.models import Revision

bp = Blueprint("review", __name__)

SIMPLE_ACTIONS = {Action.WITHDRAW, Action.SEND_FOR_SIGN_OFF}
DONE = {Action.WITHDRAW: "withdrawn from review", Action.SEND_FOR_SIGN_OFF: "sent for sign-off"}


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
        try:
            with attempt():
                transition(actor=current_user, now=clock.now(), content=content, action=Action.SUBMIT,
                           note=form.note.data)
        except BlockedError:
            pass  # the page lists what blocks it
        else:
            flash(f"Revision {number} submitted for review", "success")
            return _task_list(revision)
    blockers = content.blockers()
    return render_template("review/submit.html", revision=revision, form=form, blockers=blockers,
                           editable=can_edit_revision(current_user, revision),
                           unresolved=unresolved_count(revision)), 400 if request.method == "POST" else 200


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
    except BlockedError as error:
        flash(f"Revision {number} cannot be {DONE[chosen]} yet: {len(error.blockers)} "
              f"{'thing needs' if len(error.blockers) == 1 else 'things need'} attention. They are listed below.",
              "important")
        return redirect(url_for("assessments.check_answers", reference=reference, number=number) + "#blockers")
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
    # Each question's comments link back to it: on its section page for the team that edits it, else on
    # the check-answers page, which every reader of the revision may open.
    editable = can_edit_revision(current_user, revision)
    question_links = {
        q.key: (url_for("assessments.section", reference=reference, number=number, section_key=s.key) if editable
                else url_for("assessments.check_answers", reference=reference, number=number)) + f"#{q.key}"
        for s in content.definition.sections for q in s.questions}
    return render_template("review/comments.html", revision=revision, form=form, threads=comment_threads(revision),
                           labels=labels, question_links=question_links,
                           may_comment=can_comment(current_user, revision),
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
    screening = content.screening_only
    form = SignOffForm()
    status_code = 200
    if request.method == "POST":
        try:
            kind = SignOffKind(form.kind.data or "")
        except ValueError:
            abort(400)
        if not can_record_sign_off(current_user, revision, kind, edited=edited, screening_only=screening):
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
    return _sign_off_page(content, form=form, decision_form=DecisionForm(formdata=None), edited=edited,
                          active=form.kind.data if request.method == "POST" else request.args.get("kind"),
                          status_code=status_code)


def _sign_off_page(content: RevisionContent, *, form, decision_form, edited: bool, active: str | None,
                   status_code: int = 200):
    revision = content.revision
    status = sign_off_status(content)
    advised = current_user.id in status.advisor_ids
    recordable = [kind for kind in status.shown_kinds
                  if can_record_sign_off(current_user, revision, kind, edited=edited,
                                         screening_only=status.screening_only)]
    decide = {action: can_transition(current_user, revision, action, edited=edited, advised=advised,
                                     screening_only=status.screening_only)
              for action in (Action.APPROVE, Action.REJECT)}
    return render_template(
        "review/sign_off.html", revision=revision, status=status, form=form, kinds=status.shown_kinds,
        recordable=recordable, active_kind=_active_kind(active, recordable), decision_form=decision_form,
        blockers=approval_blockers(content, status), edited=edited,
        independence=independence_problem(current_user, revision, edited=edited, advised=advised),
        may_approve=decide[Action.APPROVE], may_reject=decide[Action.REJECT], condition_rows=CONDITION_ROWS,
    ), status_code


@bp.route("/<reference>/revisions/<int:number>/decision", methods=["POST"])
def decide(reference: str, number: int):
    """The approver's decision: approve, approve with conditions, or reject with reasons."""
    revision = get_visible_revision(current_user, reference, number)
    content = load_content(revision)
    form = DecisionForm()
    if form.validate():
        outcome = Outcome(form.outcome.data)
        conditions = [ConditionInput(*row) for row in typed_conditions(form)]
        action = Action.REJECT if outcome is Outcome.REJECT else Action.APPROVE
        error = outcome_mismatch(outcome, bool(conditions))
        if error is None:
            try:
                with attempt():
                    transition(actor=current_user, now=clock.now(), content=content, action=action,
                               note=form.note.data, conditions=conditions)
            except ValidationError as refused:
                error = str(refused)
            else:
                with_conditions = f" with {len(conditions)} condition{'s' if len(conditions) > 1 else ''}"
                flash(f"Revision {number} {'rejected' if action is Action.REJECT else 'approved'}"
                      f"{with_conditions if conditions else ''}", "success")
                return _task_list(revision)
        form.outcome.errors = [error]
    return _sign_off_page(content, form=SignOffForm(formdata=None), decision_form=form, edited=_edited(revision),
                          active=None, status_code=400)


@bp.route("/<reference>/revisions/<int:number>/conditions/<int:condition_id>/done", methods=["POST"])
def condition_done(reference: str, number: int, condition_id: int):
    revision = get_visible_revision(current_user, reference, number)
    if not ConfirmForm().validate():
        abort(400)
    mark_condition_done(actor=current_user, now=clock.now(), revision=revision,
                        condition=find_condition(revision, condition_id))
    flash("Condition marked as done", "success")
    return _task_list(revision)


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
