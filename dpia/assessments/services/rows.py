"""Table rows of a revision: adding, changing and removing them, and the rows a questionnaire starts with."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from dpia.accounts.models import User
from dpia.assessments.models import ROW_MODELS, Revision, Risk, RowMixin, TableRow
from dpia.assessments.rules.answers import AnswerError, Raw, parse_answer, required_message
from dpia.assessments.rules.risk import rate
from dpia.assessments.services.content import RevisionContent, cells_of
from dpia.core.audit.services import record_event
from dpia.core.errors import ConflictError, NotFoundError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_edit_revision
from dpia.questionnaires.rules.definition import Definition, Question, QuestionType, Section


@dataclass(frozen=True)
class RowOutcome:
    values: dict[str, Any]
    errors: dict[str, str]
    uid: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class RowConflict(ConflictError):
    def __init__(self, question: Question, theirs: Mapping[str, Any] | None) -> None:
        super().__init__("Someone else changed or removed this row after you opened it")
        self.question = question
        self.theirs = dict(theirs) if theirs is not None else None


def table_location(content: RevisionContent, question_key: str) -> tuple[Section, Question]:
    """The section holding table question `question_key`, and the question.

    :raise NotFoundError: the revision's questionnaire has no such table.
    """
    for section in content.definition.sections:
        for question in section.questions:
            if question.key == question_key and question.is_table:
                return section, question
    raise NotFoundError(question_key)


def table_question(content: RevisionContent, question_key: str) -> Question:
    return table_location(content, question_key)[1]


def parse_row(content: RevisionContent, question: Question, raw: Mapping[str, Raw]) -> RowOutcome:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for column in question.columns:
        if column.is_computed:
            continue
        try:
            values[column.key] = parse_answer(column, raw.get(column.key), options=content.options_for(column))
        except AnswerError as error:
            errors[column.key] = str(error)
            continue
        if column.required and values[column.key] is None:
            errors[column.key] = required_message(column)
    return RowOutcome(values, errors)


def apply_cells(model_row: RowMixin, question: Question, values: Mapping[str, Any],
                 definition: Definition) -> None:
    if isinstance(model_row, TableRow):
        model_row.cells = {k: v for k, v in values.items() if v is not None}
        return
    dates = {column.key for column in question.columns if column.type is QuestionType.DATE}
    for key, value in values.items():
        # Cells carry dates as ISO text; a typed row stores them in a Date column.
        setattr(model_row, key, date.fromisoformat(value) if key in dates and isinstance(value, str) else value)
    if isinstance(model_row, Risk):
        model = definition.risk_model
        model_row.risk_model_key = model.key if model else "none"
        model_row.overall = rate(model, model_row.likelihood, model_row.severity) if model else None
        model_row.residual = (rate(model, model_row.residual_likelihood, model_row.residual_severity)
                              if model else None)


def _new_row(question: Question, revision: Revision, position: int, now: datetime,
             actor: User | None) -> RowMixin:
    model = ROW_MODELS[question.row_kind]
    row = model(revision_id=revision.id, question_key=question.key, row_uid=uuid.uuid4().hex, position=position,
                updated_at=now, updated_by_id=actor.id if actor else None)
    if isinstance(row, TableRow):
        row.cells = {}
    elif isinstance(row, Risk):
        row.risk_model_key = "none"
    return row


def _find_row(question: Question, revision: Revision, uid: str) -> RowMixin | None:
    model = ROW_MODELS[question.row_kind]
    return db.session.scalar(select(model).where(model.revision_id == revision.id,
                                                 model.question_key == question.key, model.row_uid == uid))


def add_row(*, actor: User, now: datetime, content: RevisionContent, question_key: str,
            raw: Mapping[str, Raw]) -> RowOutcome:
    revision = content.revision
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    question = table_question(content, question_key)
    outcome = parse_row(content, question, raw)
    if not outcome.ok:
        return outcome
    position = len(content.rows.get(question.key, ())) + 1
    row = _new_row(question, revision, position, now, actor)
    apply_cells(row, question, outcome.values, content.definition)
    db.session.add(row)
    db.session.flush()
    record_event(actor=actor, now=now, action="row.add", object_type="revision", object_id=revision.id,
                 summary={"question": question_key, "row": row.row_uid})
    return RowOutcome(outcome.values, {}, row.row_uid)


def update_row(*, actor: User, now: datetime, content: RevisionContent, question_key: str, uid: str,
               raw: Mapping[str, Raw], expected_lock: int) -> RowOutcome:
    revision = content.revision
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    question = table_question(content, question_key)
    outcome = parse_row(content, question, raw)
    if not outcome.ok:
        return outcome
    row = _find_row(question, revision, uid)
    if row is None:
        raise RowConflict(question, None)
    if row.lock_version != expected_lock:
        raise RowConflict(question, cells_of(row, question))
    apply_cells(row, question, outcome.values, content.definition)
    row.updated_at = now
    row.updated_by_id = actor.id
    try:
        db.session.flush()
    except StaleDataError as error:
        raise RowConflict(question, None) from error
    record_event(actor=actor, now=now, action="row.update", object_type="revision", object_id=revision.id,
                 summary={"question": question_key, "row": uid})
    return RowOutcome(outcome.values, {}, uid)


def remove_row(*, actor: User, now: datetime, content: RevisionContent, question_key: str, uid: str,
               expected_lock: int) -> None:
    revision = content.revision
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    question = table_question(content, question_key)
    row = _find_row(question, revision, uid)
    if row is None:
        return  # already gone: removing twice is harmless
    if row.lock_version != expected_lock:
        raise RowConflict(question, cells_of(row, question))
    db.session.delete(row)
    model = ROW_MODELS[question.row_kind]
    later = db.session.scalars(select(model).where(model.revision_id == revision.id,
                                                   model.question_key == question.key,
                                                   model.position > row.position))
    for other in later:
        other.position -= 1
    db.session.flush()
    record_event(actor=actor, now=now, action="row.remove", object_type="revision", object_id=revision.id,
                 summary={"question": question_key, "row": uid})


def insert_rows(revision: Revision, question: Question, rows: Sequence[Mapping[str, Any]], definition: Definition,
                *, now: datetime, actor: User | None = None) -> list[RowMixin]:
    """Append rows given as typed cells (no parsing): for starting rows, imports and the demo."""
    model = ROW_MODELS[question.row_kind]
    start = db.session.scalar(select(func.count()).select_from(model).where(
        model.revision_id == revision.id, model.question_key == question.key)) or 0
    made = []
    for offset, cells in enumerate(rows, start=1):
        row = _new_row(question, revision, start + offset, now, actor)
        apply_cells(row, question, dict(cells), definition)
        db.session.add(row)
        made.append(row)
    db.session.flush()
    return made


def prefill_rows(revision: Revision, definition: Definition, *, now: datetime, actor: User | None = None) -> int:
    """Insert the starting rows a questionnaire provides (e.g. the mandatory LFR risks), once."""
    added = 0
    for question in definition.questions:
        if not question.is_table or not question.prefill:
            continue
        model = ROW_MODELS[question.row_kind]
        if db.session.scalar(select(func.count()).select_from(model).where(
                model.revision_id == revision.id, model.question_key == question.key)):
            continue
        added += len(insert_rows(revision, question, question.prefill, definition, now=now, actor=actor))
    return added
