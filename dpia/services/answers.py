"""Filling in a revision: reading its answers and rows, saving a section, editing table rows.

Reads are bounded: one query for answers, one per row table, one for section save counters,
whatever the number of questions or rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from dpia.domain.answers import AnswerError, Raw, parse_answer, required_message
from dpia.domain.errors import ConflictError, NotFoundError
from dpia.domain.permissions import can_edit_revision, require
from dpia.domain.progress import SectionProgress, section_progress
from dpia.domain.questionnaire import Column, Definition, Option, Question, RowKind, Section
from dpia.domain.risk import HeatMap, RatedRisk, first_line, heat_map
from dpia.extensions import db
from dpia.models import ROW_MODELS, Answer, Revision, Risk, RowMixin, SectionSave, TableRow, User
from dpia.services.audit import record_event
from dpia.services.questionnaires import revision_definition


@dataclass(frozen=True)
class RowView:
    """One table row as plain values: `cells` maps column keys to typed values."""

    uid: str
    ref: str  # "R1", "R2"... for risks; "1", "2"... otherwise
    position: int
    lock_version: int
    cells: Mapping[str, Any]
    computed: Mapping[str, Any] = field(default_factory=dict)  # e.g. a risk's overall and residual level


@dataclass
class RevisionContent:
    """Everything needed to show or check a revision's answers, loaded in a fixed number of queries."""

    revision: Revision
    definition: Definition
    answers: dict[str, Any]
    rows: dict[str, list[RowView]]
    section_locks: dict[str, int]

    @property
    def row_cells(self) -> dict[str, list[Mapping[str, Any]]]:
        return {key: [row.cells for row in rows] for key, rows in self.rows.items()}

    def progress(self, section: Section) -> SectionProgress:
        return section_progress(section, self.answers, self.row_cells, saved=section.key in self.section_locks)

    def risk_rows(self) -> list[RowView]:
        return [row for key, rows in self.rows.items()
                if (q := self.definition.question(key)) is not None and q.row_kind is RowKind.RISK for row in rows]

    def rated_risks(self) -> tuple[RatedRisk, ...]:
        return tuple(RatedRisk(ref=row.ref, title=first_line(row.cells.get("description")),
                               likelihood=row.cells.get("likelihood"), severity=row.cells.get("severity"),
                               residual_likelihood=row.cells.get("residual_likelihood"),
                               residual_severity=row.cells.get("residual_severity"))
                     for row in self.risk_rows())

    def heat_maps(self) -> tuple[HeatMap, HeatMap] | None:
        """The risk matrix before and after measures, or None without a risk model or risks."""
        model = self.definition.risk_model
        risks = self.rated_risks()
        if model is None or not risks:
            return None
        return heat_map(model, risks, after_measures=False), heat_map(model, risks, after_measures=True)

    def risk_options(self) -> tuple[Option, ...]:
        """Choices for "the risk this measure addresses": the revision's own risks."""
        return tuple(Option(row.uid, f"{row.ref}: {first_line(row.cells.get('description'))}")
                     for row in self.risk_rows())

    def options_for(self, column: Column) -> tuple[Option, ...] | None:
        """The allowed choices of a column whose options depend on the revision."""
        model = self.definition.risk_model
        if column.options_from == "likelihood" and model:
            return tuple(Option(level.key, level.label) for level in model.likelihood)
        if column.options_from == "severity" and model:
            return tuple(Option(level.key, level.label) for level in model.severity)
        if column.options_from == "risks":
            return self.risk_options()
        return None


def _cells(model_row: RowMixin, question: Question) -> dict[str, Any]:
    if isinstance(model_row, TableRow):
        return dict(model_row.cells or {})
    return {column.key: getattr(model_row, column.key) for column in question.columns}


