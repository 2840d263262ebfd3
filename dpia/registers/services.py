"""The internal registers: every retention rule and access rule of the assessments a person may see,
read from each assessment's latest revision (or its approved one), filtered, a page at a time.

Visibility is the dashboard's: oversight roles see every assessment, anyone else their teams' only
(`dpia.permissions.can_list_all_assessments`). Each page is one statement whatever the number of
assessments (the total comes with the page); a CSV export is one streamed statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import aliased

from dpia.accounts.models import Team, User
from dpia.assessments.models import AccessRule, Assessment, Revision
from dpia.assessments.models import RetentionRule as Retention
from dpia.assessments.services.assessments import page_of
from dpia.core.extensions import db
from dpia.core.pagination import Page
from dpia.permissions import can_list_all_assessments
from dpia.questionnaires.rules.row_kinds import DELETION_METHODS, RETENTION_TRIGGERS
from dpia.registers.rules import PeriodFilter, period_label
from dpia.review.rules.states import RevisionState

TRIGGER_LABELS = {option.value: option.label for option in RETENTION_TRIGGERS}
DELETION_LABELS = {option.value: option.label for option in DELETION_METHODS}
STREAM_CHUNK = 1_000


@dataclass(frozen=True)
class Filters:
    """What a register is narrowed to. `approved_only` reads each assessment's approved revision (the
    version of record) instead of its latest one."""

    category: str = ""
    period: PeriodFilter = PeriodFilter()
    team_id: int | None = None
    state: RevisionState | None = None
    approved_only: bool = False


@dataclass(frozen=True)
class RuleSource:
    """The assessment and revision a register row comes from."""

    reference: str
    title: str
    team_name: str
    revision_number: int
    state: RevisionState


@dataclass(frozen=True)
class RetentionLine:
    source: RuleSource
    data_category: str
    period_days: int | None
    trigger: str | None
    justification: str | None
    exceptions: str | None
    deletion_method: str | None

    @property
    def period(self) -> str:
        return period_label(self.period_days)

    @property
    def trigger_label(self) -> str:
        return TRIGGER_LABELS.get(self.trigger or "", self.trigger or "")

    @property
    def deletion_label(self) -> str:
        return DELETION_LABELS.get(self.deletion_method or "", self.deletion_method or "")


@dataclass(frozen=True)
class AccessLine:
    source: RuleSource
    data_category: str
    who: str
    logged: bool | None
    notes: str | None

    @property
    def logged_label(self) -> str:
        return {True: "Yes", False: "No"}.get(self.logged, "Not answered")  # type: ignore[arg-type]


_SOURCE_COLUMNS = (Assessment.reference, Assessment.title, Team.name, Revision.number, Revision.state)
_RETENTION_COLUMNS = (Retention.data_category, Retention.period_days, Retention.trigger, Retention.justification,
                      Retention.exceptions, Retention.deletion_method)
_ACCESS_COLUMNS = (AccessRule.data_category, AccessRule.who, AccessRule.logged, AccessRule.notes)


def _revisions(actor: User, filters: Filters) -> ColumnElement[bool]:
    """The revision each assessment contributes, and only the assessments `actor` may see."""
    if filters.approved_only:
        # Approving a revision supersedes the one before, so an assessment has at most one approved.
        conditions = [Revision.state == RevisionState.APPROVED]
    else:
        newer = aliased(Revision)
        conditions = [~select(newer.id).where(newer.assessment_id == Revision.assessment_id,
                                              newer.number > Revision.number).exists()]
    if filters.state is not None:
        conditions.append(Revision.state == filters.state)
    if filters.team_id is not None:
        conditions.append(Assessment.team_id == filters.team_id)
    if not can_list_all_assessments(actor):
        conditions.append(Assessment.team_id.in_(actor.team_ids or {-1}))
    return and_(*conditions)


def _from_rules(model: type[Retention] | type[AccessRule], columns: tuple[Any, ...], actor: User,
                filters: Filters) -> Select[Any]:
    stmt = (select(*_SOURCE_COLUMNS, *columns)
            .select_from(model)
            .join(Revision, Revision.id == model.revision_id)
            .join(Assessment, Assessment.id == Revision.assessment_id)
            .join(Team, Team.id == Assessment.team_id)
            .where(_revisions(actor, filters)))
    if filters.category.strip():
        stmt = stmt.where(model.data_category.icontains(filters.category.strip(), autoescape=True))
    return stmt.order_by(Assessment.reference, model.question_key, model.position, model.id)


def _retention_statement(actor: User, filters: Filters) -> Select[Any]:
    stmt = _from_rules(Retention, _RETENTION_COLUMNS, actor, filters)
    period = filters.period
    if period.policy:
        stmt = stmt.where(Retention.period_days.is_(None))
    if period.low is not None:
        stmt = stmt.where(Retention.period_days >= period.low)
    if period.high is not None:
        stmt = stmt.where(Retention.period_days <= period.high)
    return stmt


def _retention_line(row: tuple[Any, ...]) -> RetentionLine:
    return RetentionLine(RuleSource(*row[:5]), *row[5:])


def _access_line(row: tuple[Any, ...]) -> AccessLine:
    return AccessLine(RuleSource(*row[:5]), *row[5:])


def retention_register(actor: User, filters: Filters, *, number: int = 1,
                       per_page: int = 50) -> Page[RetentionLine]:
    """A page of the retention schedule across the assessments `actor` may see (one statement)."""
    return page_of(_retention_statement(actor, filters), _retention_line, number=number, per_page=per_page)


def access_register(actor: User, filters: Filters, *, number: int = 1, per_page: int = 50) -> Page[AccessLine]:
    """A page of the access rules across the assessments `actor` may see (one statement)."""
    return page_of(_from_rules(AccessRule, _ACCESS_COLUMNS, actor, filters), _access_line,
                   number=number, per_page=per_page)


def _stream(stmt: Select[Any]) -> Iterator[tuple[Any, ...]]:
    """Every row of `stmt`, fetched a chunk at a time from one statement (a server-side cursor where
    the database has one), so an export of any size holds one chunk in memory."""
    result = db.session.execute(stmt.execution_options(yield_per=STREAM_CHUNK))
    for partition in result.partitions():
        yield from partition


def all_retention_lines(actor: User, filters: Filters) -> Iterator[RetentionLine]:
    """Every retention rule the filters select, for the CSV export."""
    return (_retention_line(tuple(row)) for row in _stream(_retention_statement(actor, filters)))


def all_access_lines(actor: User, filters: Filters) -> Iterator[AccessLine]:
    """Every access rule the filters select, for the CSV export."""
    return (_access_line(tuple(row)) for row in _stream(_from_rules(AccessRule, _ACCESS_COLUMNS, actor, filters)))


def visible_teams(actor: User) -> list[tuple[int, str]]:
    """The teams whose assessments `actor` may see, for the team filter (one statement)."""
    stmt = select(Team.id, Team.name).order_by(Team.name, Team.id)
    if not can_list_all_assessments(actor):
        stmt = stmt.where(Team.id.in_(actor.team_ids or {-1}))
    return [(row.id, row.name) for row in db.session.execute(stmt)]
