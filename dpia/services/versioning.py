"""Questionnaire versions: uploading new ones, comparing them, and moving a revision onto a later one.

Moving (upgrading) a revision keeps every answer and table row whose question still exists with
the same type (and, for tables, the same kind of row), matched by question key; everything else is
dropped. `plan_upgrade` says what would happen without changing anything, and `upgrade_revision`
does exactly that plan.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm.exc import StaleDataError

from dpia.domain.errors import ConflictError, NotFoundError, ValidationError
from dpia.domain.permissions import can_edit_revision, can_manage_questionnaires, require
from dpia.domain.questionnaire import Definition, Question, QuestionType, RowKind, combine, is_answered
from dpia.domain.questionnaire_diff import DefinitionDiff, diff_definitions, type_label
from dpia.domain.rows import ROW_KIND_LABELS
from dpia.domain.states import RevisionState
from dpia.extensions import db
from dpia.models import ROW_MODELS, Answer, Questionnaire, QuestionnaireVersion, Revision, RowMixin, TableRow, User
from dpia.questionnaires.schema import parse
from dpia.services.answers import prefill_rows
from dpia.services.audit import record_event
from dpia.services.questionnaires import LoadResult, definition_for_version, load_definition, revision_definition

UPGRADABLE_STATES = frozenset({RevisionState.DRAFT, RevisionState.CHANGES_REQUESTED})


# -- permissions ------------------------------------------------------------------------------
# -- uploading --------------------------------------------------------------------------------


def upload_version(*, actor: User, now: datetime, text: str, filename: str) -> LoadResult:
    """Validate an uploaded definition and store it as the next version of its questionnaire.

    Uploading content that is already stored changes nothing and returns that version with
    `created` False. Either way the upload is written to the audit log.

    :raise PermissionDeniedError: the actor is not an administrator.
    :raise DefinitionError: the file is not a valid definition (`messages` are `FILE:LINE: message`).
    :raise ValidationError: the file would turn a core questionnaire into an add-on, or back.
    """
    require(can_manage_questionnaires(actor), "Only administrators can upload questionnaires")
    definition = parse(text, filename)
    kind = definition.get("kind", "core")
    stored_kind = db.session.scalar(select(Questionnaire.kind).where(Questionnaire.key == definition["key"]))
    if stored_kind is not None and stored_kind != kind:
        raise ValidationError(
            f"{filename}: ‘{definition['key']}’ is stored as {_kind_name(stored_kind)} questionnaire but this file "
            f"makes it {_kind_name(kind)}. Give it a different key instead."
        )
    result = load_definition(definition, now=now)
    version = result.version
    record_event(actor=actor, now=now, action="questionnaire.upload", object_type="questionnaire_version",
                 object_id=version.id,
                 summary={"key": result.key, "number": version.number, "label": version.label,
                          "content_hash": version.content_hash, "created": result.created,
                          "filename": filename})
    return result


def _kind_name(kind: str) -> str:
    return "an add-on" if kind == "add_on" else "a core"


# -- listing and comparing --------------------------------------------------------------------


@dataclass(frozen=True)
class VersionSummary:
    id: int
    number: int
    label: str
    created_at: datetime
    content_hash: str


@dataclass(frozen=True)
class QuestionnaireSummary:
    key: str
    title: str
    kind: str
    versions: tuple[VersionSummary, ...]  # oldest first


def list_questionnaires() -> list[QuestionnaireSummary]:
    """Every questionnaire with its versions, core questionnaires first, in one query however many
    versions there are.

    The stored definitions are not loaded: they can be large and the list does not show them.
    """
    rows = db.session.execute(
        select(Questionnaire.key, Questionnaire.title, Questionnaire.kind, QuestionnaireVersion.id,
               QuestionnaireVersion.number, QuestionnaireVersion.label, QuestionnaireVersion.created_at,
               QuestionnaireVersion.content_hash)
        .outerjoin(QuestionnaireVersion, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .order_by(case((Questionnaire.kind == "core", 0), else_=1), Questionnaire.title, Questionnaire.key,
                  QuestionnaireVersion.number)
    )
    grouped: dict[str, tuple[str, str, list[VersionSummary]]] = {}
    for key, title, kind, version_id, number, label, created_at, content_hash in rows:
        entry = grouped.setdefault(key, (title, kind, []))
        if version_id is not None:
            entry[2].append(VersionSummary(version_id, number, label, created_at, content_hash))
    return [QuestionnaireSummary(key, title, kind, tuple(versions))
            for key, (title, kind, versions) in grouped.items()]


def get_version(key: str, number: int) -> QuestionnaireVersion:
    """:raise NotFoundError: no such questionnaire, or it has no version `number`."""
    version = db.session.scalar(
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(Questionnaire.key == key, QuestionnaireVersion.number == number)
    )
    if version is None:
        raise NotFoundError(f"There is no version {number} of questionnaire ‘{key}’")
    return version


@dataclass(frozen=True)
class VersionComparison:
    key: str
    title: str
    old: QuestionnaireVersion
    new: QuestionnaireVersion
    diff: DefinitionDiff


def compare_versions(key: str, from_number: int, to_number: int) -> VersionComparison:
    """What changed from version `from_number` to the later version `to_number` of one questionnaire.

    :raise ValidationError: `from_number` is not earlier than `to_number`.
    :raise NotFoundError: the questionnaire or either version does not exist.
    """
    if from_number >= to_number:
        raise ValidationError("Choose an earlier version to compare from than the one you compare to")
    old, new = get_version(key, from_number), get_version(key, to_number)
    diff = diff_definitions(definition_for_version(old), definition_for_version(new))
    return VersionComparison(key, new.questionnaire.title, old, new, diff)


# -- upgrading a revision ---------------------------------------------------------------------


class DropReason(enum.StrEnum):
    REMOVED = "removed"  # the target has no question with this key
    TYPE_CHANGED = "type_changed"  # the question now takes a different type of answer
    ROW_KIND_CHANGED = "row_kind_changed"  # still a table, but of a different kind of row
    OPTION_REMOVED = "option_removed"  # a choice the answer made is no longer offered


@dataclass(frozen=True)
class DroppedAnswer:
    question_key: str
    reason: DropReason
    detail: str  # in words, e.g. "was Short text, now Number"


@dataclass(frozen=True)
class RowGroup:
    """The rows one table question has in the revision."""

    question_key: str
    row_kind: RowKind | None  # None: a questionnaire-defined table (`TableRow`)
    row_uids: tuple[str, ...]


@dataclass(frozen=True)
class DroppedRows(RowGroup):
    reason: DropReason
    detail: str


@dataclass(frozen=True)
class DroppedCells:
    """Cells of a carried questionnaire-defined table whose column is gone or changed type."""

    question_key: str
    column_keys: tuple[str, ...]
    row_uids: tuple[str, ...]  # the rows that lose at least one cell


@dataclass(frozen=True)
class UpgradePlan:
    """What moving one revision onto a later questionnaire version keeps and loses.

    `newly_required` lists the target's required questions (that apply, given the carried answers)
    which would have no answer afterwards, whether or not they were answered or required before.
    """

    revision_id: int
    questionnaire_key: str
    from_version: int
    to_version: int
    target_version_id: int
    carried_answers: tuple[str, ...]
    dropped_answers: tuple[DroppedAnswer, ...]
    carried_rows: tuple[RowGroup, ...]
    dropped_rows: tuple[DroppedRows, ...]
    dropped_cells: tuple[DroppedCells, ...]
    newly_required: tuple[str, ...]

    @property
    def carried_keys(self) -> tuple[str, ...]:
        return tuple(sorted({*self.carried_answers, *(g.question_key for g in self.carried_rows)}))

    @property
    def dropped_keys(self) -> tuple[str, ...]:
        return tuple(sorted({*(d.question_key for d in self.dropped_answers),
                             *(g.question_key for g in self.dropped_rows)}))

    @property
    def loses_anything(self) -> bool:
        return bool(self.dropped_answers or self.dropped_rows or self.dropped_cells)

    def audit_summary(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire_key,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "carried": list(self.carried_keys),
            "dropped": list(self.dropped_keys),
            "dropped_cells": {c.question_key: list(c.column_keys) for c in self.dropped_cells},
            "newly_required": list(self.newly_required),
        }


@dataclass
class _Contents:
    answers: list[Answer]
    rows: dict[tuple[RowKind | None, str], list[RowMixin]]  # (kind, question key) -> rows in order


def plan_upgrade(revision: Revision, target_version: QuestionnaireVersion) -> UpgradePlan:
    """Work out, without changing anything, what moving `revision` onto `target_version` would do.

    :raise ValidationError: the revision is not a draft (or has no changes requested), or the target
        is not a later version of the questionnaire the revision uses.
    """
    plan, _ = _plan(revision, target_version)
    return plan


def upgrade_revision(*, actor: User, now: datetime, revision: Revision,
                     target_version: QuestionnaireVersion) -> UpgradePlan:
    """Move `revision` onto `target_version`, dropping what the plan drops, and audit it. Flushes only.

    :raise PermissionDeniedError: the actor may not change this assessment.
    :raise ValidationError: as for `plan_upgrade`.
    :raise ConflictError: someone changed the revision or one of its answers or rows meanwhile.
    """
    # Moving onto a new version rewrites the content, so it is an edit like any other.
    require(can_edit_revision(actor, revision),
            "Only members of the assessment's team can move a draft onto a new questionnaire version")
    plan, contents = _plan(revision, target_version)
    dropped_answers = {d.question_key for d in plan.dropped_answers}
    dropped_groups = {(g.row_kind, g.question_key) for g in plan.dropped_rows}
    cells_to_drop = {c.question_key: set(c.column_keys) for c in plan.dropped_cells}
    for answer in contents.answers:
        if answer.question_key in dropped_answers:
            db.session.delete(answer)
    for (kind, key), rows in contents.rows.items():
        for row in rows:
            if (kind, key) in dropped_groups:
                db.session.delete(row)
            elif isinstance(row, TableRow) and key in cells_to_drop and cells_to_drop[key] & row.cells.keys():
                row.cells = {k: v for k, v in row.cells.items() if k not in cells_to_drop[key]}
                row.updated_at = now
                row.updated_by_id = actor.id
    revision.questionnaire_version = target_version
    try:
        db.session.flush()
    except StaleDataError as error:
        raise ConflictError("Someone else changed this revision while it was being moved to the new "
                            "questionnaire version. Reload it and try again.") from error
    # Table questions new in the target start with the rows the questionnaire suggests, as they would
    # in a new assessment; tables that already have rows are left as they are.
    prefill_rows(revision, revision_definition(revision), now=now, actor=actor)
    record_event(actor=actor, now=now, action="revision.upgrade", object_type="revision", object_id=revision.id,
                 summary={"assessment": revision.assessment.reference, "revision": revision.number,
                          **plan.audit_summary()})
    return plan


def _plan(revision: Revision, target_version: QuestionnaireVersion) -> tuple[UpgradePlan, _Contents]:
    current = revision.questionnaire_version
    if revision.state not in UPGRADABLE_STATES:
        raise ValidationError(f"Revision {revision.number} is {revision.state.label.lower()}: only a draft, or a "
                              "revision with changes requested, can move to a new questionnaire version")
    if target_version.questionnaire_id != current.questionnaire_id:
        raise ValidationError("That version belongs to a different questionnaire from the one this revision uses")
    if target_version.number <= current.number:
        raise ValidationError(f"This revision uses version {current.number}; choose a later version to move to")

    source = revision_definition(revision)
    target = combine(definition_for_version(target_version),
                     tuple(definition_for_version(a.questionnaire_version) for a in revision.add_ons))
    contents = _load_contents(revision)

    carried_answers: dict[str, Any] = {}
    dropped_answers: list[DroppedAnswer] = []
    for answer in sorted(contents.answers, key=lambda a: a.question_key):
        key = answer.question_key
        reason = _answer_drop(source.question(key), target.question(key), answer.value)
        if reason is None:
            carried_answers[key] = answer.value
        else:
            dropped_answers.append(DroppedAnswer(key, *reason))

    carried_rows: list[RowGroup] = []
    dropped_rows: list[DroppedRows] = []
    dropped_cells: list[DroppedCells] = []
    for (kind, key), rows in sorted(contents.rows.items(), key=lambda item: (item[0][1], str(item[0][0]))):
        uids = tuple(row.row_uid for row in rows)
        after = target.question(key)
        reason = _rows_drop(kind, after)
        if reason is not None:
            dropped_rows.append(DroppedRows(key, kind, uids, *reason))
            continue
        carried_rows.append(RowGroup(key, kind, uids))
        if kind is None and after is not None:
            cells = _cells_to_drop(source.question(key), after, rows)
            if cells is not None:
                dropped_cells.append(cells)

    plan = UpgradePlan(
        revision_id=revision.id,
        questionnaire_key=current.questionnaire.key,
        from_version=current.number,
        to_version=target_version.number,
        target_version_id=target_version.id,
        carried_answers=tuple(carried_answers),
        dropped_answers=tuple(dropped_answers),
        carried_rows=tuple(carried_rows),
        dropped_rows=tuple(dropped_rows),
        dropped_cells=tuple(dropped_cells),
        newly_required=_unanswered_required(target, carried_answers, {g.question_key for g in carried_rows}),
    )
    return plan, contents


def _load_contents(revision: Revision) -> _Contents:
    answers = list(db.session.scalars(select(Answer).where(Answer.revision_id == revision.id)))
    rows: dict[tuple[RowKind | None, str], list[RowMixin]] = defaultdict(list)
    # Every row table, not only those the current definition names, so no stray row is left behind.
    for kind, model in ROW_MODELS.items():
        for row in db.session.scalars(select(model).where(model.revision_id == revision.id)
                                      .order_by(model.question_key, model.position, model.id)):
            rows[(kind, row.question_key)].append(row)
    return _Contents(answers, dict(rows))


def _answer_drop(before: Question | None, after: Question | None, value: Any = None) -> tuple[DropReason, str] | None:
    if after is None:
        return DropReason.REMOVED, "the question is no longer asked"
    if after.is_table:
        return DropReason.TYPE_CHANGED, f"now {type_label(after)}"
    if before is not None and before.type != after.type:
        return DropReason.TYPE_CHANGED, f"was {type_label(before)}, now {type_label(after)}"
    if after.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE) and value is not None:
        offered = {option.value for option in after.options}
        chosen = value if isinstance(value, list) else [value]
        gone = [str(v) for v in chosen if v not in offered]
        if gone:
            return DropReason.OPTION_REMOVED, f"no longer offers {', '.join(gone)}"
    return None


def _rows_drop(kind: RowKind | None, after: Question | None) -> tuple[DropReason, str] | None:
    if after is None:
        return DropReason.REMOVED, "the question is no longer asked"
    if not after.is_table:
        return DropReason.TYPE_CHANGED, f"now {type_label(after)}"
    if after.row_kind != kind:
        return DropReason.ROW_KIND_CHANGED, f"rows were {_kind_label(kind)}, now {_kind_label(after.row_kind)}"
    return None


def _kind_label(kind: RowKind | None) -> str:
    return f"{ROW_KIND_LABELS[kind]}s" if kind is not None else "the table's own columns"


def _cells_to_drop(before: Question | None, after: Question, rows: Sequence[RowMixin]) -> DroppedCells | None:
    """Cells whose column no longer exists, or now holds a different type of value."""
    new_types = {c.key: c.type for c in after.columns}
    old_types = {c.key: c.type for c in before.columns} if before is not None else {}
    columns: set[str] = set()
    affected: list[str] = []
    for row in rows:
        assert isinstance(row, TableRow)
        gone = {k for k in row.cells
                if k not in new_types or (k in old_types and old_types[k] != new_types[k])}
        if gone:
            columns |= gone
            affected.append(row.row_uid)
    if not columns:
        return None
    return DroppedCells(after.key, tuple(sorted(columns)), tuple(affected))


def _unanswered_required(target: Definition, answers: dict[str, Any], tables_with_rows: set[str]) -> tuple[str, ...]:
    missing = []
    for question in target.questions:
        if not question.required or not question.applies(answers):
            continue
        answered = question.key in tables_with_rows if question.is_table else is_answered(answers.get(question.key))
        if not answered:
            missing.append(question.key)
    return tuple(missing)
