"""Withholding parts of a revision from publication, each under an FOI Act exemption.

A new revision starts with the previous revision's redactions as proposals (`carry_redactions`, run by
review's `start_revision` through its carry-over hook): each withholds, like any redaction, until a DPO
confirms or drops it, and a revision with a proposal left cannot be scheduled. So a part withheld once
never reaches the public without a DPO having looked at it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

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


class ProposalsPendingError(ValidationError):
    """Scheduling refused: carried-over redactions still await a DPO's decision (the page links to them)."""


def redactions_for(revision: Revision) -> list[Redaction]:
    """Every redaction of the revision, proposals included (they withhold too)."""
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


def _known_targets(content: RevisionContent) -> dict[TargetType, set[str]]:
    return {
        TargetType.SECTION: {s.key for s in content.definition.sections},
        TargetType.QUESTION: {q.key for q in content.definition.questions},
        TargetType.ROW: {row.uid for rows in content.rows.values() for row in rows},
    }


def missing_targets(content: RevisionContent, redactions: Sequence[Redaction]) -> set[int]:
    """Ids of the redactions whose part is no longer in the revision (a question a questionnaire upgrade
    removed, a row deleted since): such a proposal can only be dropped."""
    known = _known_targets(content)
    return {r.id for r in redactions if r.target_key not in known[r.target_type]}


def proposals_in(redactions: Sequence[Redaction]) -> list[Redaction]:
    """The redactions still awaiting a DPO's decision."""
    return [r for r in redactions if r.proposed]


def proposals_notice(redactions: Sequence[Redaction]) -> str | None:
    """What stops scheduling while proposals are undecided, e.g. "2 proposals carried over from revision 1
    need a decision before this revision can be scheduled"; None when there are none."""
    counts = Counter(r.carried_from for r in proposals_in(redactions))
    if not counts:
        return None
    total = sum(counts.values())
    sources = " and ".join(f"revision {number}" for number in sorted(n for n in counts if n is not None))
    noun = "proposal" if total == 1 else "proposals"
    verb = "needs" if total == 1 else "need"
    return f"{total} {noun} carried over from {sources} {verb} a decision before this revision can be scheduled"


def find_redaction(revision: Revision, redaction_id: int) -> Redaction:
    """:raise NotFoundError: the revision has no such redaction."""
    return row_of_revision(Redaction, redaction_id, revision_id=revision.id, what="redaction")


def set_redaction(*, actor: User, now: datetime, content: RevisionContent, target_type: TargetType,
                  target_key: str, exemption: Exemption, reason: str) -> Redaction:
    """Withhold a section, question or table row, citing an FOI Act exemption and a reason.

    Withholding a part that has a proposal decides the proposal: it becomes this redaction.
    """
    revision = content.revision
    require(can_publish(actor), "Only a data protection officer withholds parts of an assessment")
    ensure_redactions_editable(revision)
    exemption = _ground(exemption)
    if target_key not in _known_targets(content)[target_type]:
        raise NotFoundError(target_key)
    reason = _reason(reason)
    existing = db.session.scalar(select(Redaction).where(Redaction.revision_id == revision.id,
                                                         Redaction.target_type == target_type,
                                                         Redaction.target_key == target_key))
    if existing is None:
        existing = Redaction(revision_id=revision.id, target_type=target_type, target_key=target_key,
                             exemption=exemption, reason=reason, created_at=now, created_by_id=actor.id,
                             proposed=False)
        db.session.add(existing)
    else:
        existing.exemption, existing.reason, existing.proposed = exemption, reason, False
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.redact", object_type="revision", object_id=revision.id,
                 summary={"target": f"{target_type.value}:{target_key}", "exemption": exemption.value})
    return existing


