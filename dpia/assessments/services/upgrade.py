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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from dpia.accounts.models import User
from dpia.assessments.models import ROW_MODELS, Answer, Revision, RowMixin, TableRow
from dpia.assessments.services.content import revision_definition
from dpia.assessments.services.rows import prefill_rows
from dpia.core.audit.services import record_event
from dpia.core.errors import ConflictError, ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_edit_revision
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.rules.definition import Definition, Question, QuestionType, RowKind, has_value
from dpia.questionnaires.rules.diff import type_label
from dpia.questionnaires.rules.row_kinds import ROW_KIND_LABELS
from dpia.questionnaires.services import combined_definition, latest_version

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
    before: Definition = field(compare=False, repr=False)  # the questionnaire as the revision uses it now
    after: Definition = field(compare=False, repr=False)  # and as it would be

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


def newer_version(revision: Revision) -> QuestionnaireVersion | None:
    """The newest version of the revision's core questionnaire, when it is newer than the one used."""
    current = revision.questionnaire_version
    newest = latest_version(current.questionnaire.key)
    return newest if newest is not None and newest.number > current.number else None


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
    if not revision.state.is_editable:
        raise ValidationError(f"Revision {revision.number} is {revision.state.label.lower()}: only a draft, or a "
                              "revision with changes requested, can move to a new questionnaire version")
    if target_version.questionnaire_id != current.questionnaire_id:
        raise ValidationError("That version belongs to a different questionnaire from the one this revision uses")
    if target_version.number <= current.number:
        raise ValidationError(f"This revision uses version {current.number}; choose a later version to move to")

    source = revision_definition(revision)
    target = combined_definition(target_version, [a.questionnaire_version for a in revision.add_ons])
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
        before=source,
        after=target,
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
        answered = question.key in tables_with_rows if question.is_table else has_value(answers.get(question.key))
        if not answered:
            missing.append(question.key)
    return tuple(missing)
