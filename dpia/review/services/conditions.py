"""Conditions of approval: actions the approver attaches to an approval, each with an owner and a due date,
open on the team's and the approver's dashboards until someone marks them done."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from dpia.accounts.models import User
from dpia.accounts.rules import Role
from dpia.assessments.models import Assessment, Revision
from dpia.assessments.services.assessments import page_of
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.lookups import row_of_revision
from dpia.core.pagination import Page
from dpia.core.permissions import has_any_role, require
from dpia.permissions import can_mark_condition_done
from dpia.review.models import ApprovalCondition

ACTION_MAX = 2_000
OWNER_MAX = 200


@dataclass(frozen=True)
class ConditionInput:
    """A condition as the approver typed it."""

    action: str
    owner: str
    due_on: date | None


def condition_problems(conditions: Sequence[ConditionInput], *, today: date) -> list[str]:
    """What is wrong with the conditions typed (empty when each has an action, an owner and a due date)."""
    problems: list[str] = []
    for number, condition in enumerate(conditions, start=1):
        if not condition.action.strip():
            problems.append(f"Condition {number}: say what must be done")
        elif len(condition.action) > ACTION_MAX:
            problems.append(f"Condition {number}: keep the action to {ACTION_MAX:,} characters or fewer")
        if not condition.owner.strip():
            problems.append(f"Condition {number}: say who owns it")
        elif len(condition.owner) > OWNER_MAX:
            problems.append(f"Condition {number}: keep the owner to {OWNER_MAX} characters or fewer")
        if condition.due_on is None:
            problems.append(f"Condition {number}: give the date it is due")
        elif condition.due_on < today:
            problems.append(f"Condition {number}: the due date has already passed")
    return problems


def add_conditions(*, actor: User, now: datetime, revision: Revision,
                   conditions: Sequence[ConditionInput]) -> list[ApprovalCondition]:
    """Attach conditions to the approval being recorded (called by the transition that approves)."""
    made = [ApprovalCondition(revision_id=revision.id, position=position, action=c.action.strip(),
                              owner=c.owner.strip(), due_on=c.due_on, created_at=now, created_by_id=actor.id)
            for position, c in enumerate(conditions, start=1)]
    db.session.add_all(made)
    db.session.flush()
    return made


def conditions_of(revision: Revision) -> list[ApprovalCondition]:
    """The revision's conditions of approval, in the order the approver gave them."""
    return list(db.session.scalars(select(ApprovalCondition).where(ApprovalCondition.revision_id == revision.id)
                                   .order_by(ApprovalCondition.position)))


def find_condition(revision: Revision, condition_id: int) -> ApprovalCondition:
    """:raise NotFoundError: the revision has no such condition."""
    return row_of_revision(ApprovalCondition, condition_id, revision_id=revision.id, what="condition")


def mark_condition_done(*, actor: User, now: datetime, revision: Revision, condition: ApprovalCondition,
                        note: str | None = None) -> None:
    """Record that a condition has been met; it leaves the dashboards and the record says when."""
    require(can_mark_condition_done(actor, revision),
            "Only the team that owns the assessment, or an approver, can mark a condition done")
    note = (note or "").strip() or None
    if note and len(note) > ACTION_MAX:
        raise ValidationError(f"Keep the note to {ACTION_MAX:,} characters or fewer")
    if condition.done_at is None:
        condition.done_at, condition.done_by_id, condition.done_note = now, actor.id, note
        db.session.flush()
        record_event(actor=actor, now=now, action="condition.done", object_type="revision", object_id=revision.id,
                     summary={"condition": condition.id, "position": condition.position})


@dataclass(frozen=True)
class OpenCondition:
    """One open condition for a dashboard."""

    id: int
    reference: str
    title: str
    number: int
    action: str
    owner: str
    due_on: date
    overdue: bool


def open_conditions(actor: User, *, today: date, number: int = 1, per_page: int = 20) -> Page[OpenCondition]:
    """Open conditions the actor must see: their teams' (to meet them), and those of the revisions they
    approved (to check they are met). One page and the total in one statement, soonest due first."""
    approver = has_any_role(actor, {Role.APPROVER})
    if not actor.team_ids and not approver:
        return Page([], number, per_page, 0)
    mine = Assessment.team_id.in_(actor.team_ids or {-1})
    if approver:
        mine = mine | (Revision.approved_by_id == actor.id)
    query = (
        select(ApprovalCondition.id, Assessment.reference, Assessment.title, Revision.number,
               ApprovalCondition.action, ApprovalCondition.owner, ApprovalCondition.due_on)
        .join(Revision, Revision.id == ApprovalCondition.revision_id)
        .join(Assessment, Assessment.id == Revision.assessment_id)
        .where(ApprovalCondition.done_at.is_(None), mine)
        .order_by(ApprovalCondition.due_on, Assessment.reference, Revision.number, ApprovalCondition.position))
    return page_of(query, lambda row: OpenCondition(*row, overdue=row[6] < today), number=number,
                   per_page=per_page)
