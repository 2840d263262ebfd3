"""An assessment's slice of the audit log: its own events and its revisions', a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import String, and_, cast, or_, select

from dpia.accounts.services.users import user_names
from dpia.assessments.models import Assessment, Revision
from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import event_page
from dpia.core.extensions import db
from dpia.core.pagination import Page


@dataclass(frozen=True)
class AssessmentEvents:
    """One page of events, with the names of the people who acted and the revisions' numbers."""

    page: Page[AuditEvent]
    actor_names: dict[int, str]
    revision_numbers: dict[str, int]  # audit object id -> revision number


def assessment_events(assessment: Assessment, *, page: int, per_page: int) -> AssessmentEvents:
    """Events about the assessment or any of its revisions, newest first.

    Three statements whatever the page or the assessment holds: the events with their total, the
    actors' names, and the numbers of the revisions the page's events are about (never every revision).
    """
    revision_ids = select(cast(Revision.id, String)).where(Revision.assessment_id == assessment.id)
    about = or_(
        and_(AuditEvent.object_type == "assessment", AuditEvent.object_id == str(assessment.id)),
        and_(AuditEvent.object_type == "revision", AuditEvent.object_id.in_(revision_ids)),
    )
    events = event_page(about, number=page, per_page=per_page)
    names = user_names({event.actor_id for event in events.items if event.actor_id is not None})
    return AssessmentEvents(events, names, _revision_numbers(assessment, events.items))


def _revision_numbers(assessment: Assessment, events: Sequence[AuditEvent]) -> dict[str, int]:
    ids = {int(event.object_id) for event in events if event.object_type == "revision"
           and (event.object_id or "").isdigit()}
    if not ids:
        return {}
    rows = db.session.execute(select(Revision.id, Revision.number)
                              .where(Revision.assessment_id == assessment.id, Revision.id.in_(ids)))
    return {str(row.id): row.number for row in rows}
