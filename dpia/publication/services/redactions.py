"""Withholding parts of a revision from publication, each under an FOI Act exemption."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.assessments.services.content import RevisionContent
from dpia.core.audit.services import record_event
from dpia.core.errors import ConflictError, NotFoundError, ValidationError
from dpia.core.extensions import db
from dpia.core.lookups import row_of_revision
from dpia.core.permissions import require
from dpia.permissions import can_publish
from dpia.publication.models import Publication, Redaction
from dpia.publication.rules import (
    Exemption,
    TargetType,
)


def redactions_for(revision: Revision) -> list[Redaction]:
    return list(db.session.scalars(select(Redaction).where(Redaction.revision_id == revision.id)
                                   .order_by(Redaction.created_at, Redaction.id)))


def ensure_redactions_editable(revision: Revision) -> None:
    """:raise ConflictError: the revision is scheduled, and its published bundle never changes."""
    if db.session.scalar(select(Publication.id).where(Publication.revision_id == revision.id)):
        raise ConflictError("This revision is already scheduled; its published bundle cannot change")


def redaction_targets(content: RevisionContent) -> list[tuple[str, str]]:
    """Everything that can be withheld, as (`type:key`, label) choices in the order of the questionnaire."""
    choices: list[tuple[str, str]] = []
    for section in content.definition.sections:
        choices.append((f"section:{section.key}", f"Section: {section.title}"))
        for question in section.questions:
            choices.append((f"question:{question.key}", f"  Question: {question.label}"))
            for row in content.rows.get(question.key, ()):
                choices.append((f"row:{row.uid}", f"    Row {row.ref} of {question.label}"))
    return choices


def find_redaction(revision: Revision, redaction_id: int) -> Redaction:
    """:raise NotFoundError: the revision has no such redaction."""
    return row_of_revision(Redaction, redaction_id, revision_id=revision.id, what="redaction")


def set_redaction(*, actor: User, now: datetime, content: RevisionContent, target_type: TargetType,
                  target_key: str, exemption: Exemption, reason: str) -> Redaction:
    """Withhold a section, question or table row, citing an FOI Act exemption and a reason."""
    revision = content.revision
    require(can_publish(actor), "Only a data protection officer withholds parts of an assessment")
    ensure_redactions_editable(revision)
    known = {
        TargetType.SECTION: {s.key for s in content.definition.sections},
        TargetType.QUESTION: {q.key for q in content.definition.questions},
        TargetType.ROW: {row.uid for rows in content.rows.values() for row in rows},
    }[target_type]
    if target_key not in known:
        raise NotFoundError(target_key)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason the exemption applies")
    existing = db.session.scalar(select(Redaction).where(Redaction.revision_id == revision.id,
                                                         Redaction.target_type == target_type,
                                                         Redaction.target_key == target_key))
    if existing is None:
        existing = Redaction(revision_id=revision.id, target_type=target_type, target_key=target_key,
                             exemption=exemption, reason=reason, created_at=now, created_by_id=actor.id)
        db.session.add(existing)
    else:
        existing.exemption, existing.reason = exemption, reason
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.redact", object_type="revision", object_id=revision.id,
                 summary={"target": f"{target_type.value}:{target_key}", "exemption": exemption.value})
    return existing


def remove_redaction(*, actor: User, now: datetime, revision: Revision, redaction: Redaction) -> None:
    require(can_publish(actor), "Only a data protection officer changes what is withheld")
    ensure_redactions_editable(revision)
    if redaction.revision_id != revision.id:
        raise NotFoundError("redaction")
    db.session.delete(redaction)
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.unredact", object_type="revision", object_id=revision.id,
                 summary={"target": f"{redaction.target_type.value}:{redaction.target_key}"})
