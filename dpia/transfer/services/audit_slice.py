"""The assessment's slice of the audit log: written with its hashes, checked and kept on import.

Each row carries the fields its source hashed (`record`), its `prev_hash` and its `entry_hash`, so a
reader can check every row on its own: sha256(prev_hash as ASCII + canonical JSON of record) must be
entry_hash. The rows are not consecutive in their chain (other assessments' events sit between
them), so the slice proves each row unaltered, not that none is missing.

Transfers themselves (`transfer.export`, `transfer.import`) stay in each database's own chain and are
not part of the slice: importing a file and exporting it again gives the same file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, and_, cast, or_, select

from dpia.assessments.models import Assessment, Revision
from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import entry_hash
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.transfer.models import ImportedAuditEvent
from dpia.transfer.rules.reading import FileProblem
from dpia.transfer.services.values import People

TRANSFER_ACTIONS = ("transfer.export", "transfer.import")


def hashed_record(event: AuditEvent) -> dict[str, Any]:
    """The fields an entry hash covers, in the form they take after a round trip through the database
    (as `dpia.core.audit.services` computes them)."""
    return {"occurred_at": event.occurred_at.astimezone(UTC).isoformat(), "actor_id": event.actor_id,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "summary": json.loads(json.dumps(event.summary))}


def export_audit(assessment: Assessment, numbers: dict[int, int], people: People) -> list[dict[str, Any]]:
    """Rows brought in by an earlier import first, in their order, then this database's own, by sequence.

    :raise ValidationError: a row here does not verify (the chain was tampered with).
    """
    rows = [{"record": row.record, "prev_hash": row.prev_hash, "entry_hash": row.entry_hash,
             "actor": people.of(row.actor_id), "revision": row.revision_number}
            for row in db.session.scalars(select(ImportedAuditEvent).where(
                ImportedAuditEvent.assessment_id == assessment.id).order_by(ImportedAuditEvent.position))]
    revision_ids = {str(revision_id): number for revision_id, number in numbers.items()}
    about = or_(
        and_(AuditEvent.object_type == "assessment", AuditEvent.object_id == str(assessment.id)),
        and_(AuditEvent.object_type == "revision",
             AuditEvent.object_id.in_(select(cast(Revision.id, String))
                                      .where(Revision.assessment_id == assessment.id))),
    )
    for event in db.session.scalars(select(AuditEvent).where(about, AuditEvent.action.not_in(TRANSFER_ACTIONS))
                                    .order_by(AuditEvent.seq)):
        record = hashed_record(event)
        if entry_hash(event.prev_hash, record) != event.entry_hash:
            raise ValidationError(f"Audit event {event.seq} does not match its hash; run `flask dpia audit verify` "
                                  "and repair the log before exporting.")
        rows.append({"record": record, "prev_hash": event.prev_hash, "entry_hash": event.entry_hash,
                     "actor": people.of(event.actor_id),
                     "revision": revision_ids.get(event.object_id or "") if event.object_type == "revision" else None})
    return rows


def check_audit(document: dict[str, Any]) -> None:
    """Every row's entry_hash must match its record and prev_hash.

    :raise FileProblem: naming the first row that does not.
    """
    for index, row in enumerate(document["audit"]):
        if entry_hash(row["prev_hash"], row["record"]) != row["entry_hash"]:
            raise FileProblem(f"At $.audit[{index}].entry_hash: the audit row does not match its hash "
                              "(its record or prev_hash was changed).")


def import_audit(assessment: Assessment, document: dict[str, Any], people: People, *, now: datetime) -> None:
    for position, row in enumerate(document["audit"]):
        db.session.add(ImportedAuditEvent(
            assessment_id=assessment.id, position=position, record=row["record"], prev_hash=row["prev_hash"],
            entry_hash=row["entry_hash"], actor_id=people.account(row["actor"], now=now),
            revision_number=row["revision"]))
    db.session.flush()
