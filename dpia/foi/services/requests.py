"""Recording FOI requests, their numbered items and the answer to each, the reply and any internal review.

Audit summaries name the request by id only: the requester's name and the request's words stay on the
record, out of the audit log and every log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from dpia.accounts.models import User
from dpia.assessments.models import Assessment, Revision
from dpia.assessments.services.content import load_content
from dpia.core.audit.services import record_event
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.foi.models import FoiItem, FoiRequest
from dpia.foi.rules import WHOLE, Answer, ItemAnswer, Outline, ReviewOutcome, answer_problems, due_date
from dpia.permissions import can_record_foi
from dpia.publication.rules import TargetType
from dpia.publication.services.redactions import redactions_for

UK = ZoneInfo("Europe/London")
MAY_RECORD = "Only an FOI officer or the data protection officer records FOI requests"


@dataclass(frozen=True)
class ItemInput:
    text: str
    parts: tuple[str, ...] = ()


def outline_of(revision: Revision) -> Outline:
    """The revision's sections and questions, and what its planned publication withholds (its redactions)."""
    content = load_content(revision)
    definition = content.definition
    labels = {WHOLE: "The whole assessment"}
    sections = []
    for section in definition.sections:
        labels[f"section:{section.key}"] = f"Section: {section.title}"
        keys = []
        for question in section.questions:
            labels[f"question:{question.key}"] = f"Question: {question.label}"
            keys.append(question.key)
        sections.append((section.key, tuple(keys)))
    row_question = {row.uid: key for key, rows in content.rows.items() for row in rows}
    redacted_sections, redacted_questions = set(), set()
    for redaction in redactions_for(revision):
        if redaction.target_type is TargetType.SECTION:
            redacted_sections.add(redaction.target_key)
        elif redaction.target_type is TargetType.QUESTION:
            redacted_questions.add(redaction.target_key)
        elif redaction.target_key in row_question:
            redacted_questions.add(row_question[redaction.target_key])
    return Outline(tuple(sections), labels, frozenset(redacted_sections), frozenset(redacted_questions),
                   frozenset(definition.summary_questions))


def part_choices(outline: Outline) -> list[tuple[str, str]]:
    """The parts an item can ask for, in the questionnaire's order."""
    choices = [(WHOLE, outline.label(WHOLE))]
    for section, questions in outline.sections:
        choices.append((f"section:{section}", outline.label(f"section:{section}")))
        choices += [(f"question:{q}", outline.label(f"question:{q}")) for q in questions]
    return choices


def _check_parts(parts: Sequence[str], outline: Outline | None) -> list[str]:
    if outline is None:
        if parts:
            raise ValidationError("Choose the revision the request concerns before mapping its items")
        return []
    known = {value for value, _label in part_choices(outline)}
    unknown = [p for p in parts if p not in known]
    if unknown:
        raise ValidationError("Choose parts of the assessment from the list")
    return list(dict.fromkeys(parts))


def _revision_of(assessment: Assessment, number: int | None) -> Revision | None:
    if number is None:
        return None
    revision = db.session.scalar(select(Revision).where(Revision.assessment_id == assessment.id,
                                                        Revision.number == number))
    if revision is None:
        raise ValidationError("Choose a revision of this assessment")
    return revision


def record_foi_request(*, actor: User, now: datetime, assessment: Assessment, reference: str, received_at: datetime,
                       request_text: str, requester_name: str, revision_number: int | None = None,
                       items: Sequence[ItemInput] = ()) -> FoiRequest:
    """Record a request as received (to the minute: s.22 turns on it), with its due date and its items.

    :raise ValidationError: a required value is missing, or the received time is in the future.
    """
    require(can_record_foi(actor), MAY_RECORD)
    reference, request_text, requester_name = reference.strip(), request_text.strip(), requester_name.strip()
    if not reference:
        raise ValidationError("Enter the request's reference")
    if not requester_name:
        raise ValidationError("Enter the requester's name")
    if not request_text:
        raise ValidationError("Enter the request's text")
    if received_at.tzinfo is None or received_at > now:
        raise ValidationError("The time the request was received cannot be in the future")
    revision = _revision_of(assessment, revision_number)
    outline = outline_of(revision) if revision is not None and any(i.parts for i in items) else None
    foi = FoiRequest(assessment_id=assessment.id, reference=reference, received_at=received_at,
                     request_text=request_text, requester_name=requester_name,
                     revision_id=revision.id if revision else None,
                     due_on=due_date(received_at.astimezone(UK).date()), created_at=now, created_by_id=actor.id)
    for position, item in enumerate((i for i in items if i.text.strip()), start=1):
        foi.items.append(FoiItem(position=position, text=item.text.strip(), parts=_check_parts(item.parts, outline)))
    db.session.add(foi)
    db.session.flush()
    record_event(actor=actor, now=now, action="foi.record", object_type="assessment", object_id=assessment.id,
                 summary={"foi": foi.id, "items": len(foi.items)})
    return foi


def foi_requests_for(assessment: Assessment) -> list[FoiRequest]:
    return list(db.session.scalars(select(FoiRequest).where(FoiRequest.assessment_id == assessment.id)
                                   .order_by(FoiRequest.received_at, FoiRequest.id)))


