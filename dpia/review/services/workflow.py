"""The one transition function: the state table, the role rules and the guards, then one audit row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.assessments.services.content import RevisionContent, revision_editors
from dpia.core.audit.services import record_event
from dpia.core.errors import InvalidTransitionError, ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_start_revision, can_transition
from dpia.review.models import Comment, Decision
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState, next_state
from dpia.review.services.comments import unresolved_count
from dpia.review.services.revisions import revision_decisions
from dpia.review.services.sign_off import sign_off_status


def transition(*, actor: User, now: datetime, content: RevisionContent, action: Action,
               note: str | None = None) -> RevisionState:
    """Move a revision through the workflow: the table, the role rules and the guards, then one audit row.

    :raise InvalidTransitionError: the state does not allow `action`.
    :raise PermissionDeniedError: the actor may not take it (including on their own work).
    :raise ValidationError: a guard fails, e.g. approval before the DPO's advice is recorded.
    """
    revision = content.revision
    target = next_state(revision.state, action)
    if target is None:
        raise InvalidTransitionError(f"A revision that is {revision.state.label.lower()} cannot be "
                                     f"{'approved' if action is Action.APPROVE else action.label.lower()}")
    edited = actor.id in revision_editors(revision)
    require(can_transition(actor, revision, action, edited=edited),
            "You cannot do this to a revision you worked on" if edited else "You do not have permission to do that")
    note = (note or "").strip() or None
    if action is Action.REQUEST_CHANGES and not note:
        raise ValidationError("Say what needs to change")
    if action is Action.APPROVE:
        status = sign_off_status(content)
        if status.problems:
            raise ValidationError(" ".join(status.problems))
        review = status.latest.get(SignOffKind.KEPT_UNDER_REVIEW)
        revision.approved_at = now
        revision.next_review_on = date.fromisoformat(review.details["next_review_date"]) if review else None
        _supersede_earlier(actor=actor, now=now, revision=revision)
    if action is Action.SUBMIT:
        revision.submitted_at = now
    previous = revision.state
    revision.state = target
    db.session.flush()
    if note:
        db.session.add(Comment(revision_id=revision.id, author_id=actor.id, body=note, created_at=now))
    record_event(actor=actor, now=now, action=f"revision.{action.value}", object_type="revision",
                 object_id=revision.id, summary={"from": previous.value, "to": target.value,
                                                 "revision": revision.number})
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
    decisions: list[Decision] = field(default_factory=list)
    based_on: int | None = None


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
        decisions=revision_decisions(revision),
        based_on=next((r.number for r in revisions if r.id == revision.based_on_id), None),
    )
