"""Export one assessment as the format's document: everything about it, nothing about others.

Lists are in a fixed order (by number, position, key, or time then id), database ids are replaced
by references, revision numbers, row uids and people's emails, so the same assessment always gives
the same bytes, whichever database it comes from. The only ids left are inside the audit rows, which
are kept exactly as they were hashed.

Reads other areas' models directly: an export must see every stored column, which no area's
services expose, and it only reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from dpia.assessments.models import ROW_MODELS, Answer, Assessment, Revision, RowMixin, SectionSave
from dpia.core.audit.services import record_event
from dpia.core.errors import NotFoundError
from dpia.core.extensions import db
from dpia.core.permissions import Actor, require
from dpia.foi.models import FoiRequest
from dpia.permissions import can_transfer
from dpia.review.models import ApprovalCondition, Comment, Decision, RevisionDecision, SignOff
from dpia.transfer.rules.reading import encode
from dpia.transfer.rules.schema import FORMAT, VERSION
from dpia.transfer.services.audit_slice import export_audit
from dpia.transfer.services.evidence import export_evidence
from dpia.transfer.services.publications import export_publication_parts
from dpia.transfer.services.questionnaires import export_questionnaires, pin
from dpia.transfer.services.values import People, columns_of, day, moment, plain

ROW_KIND_NAMES = {model: (kind.value if kind is not None else "table") for kind, model in ROW_MODELS.items()}
ROW_FIELDS = {"id", "revision_id", "question_key", "row_uid", "position", "lock_version", "updated_at",
              "updated_by_id"}


def export_assessment(*, actor: Actor | None, now: datetime, reference: str) -> bytes:
    """The export file of the assessment `reference`, and an audit event saying who took it.

    `actor` is None only for the command line, which is trusted.

    :raise NotFoundError: no assessment has that reference.
    """
    if actor is not None:
        require(can_transfer(actor), "Only administrators export assessments")
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == reference))
    if assessment is None:
        raise NotFoundError(f"There is no assessment with the reference {reference}")
    data = encode(assessment_document(assessment))
    record_event(actor=actor, now=now, action="transfer.export", object_type="assessment", object_id=assessment.id,
                 summary={"reference": reference, "bytes": len(data)})
    return data


def assessment_document(assessment: Assessment) -> dict[str, Any]:
    """The whole document for one assessment (see docs/export-format.md)."""
    people = People()
    revisions = list(db.session.scalars(select(Revision).where(Revision.assessment_id == assessment.id)
                                        .order_by(Revision.number)))
    numbers = {revision.id: revision.number for revision in revisions}
    decisions = list(db.session.scalars(select(Decision).where(Decision.assessment_id == assessment.id)
                                        .order_by(Decision.decided_on, Decision.created_at, Decision.id)))
    decision_numbers = {decision.id: index for index, decision in enumerate(decisions, start=1)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "assessment": {"reference": assessment.reference, "title": assessment.title, "team": assessment.team.name,
                       "created_at": moment(assessment.created_at), "created_by": people.of(assessment.created_by_id)},
        "questionnaires": export_questionnaires(revisions),
        "revisions": [_revision(revision, numbers, decision_numbers, people) for revision in revisions],
        "decisions": [{"number": decision_numbers[d.id], "decided_on": day(d.decided_on), "decision": d.decision,
                       "made_by": d.made_by, "forum": d.forum, "created_at": moment(d.created_at),
                       "created_by": people.of(d.created_by_id)} for d in decisions],
        "foi_requests": _foi_requests(assessment, numbers, people),
        "audit": export_audit(assessment, numbers, people),
    }


def _revision(revision: Revision, numbers: dict[int, int], decision_numbers: dict[int, int],
              people: People) -> dict[str, Any]:
    linked = db.session.scalars(select(RevisionDecision.decision_id)
                                .where(RevisionDecision.revision_id == revision.id)).all()
    return {
        "number": revision.number,
        "state": revision.state.value,
        "regime": revision.regime.value,
        "questionnaire": pin(revision.questionnaire_version),
        "add_ons": [pin(add_on.questionnaire_version) for add_on in revision.add_ons],
        "rationale": revision.rationale,
        "created_at": moment(revision.created_at),
        "created_by": people.of(revision.created_by_id),
        "submitted_at": moment(revision.submitted_at),
        "approved_at": moment(revision.approved_at),
        "approved_by": people.of(revision.approved_by_id),
        "next_review_on": day(revision.next_review_on),
        "based_on": numbers.get(revision.based_on_id) if revision.based_on_id is not None else None,
        "sections_saved": [{"section_key": save.section_key, "updated_at": moment(save.updated_at),
                            "updated_by": people.of(save.updated_by_id)}
                           for save in db.session.scalars(select(SectionSave).where(
                               SectionSave.revision_id == revision.id).order_by(SectionSave.section_key))],
        "answers": [{"question_key": answer.question_key, "value": answer.value,
                     "updated_at": moment(answer.updated_at), "updated_by": people.of(answer.updated_by_id)}
                    for answer in db.session.scalars(select(Answer).where(Answer.revision_id == revision.id)
                                                     .order_by(Answer.question_key))],
        "rows": _rows(revision, people),
        "comments": _comments(revision, people),
        "sign_offs": [{"kind": s.kind.value, "signer": people.of(s.signer_id), "signer_name": s.signer_name,
                       "signer_position": s.signer_position, "signed_at": moment(s.signed_at), "notes": s.notes,
                       "details": s.details, "content_hash": s.content_hash}
                      for s in db.session.scalars(select(SignOff).where(SignOff.revision_id == revision.id)
                                                  .order_by(SignOff.signed_at, SignOff.kind, SignOff.id))],
        "decisions": sorted(decision_numbers[d] for d in linked),
        "conditions": [{"position": c.position, "action": c.action, "owner": c.owner, "due_on": day(c.due_on),
                        "created_at": moment(c.created_at), "created_by": people.of(c.created_by_id),
                        "done_at": moment(c.done_at), "done_by": people.of(c.done_by_id), "done_note": c.done_note}
                       for c in db.session.scalars(select(ApprovalCondition).where(
                           ApprovalCondition.revision_id == revision.id)
                           .order_by(ApprovalCondition.position, ApprovalCondition.id))],
        **export_publication_parts(revision, people),
        **export_evidence(revision, people),  # `attachments`, and `cnil_annex` when there is one
    }


def _rows(revision: Revision, people: People) -> list[dict[str, Any]]:
    rows: list[tuple[str, str, int, str, dict[str, Any]]] = []
    for model in ROW_MODELS.values():
        kind = ROW_KIND_NAMES[model]
        value_columns = columns_of(model, ROW_FIELDS)
        for row in db.session.scalars(select(model).where(model.revision_id == revision.id)):
            assert isinstance(row, RowMixin)
            rows.append((kind, row.question_key, row.position, row.row_uid, {
                "kind": kind, "question_key": row.question_key, "uid": row.row_uid, "position": row.position,
                "updated_at": moment(row.updated_at), "updated_by": people.of(row.updated_by_id),
                "values": {column.key: plain(getattr(row, column.key)) for column in value_columns}}))
    return [entry[-1] for entry in sorted(rows, key=lambda entry: entry[:4])]


def _comments(revision: Revision, people: People) -> list[dict[str, Any]]:
    """Comments numbered 1, 2... in the order they were written; a reply names its parent's number."""
    comments = list(db.session.scalars(select(Comment).where(Comment.revision_id == revision.id)
                                       .order_by(Comment.created_at, Comment.id)))
    number = {comment.id: index for index, comment in enumerate(comments, start=1)}
    return [{"number": number[c.id], "parent": number.get(c.parent_id) if c.parent_id is not None else None,
             "question_key": c.question_key, "author": people.of(c.author_id), "body": c.body,
             "created_at": moment(c.created_at), "resolved_at": moment(c.resolved_at),
             "resolved_by": people.of(c.resolved_by_id)} for c in comments]


