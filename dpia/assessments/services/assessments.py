"""Reading and creating assessments."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, joinedload

from dpia.accounts.models import Team, User
from dpia.assessments.models import Assessment, Revision, RevisionAddOn
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.content import revision_definition
from dpia.assessments.services.rows import prefill_rows
from dpia.core.audit.services import record_event
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.extensions import db
from dpia.core.pagination import Page, offset
from dpia.core.permissions import Actor, require
from dpia.permissions import can_list_all_assessments, can_start_assessment, can_view_assessment
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


def visible_assessment_summaries(actor: User, *, number: int = 1, per_page: int = 20) -> Page[AssessmentSummary]:
    """A page of the assessments `actor` may see, newest revision first; one statement whatever the count."""
    newer = aliased(Revision)
    # Walk revisions newest first (an index) and keep each assessment's latest, so a page stops after
    # its rows instead of ranking every assessment; every assessment has a revision, so the total is
    # a count of assessments.
    query = (
        select(Assessment.id, Assessment.reference, Assessment.title, Team.name,
               Revision.number, Revision.state, Revision.created_at)
        .select_from(Revision)
        .join(Assessment, Assessment.id == Revision.assessment_id)
        .join(Team, Team.id == Assessment.team_id)
        .where(~select(newer.id).where(newer.assessment_id == Revision.assessment_id,
                                       newer.number > Revision.number).exists())
        .order_by(Revision.created_at.desc(), Revision.id.desc())
    )
    total = select(func.count()).select_from(Assessment)
    if not can_list_all_assessments(actor):
        teams = actor.team_ids or {-1}
        query = query.where(Assessment.team_id.in_(teams))
        total = total.where(Assessment.team_id.in_(teams))
    rows = db.session.execute(query.limit(per_page).offset(offset(number, per_page))).all()
    return Page([AssessmentSummary(*row) for row in rows], number, per_page, db.session.scalar(total) or 0)


T = TypeVar("T")


def page_of(query: Select[Any], make: Callable[[tuple[Any, ...]], T], *, number: int, per_page: int) -> Page[T]:
    """One page of an ordered listing and the listing's total, in one statement: the database counts
    (a window over the whole result), cuts the page and never hands over the rest. `make` turns a row,
    without its total, into an item. A page past the end comes back empty, with a total of 0."""
    rows = db.session.execute(query.add_columns(func.count().over().label("page_of_total"))
                              .limit(per_page).offset(offset(number, per_page))).all()
    return Page([make(row[:-1]) for row in rows], number, per_page, rows[0].page_of_total if rows else 0)


def capped_page_of(query: Select[Any], make: Callable[[tuple[Any, ...]], T], *, order_by: Sequence[Any],
                   number: int, per_page: int, cap: int) -> Page[T]:
    """`page_of` for a list that can run to every row of a large table (reviews due, on a register
    years old): still one statement, but the database reads the list in `order_by` only as far as
    `cap` + 1 rows, numbering them as it goes, then counts and cuts the page from those. The page says
    `more` when the list is longer; only pages within `cap` are offered."""
    ranked = (query.add_columns(func.row_number().over(order_by=order_by).label("page_of_position"))
              .order_by(*order_by).limit(cap + 1).subquery())
    columns = [column for column in ranked.c if column.key != "page_of_position"]
    start = offset(number, per_page)
    shown = min(per_page, cap - start)  # the row past the cap only says there are more
    if shown <= 0:
        return Page([], number, per_page, 0)
    rows = db.session.execute(select(*columns, func.count().over().label("page_of_total"))
                              .order_by(ranked.c.page_of_position).limit(shown).offset(start)).all()
    found = rows[0].page_of_total if rows else 0
    return Page([make(row[:-1]) for row in rows], number, per_page, min(found, cap), more=found > cap)


def find_visible_assessment(actor: Actor, reference: str) -> Assessment:
    """The assessment and its team, without its revisions, for pages that list them a page at a time.

    :raise NotFoundError: as `get_visible_assessment` does, so that references cannot be probed.
    """
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == reference)
                                   .options(joinedload(Assessment.team)))
    if assessment is None or not can_view_assessment(actor, assessment):
        raise NotFoundError(reference)
    return assessment


@dataclass(frozen=True)
class RevisionLine:
    """One revision as the assessment page lists it."""

    number: int
    state: RevisionState
    regime: Regime
    created_at: datetime
    rationale: str | None


def revision_page(assessment: Assessment, *, number: int, per_page: int) -> Page[RevisionLine]:
    """A page of the assessment's revisions, newest first (one statement whatever their number)."""
    query = (select(Revision.number, Revision.state, Revision.regime, Revision.created_at, Revision.rationale)
             .where(Revision.assessment_id == assessment.id).order_by(Revision.number.desc()))
    return page_of(query, lambda row: RevisionLine(*row), number=number, per_page=per_page)


def revision_choices(assessment: Assessment) -> list[tuple[int, RevisionState]]:
    """Every revision's number and state, oldest first, for choosing two to compare (light columns only)."""
    return [(row.number, row.state) for row in db.session.execute(
        select(Revision.number, Revision.state).where(Revision.assessment_id == assessment.id)
        .order_by(Revision.number))]


def revisions_numbered(assessment: Assessment, numbers: Sequence[int]) -> dict[int, Revision]:
    """The assessment's revisions with these numbers (with what `load_content` needs), by number."""
    revisions = db.session.scalars(select(Revision).where(Revision.assessment_id == assessment.id,
                                                          Revision.number.in_(set(numbers)))
                                   .options(joinedload(Revision.questionnaire_version)))
    return {revision.number: revision for revision in revisions}


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
