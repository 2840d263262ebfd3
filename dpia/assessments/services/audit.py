"""An assessment's slice of the audit log: its own events and its revisions', a page at a time, then
the rows an import brought with it (recorded in the database the assessment was exported from)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select

from dpia.accounts.services.users import user_names
from dpia.assessments.models import Assessment, Revision
from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import event_page
from dpia.core.extensions import db
from dpia.core.pagination import Page, offset
from dpia.transfer.models import ImportedAuditEvent


@dataclass(frozen=True)
class TrailRow:
    """One line of the trail. An imported row keeps its source's text and ids in `summary` and
    `object_id`; its actor is the same person's account here and its revision a number from the file."""

    occurred_at: datetime | None  # None when an imported row's time text cannot be read
    occurred_text: str
    actor_id: int | None
    action: str
    object_type: str
    object_id: str | None
    summary: dict[str, Any]
    revision_number: int | None
    imported: bool = False


@dataclass(frozen=True)
class AssessmentEvents:
    """One page of the trail, with the names of the people who acted."""

    page: Page[TrailRow]
    actor_names: dict[int, str]
    imported_total: int  # rows brought in by an import, after this database's own events


def assessment_events(assessment: Assessment, *, page: int, per_page: int) -> AssessmentEvents:
    """Events about the assessment or any of its revisions, newest first, then the imported rows, newest
    first (they were all recorded before the import).

    Five statements on any page that holds one of this database's events, whatever the page or the
    assessment holds: the events with their total, the numbers of their revisions (never every
    revision), the imported rows' count and the page's share of them, and the actors' names. A page
    past this database's events counts them once more.
    """
    revision_ids = select(cast(Revision.id, String)).where(Revision.assessment_id == assessment.id)
    about = or_(
        and_(AuditEvent.object_type == "assessment", AuditEvent.object_id == str(assessment.id)),
        and_(AuditEvent.object_type == "revision", AuditEvent.object_id.in_(revision_ids)),
    )
    own = event_page(about, number=page, per_page=per_page)
    own_total = own.total if own.items else db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(about)) or 0
    numbers = _revision_numbers(assessment, own.items)
    rows = [TrailRow(e.occurred_at, e.occurred_at.isoformat(), e.actor_id, e.action, e.object_type, e.object_id,
                     e.summary or {}, numbers.get(e.object_id or "") if e.object_type == "revision" else None)
            for e in own.items]
    imported_total = db.session.scalar(select(func.count()).select_from(ImportedAuditEvent)
                                       .where(ImportedAuditEvent.assessment_id == assessment.id)) or 0
    skip = max(0, offset(page, per_page) - own_total)
    rows += [_imported_row(row) for row in db.session.scalars(
        select(ImportedAuditEvent).where(ImportedAuditEvent.assessment_id == assessment.id)
        .order_by(ImportedAuditEvent.position.desc()).offset(skip).limit(per_page - len(rows)))]
    names = user_names({row.actor_id for row in rows if row.actor_id is not None})
    return AssessmentEvents(Page(rows, page, per_page, own_total + imported_total), names, imported_total)


def _imported_row(row: ImportedAuditEvent) -> TrailRow:
    record = row.record
    text = str(record.get("occurred_at", ""))
    try:
        occurred_at: datetime | None = datetime.fromisoformat(text)
    except ValueError:
        occurred_at = None
    summary = record.get("summary")
    return TrailRow(occurred_at, text, row.actor_id, str(record.get("action", "")), str(record.get("object_type", "")),
                    record.get("object_id"), summary if isinstance(summary, dict) else {}, row.revision_number,
                    imported=True)


def _revision_numbers(assessment: Assessment, events: Sequence[AuditEvent]) -> dict[str, int]:
    ids = {int(event.object_id) for event in events if event.object_type == "revision"
           and (event.object_id or "").isdigit()}
    if not ids:
        return {}
    rows = db.session.execute(select(Revision.id, Revision.number)
                              .where(Revision.assessment_id == assessment.id, Revision.id.in_(ids)))
    return {str(row.id): row.number for row in rows}
