"""What the read API reads, through the same loaders and permission rules as the pages: an
assessment or revision the actor may not see is "not found", exactly as on the pages.

Each function issues a fixed number of statements whatever the amount of data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from dpia.accounts.models import Team
from dpia.assessments.models import Assessment, Revision
from dpia.assessments.services.assessments import RevisionLine, find_visible_assessment, page_of, revision_page
from dpia.assessments.services.content import RevisionContent, RowView, get_visible_revision, load_content
from dpia.core.extensions import db
from dpia.core.pagination import Page
from dpia.core.permissions import Actor
from dpia.permissions import can_list_all_assessments
from dpia.publication.models import Publication, PublicationDecision, Redaction
from dpia.publication.services.decisions import plan_of, publication_decisions
from dpia.publication.services.redactions import redactions_for
from dpia.publication.services.scheduling import publication_of
from dpia.questionnaires.rules.definition import RowKind
from dpia.review.rules.states import RevisionState


@dataclass(frozen=True)
class AssessmentItem:
    reference: str
    title: str
    team: str
    created_at: datetime
    latest_revision: int
    latest_state: RevisionState


def _latest_revisions() -> Any:
    newer = aliased(Revision)
    return (select(Assessment.reference, Assessment.title, Team.name, Assessment.created_at,
                   Revision.number, Revision.state)
            .select_from(Assessment)
            .join(Team, Team.id == Assessment.team_id)
            .join(Revision, Revision.assessment_id == Assessment.id)
            .where(~select(newer.id).where(newer.assessment_id == Revision.assessment_id,
                                           newer.number > Revision.number).exists()))


def assessment_page(actor: Actor, *, number: int, per_page: int) -> Page[AssessmentItem]:
    """The assessments the actor may see (as the dashboard decides), oldest first by creation, so a
    client walking the pages never sees an item move to a page it has already read."""
    query = _latest_revisions().order_by(Assessment.id)
    if not can_list_all_assessments(actor):
        query = query.where(Assessment.team_id.in_(actor.team_ids or {-1}))
    return page_of(query, lambda row: AssessmentItem(*row), number=number, per_page=per_page)


def visible_assessment(actor: Actor, reference: str) -> AssessmentItem:
    """:raise NotFoundError: there is none, or the actor may not see it (the same answer)."""
    assessment = find_visible_assessment(actor, reference)
    row = db.session.execute(_latest_revisions().where(Assessment.id == assessment.id)).one()
    return AssessmentItem(*row)


def visible_revisions(actor: Actor, reference: str, *, number: int, per_page: int) -> Page[RevisionLine]:
    """The assessment's revisions, newest first, as its page lists them.

    :raise NotFoundError: as `visible_assessment`.
    """
    return revision_page(find_visible_assessment(actor, reference), number=number, per_page=per_page)


def visible_revision(actor: Actor, reference: str, number: int) -> Revision:
    """:raise NotFoundError: the assessment is not visible, or has no such revision."""
    return get_visible_revision(actor, reference, number)


def visible_content(actor: Actor, reference: str, number: int) -> RevisionContent:
    return load_content(get_visible_revision(actor, reference, number))


@dataclass(frozen=True)
class AnswerItem:
    question_key: str
    section_key: str
    question: str
    type: str
    value: Any


def answers_of(content: RevisionContent) -> list[AnswerItem]:
    """The answered questions of the sections the revision is made of, in questionnaire order (what
    the check-answers page shows; tables are read through their own endpoints)."""
    items = []
    for section in content.sections:
        for question in section.questions:
            if question.is_table or question.key not in content.answers or not question.applies(content.answers):
                continue
            items.append(AnswerItem(question.key, section.key, question.label, question.type.value,
                                    content.answers[question.key]))
    return items


@dataclass(frozen=True)
class RowItem:
    question_key: str
    row: RowView


def rows_of(content: RevisionContent, kind: RowKind) -> list[RowItem]:
    """The revision's rows of one first-class table kind, in questionnaire and row order, from the
    tables the revision's pages show (sections in scope, questions that apply)."""
    return [RowItem(question.key, row) for section in content.sections for question in section.questions
            if question.is_table and question.row_kind is kind and question.applies(content.answers)
            for row in content.rows.get(question.key, ())]


@dataclass(frozen=True)
class PublicationState:
    revision: Revision
    decisions: Sequence[PublicationDecision]
    plans: dict[int, str]
    redactions: Sequence[Redaction]
    publication: Publication | None


def publication_state(actor: Actor, reference: str, number: int) -> PublicationState:
    """The revision's publication decisions (with their current plans), redactions and schedule, as
    its publication page shows them to whoever may see the revision.

    :raise NotFoundError: as `visible_revision`.
    """
    revision = get_visible_revision(actor, reference, number)
    decisions = publication_decisions(revision)
    return PublicationState(revision, decisions, {d.id: plan_of(d).canonical for d in decisions},
                            redactions_for(revision), publication_of(revision))
