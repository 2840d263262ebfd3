"""New revisions: copying the approved one, with the rationale and the decisions behind it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select

from dpia.accounts.models import User
from dpia.assessments.models import ROW_MODELS, Answer, Assessment, Revision, RevisionAddOn, TableRow
from dpia.assessments.rules.regimes import Regime
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_start_revision
from dpia.review.models import Decision, RevisionDecision
from dpia.review.rules.states import RevisionState


class CarryOver(Protocol):
    """Something another area copies from the earlier revisions into a new one."""

    def __call__(self, *, actor: User, now: datetime, revision: Revision) -> object: ...


# What other areas carry into each new revision (publication: the redactions, as proposals). They
# register here at start-up rather than being imported, since they already depend on review's
# services; `start_revision` runs each one in its transaction, so every new revision gets them.
_CARRY_OVERS: dict[str, CarryOver] = {}


def carry_into_new_revisions(name: str, carry: CarryOver) -> None:
    """Have `carry(actor=, now=, revision=)` run whenever a revision starts from an earlier one."""
    _CARRY_OVERS[name] = carry


@dataclass(frozen=True)
class DecisionInput:
    decided_on: date
    decision: str
    made_by: str
    forum: str


def start_revision(*, actor: User, now: datetime, assessment: Assessment, rationale: str,
                   decisions: Sequence[DecisionInput], regime: Regime | None = None) -> Revision:
    """Copy the approved revision into a new draft, with why it is being revised and the decisions behind it.

    The approved revision stays the version of record until the new one is approved. What other areas
    registered with `carry_into_new_revisions` is carried over too (the redactions, as proposals).

    :param regime: the law in force as the revision is written; by default the approved revision's.
    """
    revisions = list(db.session.scalars(select(Revision).where(Revision.assessment_id == assessment.id)
                                         .order_by(Revision.number)))
    latest = revisions[-1]
    require(can_start_revision(actor, assessment, latest.state),
            "A new revision can only start from an approved one, by the assessment's team")
    rationale = (rationale or "").strip()
    problems = []
    if not rationale:
        problems.append("Explain why the assessment is being revised")
    if not decisions:
        problems.append("Link at least one decision that led to this revision")
    if problems:
        raise ValidationError("; ".join(problems))
    new = Revision(assessment_id=assessment.id, number=latest.number + 1, state=RevisionState.DRAFT,
                   regime=regime or latest.regime, questionnaire_version_id=latest.questionnaire_version_id,
                   rationale=rationale, created_at=now, created_by_id=actor.id, based_on_id=latest.id)
    new.add_ons = [RevisionAddOn(questionnaire_version_id=a.questionnaire_version_id, position=a.position)
                   for a in latest.add_ons]
    db.session.add(new)
    db.session.flush()
    _copy_content(latest, new, now=now, actor=actor)
    for carry in _CARRY_OVERS.values():
        carry(actor=actor, now=now, revision=new)
    for item in decisions:
        decision = Decision(assessment_id=assessment.id, decided_on=item.decided_on, decision=item.decision,
                            made_by=item.made_by, forum=item.forum, created_at=now, created_by_id=actor.id)
        db.session.add(decision)
        db.session.flush()
        db.session.add(RevisionDecision(revision_id=new.id, decision_id=decision.id))
    db.session.flush()
    record_event(actor=actor, now=now, action="revision.start", object_type="revision", object_id=new.id,
                 summary={"revision": new.number, "based_on": latest.number, "decisions": len(decisions)})
    return new


def _copy_content(source: Revision, target: Revision, *, now: datetime, actor: User) -> None:
    """Answers and rows carry over unchanged; rows keep their identity so diffs can match them."""
    for answer in db.session.scalars(select(Answer).where(Answer.revision_id == source.id)):
        db.session.add(Answer(revision_id=target.id, question_key=answer.question_key, value=answer.value,
                              updated_at=answer.updated_at, updated_by_id=answer.updated_by_id))
    for model in ROW_MODELS.values():
        columns = [c.key for c in model.__table__.columns
                   if c.key not in ("id", "revision_id", "lock_version")]
        for row in db.session.scalars(select(model).where(model.revision_id == source.id)):
            copy = model(revision_id=target.id, **{key: getattr(row, key) for key in columns})
            if isinstance(copy, TableRow):
                copy.cells = dict(row.cells or {})
            db.session.add(copy)
    db.session.flush()


def revision_decisions(revision: Revision) -> list[Decision]:
    """The decisions that led to `revision`, oldest first."""
    return list(db.session.scalars(select(Decision).join(RevisionDecision)
                                   .where(RevisionDecision.revision_id == revision.id)
                                   .order_by(Decision.decided_on)))
