"""FOI requests: recording them, and the s.22 evidence of an intention to publish."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dpia.accounts.models import User
from dpia.assessments.models import Assessment, Revision
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.foi.models import FoiRequest
from dpia.foi.rules import IntentionRecord, S22Finding, s22_finding
from dpia.permissions import can_publish
from dpia.publication.models import Publication, PublicationDecision
from dpia.publication.rules import Scope
from dpia.publication.services.register import visible


def record_foi_request(*, actor: User, now: datetime, assessment: Assessment, reference: str, received_on: date,
                       summary: str) -> FoiRequest:
    require(can_publish(actor), "Only a data protection officer records FOI requests")
    if not reference.strip():
        raise ValidationError("Enter the request's reference")
    if received_on > now.date():
        raise ValidationError("The received date cannot be in the future")
    foi = FoiRequest(assessment_id=assessment.id, reference=reference.strip(), received_on=received_on,
                     summary=summary.strip(), created_at=now, created_by_id=actor.id)
    db.session.add(foi)
    db.session.flush()
    record_event(actor=actor, now=now, action="foi.record", object_type="assessment", object_id=assessment.id,
                 summary={"foi": foi.id})
    return foi


def foi_requests_for(assessment: Assessment) -> list[FoiRequest]:
    return list(db.session.scalars(select(FoiRequest).where(FoiRequest.assessment_id == assessment.id)
                                   .order_by(FoiRequest.received_on)))


def s22_evidence(assessment: Assessment, *, received: date, now: datetime) -> S22Finding:
    """Did a recorded intention to publish exist when the request arrived, and what became of it?"""
    decisions = db.session.scalars(
        select(PublicationDecision).join(Revision).where(Revision.assessment_id == assessment.id)
        .options(joinedload(PublicationDecision.slippages), joinedload(PublicationDecision.revision))
        .order_by(PublicationDecision.recorded_at)).unique().all()
    records = [IntentionRecord(d.revision.number, d.decided_on, d.decided_by, d.recorded_at, Scope(d.scope),
                               d.planned, d.channel,
                               tuple((s.recorded_at, s.new_planned, s.reason) for s in d.slippages))
               for d in decisions]
    finding = s22_finding(records, received=received, today=now.date(), published_on=None)
    if finding.intention is None:
        return finding
    published = db.session.scalar(
        select(Publication.publish_at).join(Revision).where(
            Revision.assessment_id == assessment.id, Revision.number == finding.intention.revision_number,
            visible(now)))
    return s22_finding(records, received=received, today=now.date(), published_on=published)


