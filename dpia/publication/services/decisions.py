"""Decisions to publish a revision, and the slippage of their planned dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.lookups import row_of_revision
from dpia.core.partial_dates import PartialDate
from dpia.core.permissions import require
from dpia.permissions import can_publish
from dpia.publication.models import Publication, PublicationDecision, Slippage
from dpia.publication.rules import (
    Scope,
    check_plan,
    current_plan,
)


def publication_decisions(revision: Revision) -> list[PublicationDecision]:
    """The decisions to publish `revision`, oldest first, with their slippage."""
    return list(db.session.scalars(select(PublicationDecision).where(PublicationDecision.revision_id == revision.id)
                                   .options(joinedload(PublicationDecision.slippages))
                                   .order_by(PublicationDecision.recorded_at)).unique())


def find_decision(revision: Revision, decision_id: int) -> PublicationDecision:
    """:raise NotFoundError: the revision has no such decision."""
    return row_of_revision(PublicationDecision, decision_id, revision_id=revision.id, what="publication decision")


def plan_of(decision: PublicationDecision) -> PartialDate:
    return current_plan(decision.planned, [s.new_planned for s in decision.slippages])


def record_decision(*, actor: User, now: datetime, revision: Revision, decided_on: date, decided_by: str,
                    scope: Scope, planned: str, channel: str) -> PublicationDecision:
    """Record an intention to publish. The recording time is the server's, never the user's."""
    require(can_publish(actor), "Only a data protection officer records publication decisions")
    if not revision.state.may_plan_publication:
        raise ValidationError("Only a revision under review or approved can be planned for publication")
    problems = []
    try:
        planned = check_plan(planned)
    except ValueError as error:
        problems.append(f"Planned date: {error}")
    if decided_on > now.date():
        problems.append("The decision date cannot be in the future")
    if not decided_by.strip():
        problems.append("Enter who decided")
    if not channel.strip():
        problems.append("Enter where it will be published")
    if problems:
        raise ValidationError("; ".join(problems))
    scheduled = db.session.scalar(select(exists().where(Publication.revision_id == revision.id)))
    decision = PublicationDecision(revision_id=revision.id, decided_on=decided_on, decided_by=decided_by.strip(),
                                   scope=scope, planned=planned, channel=channel.strip(), recorded_at=now,
                                   recorded_by_id=actor.id, scheduled=bool(scheduled))
    db.session.add(decision)
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.decide", object_type="revision", object_id=revision.id,
                 summary={"decision": decision.id, "scope": scope.value, "planned": planned,
                          "decided_on": decided_on.isoformat()})
    return decision


def record_slippage(*, actor: User, now: datetime, decision: PublicationDecision, reason: str,
                    new_planned: str) -> Slippage:
    """A plan that slipped: why, and the new plan. Earlier plans stay in the history."""
    require(can_publish(actor), "Only a data protection officer records slippage")
    problems = []
    try:
        new_planned = check_plan(new_planned)
    except ValueError as error:
        problems.append(f"New planned date: {error}")
    if not reason.strip():
        problems.append("Say why publication slipped")
    if problems:
        raise ValidationError("; ".join(problems))
    previous = plan_of(decision).canonical
    slippage = Slippage(decision_id=decision.id, previous_planned=previous, new_planned=new_planned,
                        reason=reason.strip(), recorded_at=now, recorded_by_id=actor.id)
    db.session.add(slippage)
    db.session.flush()
    db.session.refresh(decision)
    record_event(actor=actor, now=now, action="publication.slip", object_type="revision",
                 object_id=decision.revision_id, summary={"from": previous, "to": new_planned})
    return slippage
