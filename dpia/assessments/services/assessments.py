"""Reading and creating assessments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from dpia.accounts.models import Team, User
from dpia.assessments.models import Assessment, Revision, RevisionAddOn
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.content import revision_definition
from dpia.assessments.services.rows import prefill_rows
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_list_all_assessments, can_start_assessment
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.services import latest_version
from dpia.review.rules.states import RevisionState


@dataclass(frozen=True)
class AssessmentSummary:
    """One dashboard row: the assessment and its newest revision."""

    id: int
    reference: str
    title: str
    team_name: str
    latest_revision: int
    latest_state: RevisionState
    updated_at: datetime


def visible_assessment_summaries(actor: User) -> list[AssessmentSummary]:
    """List the assessments `actor` may see, newest revision first; one query whatever the count."""
    latest = (
        select(Revision.assessment_id, func.max(Revision.number).label("number"))
        .group_by(Revision.assessment_id)
        .subquery()
    )
    query = (
        select(Assessment.id, Assessment.reference, Assessment.title, Team.name,
               Revision.number, Revision.state, Revision.created_at)
        .join(Team, Team.id == Assessment.team_id)
        .join(latest, latest.c.assessment_id == Assessment.id)
        .join(Revision, (Revision.assessment_id == Assessment.id) & (Revision.number == latest.c.number))
        .order_by(Revision.created_at.desc(), Assessment.reference)
    )
    if not can_list_all_assessments(actor):
        query = query.where(Assessment.team_id.in_(actor.team_ids or {-1}))
    return [AssessmentSummary(*row) for row in db.session.execute(query)]


def create_assessment(
    *,
    actor: User | None,
    now: datetime,
    reference: str,
    title: str,
    team: Team,
    regime: Regime,
    questionnaire_version: QuestionnaireVersion,
    add_ons: Sequence[QuestionnaireVersion] = (),
) -> Assessment:
    """Create an assessment with its first, draft revision, and the starting rows its questionnaires give."""
    assessment = Assessment(reference=reference, title=title, team=team, created_at=now, created_by=actor)
    revision = Revision(assessment=assessment, number=1, state=RevisionState.DRAFT, regime=regime,
                        questionnaire_version=questionnaire_version, created_at=now, created_by=actor)
    revision.add_ons = [RevisionAddOn(questionnaire_version=version, position=position)
                        for position, version in enumerate(add_ons)]
    db.session.add_all([assessment, revision])
    db.session.flush()
    prefill_rows(revision, revision_definition(revision), now=now, actor=actor)
    record_event(actor=actor, now=now, action="assessment.create", object_type="assessment",
                 object_id=assessment.id, summary={"reference": reference})
    return assessment


def next_reference(now: datetime) -> str:
    """The next free reference for the year, like DPIA-2026-007."""
    prefix = f"DPIA-{now.year}-"
    taken = db.session.scalars(select(Assessment.reference).where(Assessment.reference.like(f"{prefix}%"))).all()
    numbers = [int(ref[len(prefix):]) for ref in taken if ref[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def start_assessment(*, actor: User, now: datetime, title: str, team: Team, regime: Regime,
                     add_on_keys: Sequence[str] = ()) -> Assessment:
    """Start an assessment for one of the actor's teams, on the newest built-in questionnaires."""

    require(can_start_assessment(actor, team), "You can only start assessments for your own teams")
    title = (title or "").strip()
    if not title:
        raise ValidationError("Enter the project's title")
    core = latest_version("uk-dpia")
    add_ons = [latest_version(key) for key in add_on_keys]
    if core is None or any(a is None for a in add_ons):
        raise ValidationError("That questionnaire is not available")
    return create_assessment(actor=actor, now=now, reference=next_reference(now), title=title, team=team,
                             regime=regime, questionnaire_version=core, add_ons=add_ons)