def find_foi_request(assessment: Assessment, foi_id: int) -> FoiRequest:
    """One FOI request with its items. :raise NotFoundError: the assessment has no such FOI request on record."""
    foi = db.session.scalar(select(FoiRequest).where(FoiRequest.id == foi_id,
                                                     FoiRequest.assessment_id == assessment.id)
                            .options(selectinload(FoiRequest.items)))
    if foi is None:
        raise NotFoundError("FOI request")
    return foi


def revision_of_request(foi: FoiRequest) -> Revision | None:
    return db.session.get(Revision, foi.revision_id) if foi.revision_id else None


def add_item(*, actor: User, now: datetime, foi: FoiRequest, text: str, parts: Sequence[str],
             position: int | None = None) -> FoiItem:
    """Add a numbered item (or, given `position`, change that item's words and parts)."""
    require(can_record_foi(actor), MAY_RECORD)
    if not text.strip():
        raise ValidationError("Enter the item's text")
    revision = revision_of_request(foi)
    checked = _check_parts(parts, outline_of(revision) if revision is not None and parts else None)
    if position is None:
        last = db.session.scalar(select(func.max(FoiItem.position)).where(FoiItem.request_id == foi.id)) or 0
        item = FoiItem(request_id=foi.id, position=last + 1, text=text.strip(), parts=checked)
        db.session.add(item)
    else:
        item = find_item(foi, position)
        item.text, item.parts = text.strip(), checked
    db.session.flush()
    record_event(actor=actor, now=now, action="foi.item", object_type="assessment", object_id=foi.assessment_id,
                 summary={"foi": foi.id, "item": item.position, "parts": len(checked)})
    return item


def find_item(foi: FoiRequest, position: int) -> FoiItem:
    item = next((i for i in foi.items if i.position == position), None)
    if item is None:
        raise NotFoundError("FOI request item")
    return item


def answer_item(*, actor: User, now: datetime, item: FoiItem, answer: ItemAnswer) -> dict[str, str]:
    """Record how an item was answered; returns the problems by field instead when it is incomplete (a
    qualified exemption needs its public interest test, an absolute one does not ask for it)."""
    require(can_record_foi(actor), MAY_RECORD)
    problems = answer_problems(answer)
    if problems:
        return problems
    item.answer = answer.answer
    item.published_url = answer.published_url.strip() if answer.answer is Answer.PUBLISHED else None
    item.exemption = answer.exemption if answer.answer is Answer.WITHHELD else None
    item.ncnd = answer.ncnd if answer.answer is Answer.NCND else None
    weighed = answer.answer in (Answer.WITHHELD, Answer.NCND)
    item.pit_for = answer.pit_for.strip() or None if weighed else None
    item.pit_against = answer.pit_against.strip() or None if weighed else None
    item.pit_conclusion = answer.pit_conclusion.strip() or None if weighed else None
    item.answered_at, item.answered_by_id = now, actor.id
    db.session.flush()
    record_event(actor=actor, now=now, action="foi.answer", object_type="assessment",
                 object_id=item.foi_request.assessment_id,
                 summary={"foi": item.request_id, "item": item.position, "answer": answer.answer.value})
    return {}


def record_s22_conclusion(*, actor: User, now: datetime, foi: FoiRequest, conclusion: str) -> None:
    """The officer's own conclusion on whether withholding until publication is reasonable."""
    require(can_record_foi(actor), MAY_RECORD)
    if not conclusion.strip():
        raise ValidationError("Enter your conclusion")
    foi.s22_conclusion = conclusion.strip()
    db.session.flush()
    record_event(actor=actor, now=now, action="foi.s22_conclusion", object_type="assessment",
                 object_id=foi.assessment_id, summary={"foi": foi.id})


def record_progress(*, actor: User, now: datetime, foi: FoiRequest, sent_on: date | None,
                    review_requested_on: date | None, review_outcome: ReviewOutcome | None,
                    review_decided_on: date | None) -> None:
    """Record when the reply was sent and the internal review: requested on, outcome and its date.

    :raise ValidationError: a date in the future or out of order, or an outcome without its date.
    """
    require(can_record_foi(actor), MAY_RECORD)
    today = now.astimezone(UK).date()
    received = foi.received_at.astimezone(UK).date()
    for value, what in ((sent_on, "sent"), (review_requested_on, "review requested"),
                        (review_decided_on, "review decided")):
        if value is not None and value > today:
            raise ValidationError(f"The date {what} cannot be in the future")
        if value is not None and value < received:
            raise ValidationError(f"The date {what} cannot be before the request was received")
    if (review_outcome is None) != (review_decided_on is None):
        raise ValidationError("Give both the review's outcome and the date it was decided, or neither")
    if review_decided_on is not None and review_requested_on is None:
        raise ValidationError("Give the date the internal review was requested")
    if review_requested_on is not None and review_decided_on is not None and review_decided_on < review_requested_on:
        raise ValidationError("The review cannot be decided before it was requested")
    foi.sent_on, foi.review_requested_on = sent_on, review_requested_on
    foi.review_outcome, foi.review_decided_on = review_outcome, review_decided_on
    db.session.flush()
    record_event(actor=actor, now=now, action="foi.progress", object_type="assessment", object_id=foi.assessment_id,
                 summary={"foi": foi.id, "sent": sent_on is not None,
                          "review": review_outcome.value if review_outcome else None})