def remove_redaction(*, actor: User, now: datetime, revision: Revision, redaction: Redaction) -> None:
    """Publish a withheld part after all (a proposal is dropped with `drop_proposal`)."""
    require(can_publish(actor), "Only a data protection officer changes what is withheld")
    ensure_redactions_editable(revision)
    if redaction.revision_id != revision.id:
        raise NotFoundError("redaction")
    if redaction.proposed:
        drop_proposal(actor=actor, now=now, revision=revision, redaction=redaction)
        return
    db.session.delete(redaction)
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.unredact", object_type="revision", object_id=revision.id,
                 summary={"target": f"{redaction.target_type.value}:{redaction.target_key}"})


# -- carried over from the previous revision -----------------------------------------------------------

def carry_redactions(*, actor: User, now: datetime, revision: Revision) -> list[Redaction]:
    """Copy into the new `revision`, as proposals, the redactions of the latest earlier revision that has
    any (its proposals too, still as proposals): same part, exemption and reason.

    Called by review's `start_revision` (whose permission check covers it), in its transaction. Rows
    keep their uid across revisions, so a withheld row stays withheld.
    """
    source_number = db.session.scalar(
        select(func.max(Revision.number)).join(Redaction, Redaction.revision_id == Revision.id)
        .where(Revision.assessment_id == revision.assessment_id, Revision.number < revision.number))
    if source_number is None:
        return []
    earlier = db.session.scalars(
        select(Redaction).join(Revision, Redaction.revision_id == Revision.id)
        .where(Revision.assessment_id == revision.assessment_id, Revision.number == source_number)
        .order_by(Redaction.created_at, Redaction.id))
    copies = [Redaction(revision_id=revision.id, target_type=r.target_type, target_key=r.target_key,
                        exemption=r.exemption, reason=r.reason, created_at=now, created_by_id=r.created_by_id,
                        carried_from=source_number, proposed=True) for r in earlier]
    db.session.add_all(copies)
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.carry_redactions", object_type="revision",
                 object_id=revision.id, summary={"from": source_number, "proposals": len(copies)})
    return copies


def _proposal(revision: Revision, redaction: Redaction) -> Redaction:
    if redaction.revision_id != revision.id:
        raise NotFoundError("redaction")
    if not redaction.proposed:
        raise ConflictError("This proposal has already been decided")
    return redaction


def confirm_proposal(*, actor: User, now: datetime, content: RevisionContent, redaction: Redaction,
                     exemption: Exemption, reason: str) -> Redaction:
    """Keep a carried-over redaction, with its exemption and reason as the DPO now gives them.

    :raise ValidationError: the part is no longer in the revision (it can only be dropped), or no reason.
    """
    revision = content.revision
    require(can_publish(actor), "Only a data protection officer decides what is withheld")
    ensure_redactions_editable(revision)
    _proposal(revision, redaction)
    if redaction.id in missing_targets(content, [redaction]):
        raise ValidationError("That part is no longer in this revision: drop the proposal instead")
    redaction.exemption, redaction.reason, redaction.proposed = _ground(exemption), _reason(reason), False
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.confirm_redaction", object_type="revision",
                 object_id=revision.id, summary={"target": f"{redaction.target_type.value}:{redaction.target_key}",
                                                 "exemption": redaction.exemption.value,
                                                 "carried_from": redaction.carried_from})
    return redaction


def drop_proposal(*, actor: User, now: datetime, revision: Revision, redaction: Redaction) -> None:
    """Decide that a carried-over redaction no longer applies: the part is published with the revision."""
    require(can_publish(actor), "Only a data protection officer decides what is withheld")
    ensure_redactions_editable(revision)
    _proposal(revision, redaction)
    target = f"{redaction.target_type.value}:{redaction.target_key}"
    db.session.delete(redaction)
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.drop_redaction", object_type="revision",
                 object_id=revision.id, summary={"target": target, "carried_from": redaction.carried_from})


def _ground(exemption: Exemption) -> Exemption:
    """:raise ValidationError: not one of the grounds for withholding (neither-confirm-nor-deny codes are not)."""
    try:
        return Exemption(exemption)
    except ValueError as error:
        raise ValidationError("Select the exemption") from error


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason the exemption applies")
    return reason