def _foi_requests(assessment: Assessment, numbers: dict[int, int], people: People) -> list[dict[str, Any]]:
    requests = db.session.scalars(select(FoiRequest).where(FoiRequest.assessment_id == assessment.id)
                                  .order_by(FoiRequest.received_at, FoiRequest.reference, FoiRequest.id))
    return [{
        "reference": foi.reference, "received_at": moment(foi.received_at), "request_text": foi.request_text,
        "requester_name": foi.requester_name,
        "revision": numbers.get(foi.revision_id) if foi.revision_id is not None else None,
        "due_on": day(foi.due_on), "sent_on": day(foi.sent_on), "review_requested_on": day(foi.review_requested_on),
        "review_outcome": plain(foi.review_outcome), "review_decided_on": day(foi.review_decided_on),
        "s22_conclusion": foi.s22_conclusion, "created_at": moment(foi.created_at),
        "created_by": people.of(foi.created_by_id),
        "items": [{"position": item.position, "text": item.text, "parts": item.parts, "answer": plain(item.answer),
                   "published_url": item.published_url, "exemption": plain(item.exemption), "ncnd": plain(item.ncnd),
                   "pit_for": item.pit_for, "pit_against": item.pit_against, "pit_conclusion": item.pit_conclusion,
                   "answered_at": moment(item.answered_at), "answered_by": people.of(item.answered_by_id)}
                  for item in foi.items],
    } for foi in requests]