def load_content(revision: Revision) -> RevisionContent:
    """Load a revision's answers, rows and section counters (queries do not grow with content)."""
    definition = revision_definition(revision)
    answers = dict(db.session.execute(
        select(Answer.question_key, Answer.value).where(Answer.revision_id == revision.id)).all())
    locks = dict(db.session.execute(
        select(SectionSave.section_key, SectionSave.lock_version).where(SectionSave.revision_id == revision.id)
    ).all())
    kinds = {q.row_kind for q in definition.questions if q.is_table}
    rows: dict[str, list[RowView]] = {q.key: [] for q in definition.questions if q.is_table}
    for kind in kinds:
        model = ROW_MODELS[kind]
        for model_row in db.session.scalars(
            select(model).where(model.revision_id == revision.id).order_by(model.question_key, model.position)
        ):
            question = definition.question(model_row.question_key)
            if question is None or not question.is_table:
                continue  # left over from an older questionnaire version; never shown
            computed = ({"overall": model_row.overall, "residual": model_row.residual}
                        if isinstance(model_row, Risk) else {})
            rows[question.key].append(RowView(model_row.row_uid, "", model_row.position, model_row.lock_version,
                                              _cells(model_row, question), computed))
    return RevisionContent(revision, definition, answers, _with_refs(definition, rows), locks)


def _with_refs(definition: Definition, rows: dict[str, list[RowView]]) -> dict[str, list[RowView]]:
    """Label rows for people: risks R1, R2... across the whole revision (measures cite them),
    other rows 1, 2... within their table."""
    risk_number = 0
    labelled: dict[str, list[RowView]] = {}
    for question in definition.questions:
        if not question.is_table:
            continue
        labelled[question.key] = []
        for index, row in enumerate(rows.get(question.key, []), start=1):
            if question.row_kind is RowKind.RISK:
                risk_number += 1
                ref = f"R{risk_number}"
            else:
                ref = str(index)
            labelled[question.key].append(replace(row, ref=ref))
    return labelled


# -- saving a section -------------------------------------------------------------------------

@dataclass(frozen=True)
class SectionOutcome:
    """What a save (or a preview) found: parsed values, errors by question key, what changed."""

    values: dict[str, Any]
    errors: dict[str, str]
    changed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class SectionConflict(ConflictError):
    """Someone else saved the section first; carries their values so the page can show both."""

    def __init__(self, section: Section, theirs: Mapping[str, Any], by: User | None, at: datetime | None) -> None:
        super().__init__("Someone else saved this section after you opened it")
        self.section = section
        self.theirs = dict(theirs)
        self.by = by
        self.at = at


