"""The queues dashboards show: what waits for review, reviews due, unresolved comments.

Each returns one page (`Page`) and the queue's total from one statement: filtering, ordering, counting
and cutting the page happen in the database, whatever the size of the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from dpia.accounts.models import User
from dpia.assessments.models import Assessment, Revision
from dpia.assessments.services.assessments import capped_page_of, page_of
from dpia.core.pagination import Page
from dpia.review.models import Comment, SignOff
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import OPEN_STATES, RevisionState

REVIEWS_COUNTED = 1000


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


def _queue_query() -> Select[Any]:
    return (select(Assessment.reference, Assessment.title, Revision.number, Revision.state, Revision.submitted_at)
            .join(Revision, Revision.assessment_id == Assessment.id))


def _oldest_first(query: Select[Any], number: int, per_page: int) -> Page[QueueItem]:
    return page_of(query.order_by(Revision.submitted_at, Revision.id), lambda row: QueueItem(*row),
                   number=number, per_page=per_page)


def waiting_for_review(*, number: int = 1, per_page: int = 20) -> Page[QueueItem]:
    """Revisions submitted for review or awaiting sign-off, oldest first."""
    return _oldest_first(_queue_query().where(Revision.state.in_([RevisionState.SUBMITTED,
                                                                  RevisionState.AWAITING_SIGN_OFF])),
                         number, per_page)


def _advice_recorded():  # noqa: ANN202
    return (select(SignOff.id).where(SignOff.revision_id == Revision.id, SignOff.kind == SignOffKind.DPO_ADVICE)
            .exists())


def awaiting_dpo_advice(*, number: int = 1, per_page: int = 20) -> Page[QueueItem]:
    """Revisions awaiting sign-off on which no DPO has given advice yet (the DPO's queue), oldest first."""
    return _oldest_first(_queue_query().where(Revision.state == RevisionState.AWAITING_SIGN_OFF,
                                              ~_advice_recorded()), number, per_page)


def awaiting_decision(*, number: int = 1, per_page: int = 20) -> Page[QueueItem]:
    """Revisions awaiting sign-off that have the DPO's advice, so an approver can decide (the approver's
    queue), oldest first."""
    return _oldest_first(_queue_query().where(Revision.state == RevisionState.AWAITING_SIGN_OFF,
                                              _advice_recorded()), number, per_page)


def reviews_due(today: date, *, within_days: int = 30, number: int = 1, per_page: int = 20) -> Page[QueueItem]:
    """Approved revisions whose next review is overdue or falls within `within_days`, soonest first."""
    horizon = today + timedelta(days=within_days)
    query = (_queue_query().add_columns(Revision.next_review_on)
             .where(Revision.state == RevisionState.APPROVED, Revision.next_review_on.is_not(None),
                    Revision.next_review_on <= horizon))
    # Every approved revision comes due in time: on a register years old this is most of them, so
    # it is counted only as far as REVIEWS_COUNTED (the soonest due come first).
    return capped_page_of(query, lambda row: QueueItem(*row, overdue=row[5] < today),
                          order_by=(Revision.next_review_on, Revision.id), number=number, per_page=per_page,
                          cap=REVIEWS_COUNTED)


def unresolved_comment_queue(actor: User, *, number: int = 1, per_page: int = 20) -> Page[QueueItem]:
    """Open revisions of the actor's teams that have unresolved comments, with how many."""
    if not actor.team_ids:
        return Page([], number, per_page, 0)
    query = (_queue_query().add_columns(func.count(Comment.id))
             .join(Comment, (Comment.revision_id == Revision.id) & Comment.parent_id.is_(None)
                   & Comment.resolved_at.is_(None))
             .where(Assessment.team_id.in_(actor.team_ids), Revision.state.in_(list(OPEN_STATES)))
             .group_by(Revision.id, Assessment.reference, Assessment.title, Revision.number, Revision.state,
                       Revision.submitted_at)
             .order_by(Assessment.reference, Revision.number))
    return page_of(query, lambda row: QueueItem(*row[:5], count=row[5]), number=number, per_page=per_page)
