"""Completeness gates: what stops a revision being submitted, sent for sign-off or approved.

A revision is complete when, in every section it is made of (`screening.sections_in_scope`):
- every visible required question is answered, and every required table has its rows, complete;
- the screening outcome agrees with the screening answers;
- every risk is rated on the questionnaire's own scales (the add-ons' pre-filled risks count);
- every risk whose level is above the lowest has a measure addressing it and a rating after measures.

Each problem is a `Blocker` naming the question, row or sign-off to go to, so a page can link to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from dpia.assessments.rules.progress import applicable_questions, missing_cells
from dpia.assessments.rules.risk import rate
from dpia.assessments.rules.screening import outcome_problem, sections_in_scope
from dpia.questionnaires.rules.definition import Definition, Question, RiskModel, RowKind, Section, has_value


@dataclass(frozen=True)
class Blocker:
    """One reason a revision cannot move on, and where to fix it."""

    message: str
    section_key: str | None = None  # the section page to open
    question_key: str | None = None  # the question on it
    row_uid: str | None = None  # or the table row to edit
    sign_off: str | None = None  # or the sign-off row to record (a SignOffKind value)

    def __str__(self) -> str:
        return self.message


class RowLike(Protocol):
    @property
    def uid(self) -> str: ...
    @property
    def ref(self) -> str: ...
    @property
    def cells(self) -> Mapping[str, Any]: ...


def content_blockers(definition: Definition, answers: Mapping[str, Any],
                     rows: Mapping[str, Sequence[RowLike]]) -> list[Blocker]:
    """Everything in the content that stops the revision moving on, in the questionnaire's order."""
    blockers: list[Blocker] = []
    model = definition.risk_model
    sections = sections_in_scope(definition, answers)
    questions = [(s, q) for s in sections for q in applicable_questions(s, answers)]
    measures = [row for _s, q in questions if q.row_kind is RowKind.MEASURE for row in rows.get(q.key, ())]
    # Where a missing measure is added: the first measures table (or, without one, the risk itself).
    measure_place = next(({"section_key": s.key, "question_key": q.key} for s, q in questions
                          if q.row_kind is RowKind.MEASURE), None)
    for section, question in questions:
        if question.is_table:
            blockers += _table_blockers(section, question, rows.get(question.key, ()), model, measures,
                                        measure_place)
        elif question.required and not has_value(answers.get(question.key)):
            blockers.append(Blocker(f"{section.title}: answer “{question.label}”", section.key, question.key))
        elif question.key == definition.key_questions.get("screening_outcome"):
            problem = outcome_problem(definition, answers)
            if problem:
                blockers.append(Blocker(f"{section.title}: {problem}", section.key, question.key))
    return blockers


def _table_blockers(section: Section, question: Question, table: Sequence[RowLike], model: RiskModel | None,
                    measures: Sequence[RowLike], measure_place: Mapping[str, str] | None) -> list[Blocker]:
    blockers: list[Blocker] = []
    needed = max(question.min_rows, 1 if question.required else 0)
    if len(table) < needed:
        rows_word = "a row" if needed == 1 else f"at least {needed} rows"
        blockers.append(Blocker(f"{section.title}: add {rows_word} to “{question.label}”", section.key, question.key))
    for row in table:
        if question.row_kind is RowKind.RISK and model is not None:
            blockers += _risk_blockers(section, question, row, model, measures, measure_place)
            continue
        missing = missing_cells(question.columns, row.cells)
        if missing:
            blockers.append(Blocker(f"{section.title}: row {row.ref} of “{question.label}” needs "
                                    f"{_names(c.label for c in missing)}", section.key, question.key, row.uid))
    return blockers


def _risk_blockers(section: Section, question: Question, row: RowLike, model: RiskModel,
                   measures: Sequence[RowLike], measure_place: Mapping[str, str] | None) -> list[Blocker]:
    cells = row.cells
    here = {"section_key": section.key, "question_key": question.key, "row_uid": row.uid}
    missing = [c for c in missing_cells(question.columns, cells) if c.key not in ("likelihood", "severity")]
    blockers = [Blocker(f"Risk {row.ref} needs {_names(c.label for c in missing)}", **here)] if missing else []
    level = rate(model, cells.get("likelihood"), cells.get("severity"))
    if level is None:
        blockers.append(Blocker(f"Risk {row.ref} is not rated: give its likelihood and severity on the "
                                "questionnaire's scales", **here))
        return blockers
    if _rank(model, level) == 0:
        return blockers  # the lowest level needs no measure
    if not any(row.uid in (m.cells.get("risk_uids") or ()) for m in measures):
        blockers.append(Blocker(f"Risk {row.ref} is {model.level_label(level)}: add a measure that addresses it",
                                **(measure_place or here)))
    if rate(model, cells.get("residual_likelihood"), cells.get("residual_severity")) is None:
        blockers.append(Blocker(f"Risk {row.ref} is {model.level_label(level)}: rate it again after measures", **here))
    return blockers


def _rank(model: RiskModel, level: str) -> int:
    return [lvl.key for lvl in model.levels].index(level)


def _names(labels: Iterable[str]) -> str:
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
