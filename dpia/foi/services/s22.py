"""The s.22 evidence from the record: the intentions to publish and when they were recorded, what the
planned publication covers, and the circumstances of waiting for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dpia.assessments.models import Assessment, Revision
from dpia.core.extensions import db
from dpia.foi.models import FoiRequest
from dpia.foi.rules import (
    Answer,
    Coverage,
    IntentionRecord,
    Reasonableness,
    S22Finding,
    part_coverage,
    reasonableness,
    s22_finding,
    s22_statement,
)
from dpia.foi.services.requests import outline_of
from dpia.publication.models import Publication, PublicationDecision
from dpia.publication.rules import Exemption, Scope
from dpia.publication.services.register import visible
from dpia.review.rules.states import RevisionState


def intention_records(assessment: Assessment, *, now: datetime) -> list[IntentionRecord]:
    """Every decision to publish on the assessment, with its slippage and when its revision became public
    (two statements, whatever the number of decisions)."""
    decisions = db.session.scalars(
        select(PublicationDecision).join(Revision).where(Revision.assessment_id == assessment.id)
        .options(joinedload(PublicationDecision.slippages), joinedload(PublicationDecision.revision))
        .order_by(PublicationDecision.recorded_at)).unique().all()
    public = dict(db.session.execute(select(Publication.revision_number, Publication.publish_at).where(
        Publication.assessment_id == assessment.id, visible(now))).all())
    return [IntentionRecord(d.revision.number, d.decided_on, d.decided_by, d.recorded_at, Scope(d.scope), d.planned,
                            d.channel, tuple((s.recorded_at, s.new_planned, s.reason) for s in d.slippages),
                            public.get(d.revision.number))
            for d in decisions]


def s22_evidence(assessment: Assessment, *, received: datetime, now: datetime,
                 revision_number: int | None = None) -> S22Finding:
    """Did a recorded intention to publish exist when the request arrived, and what became of it?"""
    return s22_finding(intention_records(assessment, now=now), received=received, today=now.date(),
                       revision_number=revision_number)


@dataclass(frozen=True)
class S22Pack:
    """Everything a s.22 refusal rests on, for one FOI request on record."""

    finding: S22Finding
    coverage: tuple[tuple[str, Coverage], ...]
    reasonable: Reasonableness | None
    lines: list[tuple[str, str]]
    cited: bool  # some item is withheld under s.22


def _public_interest(foi: FoiRequest) -> list[tuple[str, str]]:
    lines = []
    for item in foi.items:
        if item.answer is Answer.WITHHELD and item.exemption is Exemption.S22:
            lines += [(f"Item {item.position}: for disclosure", item.pit_for or ""),
                      (f"Item {item.position}: for withholding", item.pit_against or ""),
                      (f"Item {item.position}: public interest conclusion", item.pit_conclusion or "")]
    return lines


def s22_pack(assessment: Assessment, foi: FoiRequest, *, now: datetime) -> S22Pack:
    """The four limbs for a recorded request: the intention at the received time, each item's parts against
    the planned publication's scope (the revision concerned, its redactions not covered), the circumstances
    of waiting, and the public interest arguments recorded on the items withheld under s.22."""
    chosen = db.session.get(Revision, foi.revision_id) if foi.revision_id else None
    finding = s22_evidence(assessment, received=foi.received_at, now=now,
                           revision_number=chosen.number if chosen else None)
    coverage: list[tuple[str, Coverage]] = []
    reasonable = None
    if finding.intention is not None:
        revision = chosen or db.session.scalar(select(Revision).where(
            Revision.assessment_id == assessment.id, Revision.number == finding.intention.revision_number))
        if revision is not None:
            outline = outline_of(revision)
            for item in foi.items:
                for part in item.parts:
                    coverage.append((f"item {item.position}, {outline.label(part)}",
                                     part_coverage(part, finding.intention.scope, outline)))
            reasonable = reasonableness(
                finding, today=now.date(), state_label=revision.state.label,
                ready=revision.state in (RevisionState.AWAITING_SIGN_OFF, RevisionState.APPROVED))
    lines = s22_statement(finding, coverage=coverage, reasonable=reasonable,
                          officer_conclusion=foi.s22_conclusion or "", public_interest=_public_interest(foi))
    cited = any(i.answer is Answer.WITHHELD and i.exemption is Exemption.S22 for i in foi.items)
    return S22Pack(finding, tuple(coverage), reasonable, lines, cited)
