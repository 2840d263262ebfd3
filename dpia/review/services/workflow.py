"""The one transition function: the state table, the role rules and the guards, then one audit row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.assessments.rules.completeness import Blocker
from dpia.assessments.services.content import RevisionContent, revision_editors
from dpia.core.audit.services import record_event
from dpia.core.errors import InvalidTransitionError, ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_mark_condition_done, can_start_revision, can_transition, independence_problem
from dpia.review.models import ApprovalCondition, Comment, Decision
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState, next_state
from dpia.review.services.comments import unresolved_count
from dpia.review.services.conditions import ConditionInput, add_conditions, condition_problems, conditions_of
from dpia.review.services.revisions import revision_decisions
from dpia.review.services.sign_off import approval_blockers, sign_off_status

GATED = frozenset({Action.SUBMIT, Action.SEND_FOR_SIGN_OFF, Action.APPROVE})


class BlockedError(ValidationError):
    """A completeness gate refuses the transition; `blockers` says what to fix, and where."""

    def __init__(self, action: Action, blockers: Sequence[Blocker]) -> None:
        count = len(blockers)
        noun = "thing needs" if count == 1 else "things need"
        super().__init__(f"The revision cannot be {DONE_WORDS[action]} yet: {count} {noun} attention. "
                         + " ".join(f"{b}." for b in blockers))
        self.blockers = tuple(blockers)


DONE_WORDS = {Action.SUBMIT: "submitted", Action.SEND_FOR_SIGN_OFF: "sent for sign-off", Action.APPROVE: "approved"}


def transition(*, actor: User, now: datetime, content: RevisionContent, action: Action, note: str | None = None,
               conditions: Sequence[ConditionInput] = ()) -> RevisionState:
    """Move a revision through the workflow: the table, the role rules and the gates, then one audit row.

    Submitting, sending for sign-off and approving are refused while the content is incomplete; approving
    also while a sign-off row is missing or signed for other content.

    :param conditions: the conditions an approval is given with (approve only).
    :raise InvalidTransitionError: the state does not allow `action`.
    :raise PermissionDeniedError: the actor may not take it (their own team's work, work they edited,
        advice they gave).
    :raise BlockedError: a completeness gate fails; `blockers` lists what to fix.
    :raise ValidationError: the note or the conditions are missing something.
    """
    revision = content.revision
    target = next_state(revision.state, action)
    if target is None:
        raise InvalidTransitionError(f"A revision that is {revision.state.label.lower()} cannot be "
                                     f"{'approved' if action is Action.APPROVE else action.label.lower()}")
    edited = actor.id in revision_editors(revision)
    status = sign_off_status(content) if action in (Action.APPROVE, Action.REJECT) else None
    advised = status is not None and actor.id in status.advisor_ids
    require(can_transition(actor, revision, action, edited=edited, advised=advised,
                           screening_only=content.screening_only),
            independence_problem(actor, revision, edited=edited, advised=advised)
            or "You do not have permission to do that")
    note = (note or "").strip() or None
    if action is Action.REQUEST_CHANGES and not note:
        raise ValidationError("Say what needs to change")
    if action is Action.REJECT and not note:
        raise ValidationError("Give the reasons for rejecting the revision")
    if conditions and action is not Action.APPROVE:
        raise ValidationError("Only an approval can have conditions")
    if action in GATED:
        blockers = approval_blockers(content, status) if status is not None else content.blockers()
        if blockers:
            raise BlockedError(action, blockers)
    if action is Action.APPROVE:
        problems = condition_problems(conditions, today=now.date())
        if problems:
            raise ValidationError("; ".join(problems))
        review = status.latest.get(SignOffKind.KEPT_UNDER_REVIEW) if status else None
        revision.approved_at, revision.approved_by_id = now, actor.id
        revision.next_review_on = date.fromisoformat(review.details["next_review_date"]) if review else None
        _supersede_earlier(actor=actor, now=now, revision=revision)
    if action is Action.SUBMIT:
        revision.submitted_at = now
    previous = revision.state
    revision.state = target
    db.session.flush()
    if conditions:
        add_conditions(actor=actor, now=now, revision=revision, conditions=conditions)
    if note:
        db.session.add(Comment(revision_id=revision.id, author_id=actor.id, body=note, created_at=now))
    record_event(actor=actor, now=now, action=f"revision.{action.value}", object_type="revision",
                 object_id=revision.id, summary={"from": previous.value, "to": target.value,
                                                 "revision": revision.number, "conditions": len(conditions)})
    return target


def _supersede_earlier(*, actor: User, now: datetime, revision: Revision) -> None:
    """The newly approved revision becomes the version of record; the one before is superseded."""
    earlier = db.session.scalars(select(Revision).where(Revision.assessment_id == revision.assessment_id,
                                                        Revision.state == RevisionState.APPROVED,
                                                        Revision.id != revision.id))
    for old in earlier:
        old.state = RevisionState.SUPERSEDED
        old.next_review_on = None
        record_event(actor=actor, now=now, action="revision.supersede", object_type="revision", object_id=old.id,
                     summary={"from": "approved", "to": "superseded", "revision": old.number,
                              "superseded_by": revision.number})


@dataclass(frozen=True)
class ReviewPanel:
    """What the actor can do with a revision's review, for its task list."""

    unresolved: int
    may_submit: bool
    may_withdraw: bool
    may_request_changes: bool
    may_send_for_sign_off: bool
    sign_off_visible: bool
    may_start_revision: bool
    edited: bool
    independence: str | None = None  # why the actor may not review or decide on it, when they hold the role
    decisions: list[Decision] = field(default_factory=list)
    based_on: int | None = None
    conditions: list[ApprovalCondition] = field(default_factory=list)
    may_mark_conditions_done: bool = False


def review_panel(actor: User, revision: Revision) -> ReviewPanel:
    """The review actions open to `actor` on `revision`, with its unresolved comments and decisions."""
    edited = actor.id in revision_editors(revision)
    revisions = revision.assessment.revisions
    latest = max(revisions, key=lambda r: r.number)
    return ReviewPanel(
        unresolved=unresolved_count(revision),
        may_submit=can_transition(actor, revision, Action.SUBMIT, edited=edited),
        may_withdraw=can_transition(actor, revision, Action.WITHDRAW, edited=edited),
        may_request_changes=can_transition(actor, revision, Action.REQUEST_CHANGES, edited=edited),
        may_send_for_sign_off=can_transition(actor, revision, Action.SEND_FOR_SIGN_OFF, edited=edited),
        sign_off_visible=revision.state.has_sign_off,
        may_start_revision=latest.id == revision.id and can_start_revision(actor, revision.assessment,
                                                                           revision.state),
        edited=edited,
        independence=independence_problem(actor, revision, edited=edited),
        decisions=revision_decisions(revision),
        based_on=next((r.number for r in revisions if r.id == revision.based_on_id), None),
        conditions=conditions_of(revision) if revision.approved_at else [],
        may_mark_conditions_done=can_mark_condition_done(actor, revision),
    )
