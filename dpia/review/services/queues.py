"""The queues dashboards show: what waits for review, reviews due, unresolved comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from dpia.accounts.models import User
from dpia.assessments.models import Assessment, Revision
from dpia.core.extensions import db
from dpia.review.models import Comment, SignOff
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import OPEN_STATES, RevisionState


@dataclass(frozen=True)
class QueueItem:
    reference: str
    title: str
    number: int
    state: RevisionState
    since: datetime | None
    due: date | None = None
    overdue: bool = False
    count: int = 0


def _queue_query():
    return (select(Assessment.reference, Assessment.title, Revision.number, Revision.state, Revision.submitted_at,
                   Revision.next_review_on)
            .join(Revision, Revision.assessment_id == Assessment.id))


def waiting_for_review() -> list[QueueItem]:
    """Revisions submitted for review or awaiting sign-off, oldest first."""
    rows = db.session.execute(_queue_query().where(Revision.state.in_([RevisionState.SUBMITTED,
                                                                       RevisionState.AWAITING_SIGN_OFF]))
                              .order_by(Revision.submitted_at))
    return [QueueItem(ref, title, number, state, since) for ref, title, number, state, since, _ in rows]


def _advice_recorded():
    return (select(SignOff.id).where(SignOff.revision_id == Revision.id, SignOff.kind == SignOffKind.DPO_ADVICE)
            .exists())


def awaiting_dpo_advice() -> list[QueueItem]:
    """Revisions awaiting sign-off on which no DPO has given advice yet (the DPO's queue), oldest first."""
    rows = db.session.execute(_queue_query().where(Revision.state == RevisionState.AWAITING_SIGN_OFF,
                                                   ~_advice_recorded())
                              .order_by(Revision.submitted_at))
    return [QueueItem(ref, title, number, state, since) for ref, title, number, state, since, _ in rows]


def awaiting_decision() -> list[QueueItem]:
    """Revisions awaiting sign-off that have the DPO's advice, so an approver can decide (the approver's
    queue), oldest first."""
    rows = db.session.execute(_queue_query().where(Revision.state == RevisionState.AWAITING_SIGN_OFF,
                                                   _advice_recorded())
                              .order_by(Revision.submitted_at))
    return [QueueItem(ref, title, number, state, since) for ref, title, number, state, since, _ in rows]


def reviews_due(today: date, *, within_days: int = 30) -> list[QueueItem]:
    """Approved revisions whose next review is overdue or falls within `within_days`."""
    horizon = today + timedelta(days=within_days)
    rows = db.session.execute(_queue_query().where(Revision.state == RevisionState.APPROVED,
                                                   Revision.next_review_on.is_not(None),
                                                   Revision.next_review_on <= horizon)
                              .order_by(Revision.next_review_on))
    return [QueueItem(ref, title, number, state, since, due, due < today)
            for ref, title, number, state, since, due in rows]


def unresolved_comment_queue(actor: User) -> list[QueueItem]:
    """Open revisions of the actor's teams that have unresolved comments, with how many."""
    if not actor.team_ids:
        return []
    rows = db.session.execute(
        _queue_query().add_columns(func.count(Comment.id))
        .join(Comment, (Comment.revision_id == Revision.id) & Comment.parent_id.is_(None)
              & Comment.resolved_at.is_(None))
        .where(Assessment.team_id.in_(actor.team_ids), Revision.state.in_(list(OPEN_STATES)))
        .group_by(Assessment.reference, Assessment.title, Revision.number, Revision.state, Revision.submitted_at,
                  Revision.next_review_on)
        .order_by(Assessment.reference))
    return [QueueItem(ref, title, number, state, since, count=count)
            for ref, title, number, state, since, _, count in rows]
