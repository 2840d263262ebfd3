"""An assessment's slice of the audit log: its own events and its revisions', a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, and_, cast, or_, select

from dpia.accounts.services.users import user_names
from dpia.assessments.models import Assessment, Revision
from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import event_page
from dpia.core.pagination import Page


@dataclass(frozen=True)
class AssessmentEvents:
    """One page of events, with the names of the people who acted and the revisions' numbers."""

    page: Page[AuditEvent]
    actor_names: dict[int, str]
    revision_numbers: dict[str, int]  # audit object id -> revision number


def assessment_events(assessment: Assessment, *, page: int, per_page: int) -> AssessmentEvents:
    """Events about the assessment or any of its revisions, newest first.

    Two statements whatever the page holds: the events with their total, then the actors' names.
    The revisions come from the assessment as the caller loaded it.
    """
    revision_ids = select(cast(Revision.id, String)).where(Revision.assessment_id == assessment.id)
    about = or_(
        and_(AuditEvent.object_type == "assessment", AuditEvent.object_id == str(assessment.id)),
        and_(AuditEvent.object_type == "revision", AuditEvent.object_id.in_(revision_ids)),
    )
    events = event_page(about, number=page, per_page=per_page)
    names = user_names({event.actor_id for event in events.items if event.actor_id is not None})
    return AssessmentEvents(events, names, {str(revision.id): revision.number for revision in assessment.revisions})