def parse_section(content: RevisionContent, section: Section, raw: Mapping[str, Raw]) -> SectionOutcome:
    """Read every question of a section from raw input; errors only for questions that apply."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in section.questions:
        if question.is_table:
            continue
        try:
            values[question.key] = parse_answer(question, raw.get(question.key))
        except AnswerError as error:
            errors[question.key] = str(error)
    merged = {**content.answers, **values}
    # Hidden questions are neither validated nor counted; their typed text is kept when it is valid.
    errors = {key: message for key, message in errors.items()
              if (q := content.definition.question(key)) is not None and q.applies(merged)}
    return SectionOutcome(values, errors)


def save_section(*, actor: User, now: datetime, revision: Revision, section_key: str,
                 raw: Mapping[str, Raw], expected_lock: int) -> SectionOutcome:
    """Validate and store one section's answers in one transaction.

    :param expected_lock: the section counter the form was loaded with (0 if never saved).
    :raise SectionConflict: the section was saved by someone else since the form was loaded.
    """
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    content = load_content(revision)
    section = content.definition.section(section_key)
    if section is None:
        raise NotFoundError(section_key)
    outcome = parse_section(content, section, raw)
    if not outcome.ok:
        return outcome
    lock_row = db.session.get(SectionSave, (revision.id, section_key))
    current = lock_row.lock_version if lock_row else 0
    if current != expected_lock:
        theirs = {q.key: content.answers.get(q.key) for q in section.questions if not q.is_table}
        raise SectionConflict(section, theirs, lock_row.updated_by if lock_row else None,
                              lock_row.updated_at if lock_row else None)
    changed = _store_answers(revision, outcome.values, content.answers, actor=actor, now=now)
    if lock_row is None:
        db.session.add(SectionSave(revision_id=revision.id, section_key=section_key, updated_at=now,
                                   updated_by_id=actor.id))
    else:
        lock_row.updated_at = now
        lock_row.updated_by_id = actor.id
    try:
        db.session.flush()
    except StaleDataError as error:  # a concurrent save won the race inside the transaction
        raise SectionConflict(section, {}, None, None) from error
    record_event(actor=actor, now=now, action="section.save", object_type="revision", object_id=revision.id,
                 summary={"section": section_key, "changed": sorted(changed)})
    return SectionOutcome(outcome.values, {}, tuple(sorted(changed)))


def _store_answers(revision: Revision, values: Mapping[str, Any], stored: Mapping[str, Any], *,
                   actor: User, now: datetime) -> list[str]:
    changed = [key for key, value in values.items() if stored.get(key) != value]
    if not changed:
        return []
    existing = {a.question_key: a for a in db.session.scalars(
        select(Answer).where(Answer.revision_id == revision.id, Answer.question_key.in_(changed)))}
    for key in changed:
        value = values[key]
        answer = existing.get(key)
        if value is None:
            if answer is not None:
                db.session.delete(answer)
        elif answer is None:
            db.session.add(Answer(revision_id=revision.id, question_key=key, value=value, updated_at=now,
                                  updated_by_id=actor.id))
        else:
            answer.value = value
            answer.updated_at = now
            answer.updated_by_id = actor.id
    return changed


# -- table rows -------------------------------------------------------------------------------

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


def table_question(content: RevisionContent, question_key: str) -> Question:
    question = content.definition.question(question_key)
    if question is None or not question.is_table:
        raise NotFoundError(question_key)
    return question


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


def _apply_cells(model_row: RowMixin, question: Question, values: Mapping[str, Any],
                 definition: Definition) -> None:
    if isinstance(model_row, TableRow):
        model_row.cells = {k: v for k, v in values.items() if v is not None}
        return
    for key, value in values.items():
        setattr(model_row, key, value)
    if isinstance(model_row, Risk):
        model = definition.risk_model
        model_row.risk_model_key = model.key if model else "none"
        model_row.overall = model.overall(model_row.likelihood, model_row.severity) if model else None
        model_row.residual = (model.overall(model_row.residual_likelihood, model_row.residual_severity)
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


def add_row(*, actor: User, now: datetime, revision: Revision, question_key: str,
            raw: Mapping[str, Raw]) -> RowOutcome:
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    content = load_content(revision)
    question = table_question(content, question_key)
    outcome = parse_row(content, question, raw)
    if not outcome.ok:
        return outcome
    position = len(content.rows.get(question.key, ())) + 1
    row = _new_row(question, revision, position, now, actor)
    _apply_cells(row, question, outcome.values, content.definition)
    db.session.add(row)
    db.session.flush()
    record_event(actor=actor, now=now, action="row.add", object_type="revision", object_id=revision.id,
                 summary={"question": question_key, "row": row.row_uid})
    return RowOutcome(outcome.values, {}, row.row_uid)


def update_row(*, actor: User, now: datetime, revision: Revision, question_key: str, uid: str,
               raw: Mapping[str, Raw], expected_lock: int) -> RowOutcome:
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    content = load_content(revision)
    question = table_question(content, question_key)
    outcome = parse_row(content, question, raw)
    if not outcome.ok:
        return outcome
    row = _find_row(question, revision, uid)
    if row is None:
        raise RowConflict(question, None)
    if row.lock_version != expected_lock:
        raise RowConflict(question, _cells(row, question))
    _apply_cells(row, question, outcome.values, content.definition)
    row.updated_at = now
    row.updated_by_id = actor.id
    try:
        db.session.flush()
    except StaleDataError as error:
        raise RowConflict(question, None) from error
    record_event(actor=actor, now=now, action="row.update", object_type="revision", object_id=revision.id,
                 summary={"question": question_key, "row": uid})
    return RowOutcome(outcome.values, {}, uid)


def remove_row(*, actor: User, now: datetime, revision: Revision, question_key: str, uid: str,
               expected_lock: int) -> None:
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    content = load_content(revision)
    question = table_question(content, question_key)
    row = _find_row(question, revision, uid)
    if row is None:
        return  # already gone: removing twice is harmless
    if row.lock_version != expected_lock:
        raise RowConflict(question, _cells(row, question))
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
        _apply_cells(row, question, dict(cells), definition)
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


__all__ = [
    "RevisionContent",
    "RowConflict",
    "RowOutcome",
    "RowView",
    "SectionConflict",
    "SectionOutcome",
    "add_row",
    "load_content",
    "parse_row",
    "parse_section",
    "insert_rows",
    "prefill_rows",
    "remove_row",
    "save_section",
    "update_row",
]
