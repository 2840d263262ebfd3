"""How far a revision has got: which questions apply, which required ones are answered, and each
section's status for the task list."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dpia.questionnaires.rules.definition import Column, Question, Section, has_value


class SectionStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OPTIONAL = "optional"  # nothing in it is required, and nothing has been entered

    @property
    def label(self) -> str:
        return {"not_started": "Not yet started", "in_progress": "In progress", "completed": "Completed",
                "optional": "Optional"}[self.value]


@dataclass(frozen=True)
class SectionProgress:
    section_key: str
    status: SectionStatus
    required_total: int
    required_answered: int
    missing: tuple[str, ...]  # keys of applicable required questions still unanswered or incomplete

    @property
    def complete(self) -> bool:
        return self.status is SectionStatus.COMPLETED

    @property
    def done(self) -> bool:
        """Nothing in the section holds the revision back (it is complete, or has nothing required)."""
        return self.status in (SectionStatus.COMPLETED, SectionStatus.OPTIONAL)


def missing_cells(columns: Sequence[Column], cells: Mapping[str, Any]) -> list[Column]:
    """Required columns a row leaves empty (a row is complete when this is empty)."""
    return [c for c in columns if c.required and not c.is_computed and not has_value(cells.get(c.key))]


def question_is_answered(question: Question, answers: Mapping[str, Any],
                         rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> bool:
    """A table counts as answered when it has enough rows and every row is complete."""
    if question.is_table:
        table = rows.get(question.key, ())
        needed = max(question.min_rows, 1 if question.required else 0)
        return len(table) >= needed and all(not missing_cells(question.columns, cells) for cells in table)
    return has_value(answers.get(question.key))


def applicable_questions(section: Section, answers: Mapping[str, Any]) -> list[Question]:
    return [q for q in section.questions if q.applies(answers)]


def section_progress(section: Section, answers: Mapping[str, Any],
                     rows: Mapping[str, Sequence[Mapping[str, Any]]], *, saved: bool) -> SectionProgress:
    """Status of one section. Hidden questions (their `show_if` fails) never count."""
    applicable = applicable_questions(section, answers)
    required = [q for q in applicable if q.required or (q.is_table and q.min_rows > 0)]
    missing = tuple(q.key for q in required if not question_is_answered(q, answers, rows))
    touched = saved or any(has_value(answers.get(q.key)) for q in applicable if not q.is_table) or any(
        not missing_cells(q.columns, cells) for q in applicable if q.is_table for cells in rows.get(q.key, ()))
    if not missing and touched:
        status = SectionStatus.COMPLETED
    elif touched:
        status = SectionStatus.IN_PROGRESS
    elif not required:
        status = SectionStatus.OPTIONAL
    else:
        status = SectionStatus.NOT_STARTED
    return SectionProgress(section.key, status, len(required), len(required) - len(missing), missing)
