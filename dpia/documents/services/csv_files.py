"""A revision's registers as CSV files for spreadsheets: the risk register, the action plan (its measures
with their owners and due dates) and the retention schedule.

They are working files for the people who may see the revision, so they hold every row as the revision's
pages show it (nothing is redacted; the public gets the published document instead). Each is made from
the revision's content, loaded once, so a file costs the same few statements whatever its number of
rows. Every cell goes through `dpia.core.csv_export`, which quotes per RFC 4180 and defuses cells a
spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dpia.assessments.rules.answers import display_text
from dpia.assessments.rules.risk import first_line
from dpia.assessments.services.content import RevisionContent, RowView
from dpia.core.csv_export import csv_text
from dpia.core.permissions import Actor, require
from dpia.permissions import can_view_assessment
from dpia.questionnaires.rules.definition import Column, Question, RowKind, has_value
from dpia.registers.rules import period_label

RISK_HEADER = ("Ref", "Row ID", "Risk", "Who is affected", "Likelihood", "Severity", "Overall risk",
               "Likelihood after measures", "Severity after measures", "Risk after measures", "Measures")
ACTION_HEADER = ("Ref", "Row ID", "Measure", "Risks addressed", "Effect", "Approved", "Owner", "Due date",
                 "Status")
RETENTION_HEADER = ("Ref", "Row ID", "Data category", "Period (days)", "Period", "Trigger", "Justification",
                    "Exceptions", "Deletion method")

NO_DUE_DATE = "No due date"
NOT_YET_DUE = "Not yet due"
DUE_TODAY = "Due today"
OVERDUE = "Overdue"


@dataclass(frozen=True)
class CsvFile:
    """One CSV file: the name to save it under, its header and its rows of plain values."""

    filename: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    def text(self) -> str:
        return csv_text(self.header, self.rows)


def due_status(due_on: date | None, today: date) -> str:
    """Where a measure stands against its due date on `today`: due dates mark when it should be in place."""
    if due_on is None:
        return NO_DUE_DATE
    if due_on < today:
        return OVERDUE
    return DUE_TODAY if due_on == today else NOT_YET_DUE


def risk_register(*, actor: Actor, now: datetime, content: RevisionContent) -> CsvFile:
    """Every risk of the revision with its ratings before and after measures, and the measures that
    address it.

    :raise PermissionDeniedError: the actor may not see the revision.
    """
    _check(actor, content)
    model = content.definition.risk_model
    measures = _measures_by_risk(content)

    def level(key: Any) -> str:
        return (model.level_label(key) if model else None) or ""

    rows = []
    for question, row in _rows(content, RowKind.RISK):
        cells = row.cells
        rows.append((row.ref, row.uid, cells.get("description"), cells.get("affected"),
                     _cell(content, question, "likelihood", cells), _cell(content, question, "severity", cells),
                     level(row.computed.get("overall")),
                     _cell(content, question, "residual_likelihood", cells),
                     _cell(content, question, "residual_severity", cells),
                     level(row.computed.get("residual")), "\n".join(measures.get(row.uid, ()))))
    return CsvFile(_filename(content, "risk-register"), RISK_HEADER, tuple(rows))


def action_plan(*, actor: Actor, now: datetime, content: RevisionContent) -> CsvFile:
    """Every measure: what it is, the risks it addresses, its effect, whether it is approved, who owns it
    and when it is due, with its status on `now`'s date.

    :raise PermissionDeniedError: the actor may not see the revision.
    """
    _check(actor, content)
    today = now.date()
    rows = []
    for question, row in _rows(content, RowKind.MEASURE):
        cells = row.cells
        due = cells.get("due_on")
        due_on = date.fromisoformat(due) if due else None
        rows.append((row.ref, row.uid, cells.get("description"), "\n".join(_risk_labels(content, cells)),
                     _cell(content, question, "effect", cells), cells.get("approved"), cells.get("owner"),
                     due_on.isoformat() if due_on else None, due_status(due_on, today)))
    return CsvFile(_filename(content, "action-plan"), ACTION_HEADER, tuple(rows))


def retention_schedule(*, actor: Actor, now: datetime, content: RevisionContent) -> CsvFile:
    """Every retention rule: what is kept, for how long and from when, why, and how it is deleted.

    :raise PermissionDeniedError: the actor may not see the revision.
    """
    _check(actor, content)
    rows = []
    for question, row in _rows(content, RowKind.RETENTION_RULE):
        cells = row.cells
        days = cells.get("period_days")
        rows.append((row.ref, row.uid, cells.get("data_category"), days, period_label(days),
                     _cell(content, question, "trigger", cells), cells.get("justification"),
                     cells.get("exceptions"), _cell(content, question, "deletion_method", cells)))
    return CsvFile(_filename(content, "retention-schedule"), RETENTION_HEADER, tuple(rows))


# -- helpers ---------------------------------------------------------------------------------------

def _check(actor: Actor, content: RevisionContent) -> None:
    require(can_view_assessment(actor, content.revision.assessment),
            "Only those who may see the assessment can download its registers")


def _filename(content: RevisionContent, name: str) -> str:
    revision = content.revision
    return f"{revision.assessment.reference}-r{revision.number}-{name}.csv"


def _rows(content: RevisionContent, kind: RowKind) -> Iterator[tuple[Question, RowView]]:
    """The rows of every table of `kind`, in the order the questionnaire asks them."""
    for question in content.definition.questions:
        if question.is_table and question.row_kind is kind:
            for row in content.rows.get(question.key, ()):
                yield question, row


def _column(question: Question, key: str) -> Column:
    return next(column for column in question.columns if column.key == key)


def _cell(content: RevisionContent, question: Question, key: str, cells: Any) -> str:
    """A choice cell as people read it (its label); empty when not answered."""
    column = _column(question, key)
    value = cells.get(key)
    return display_text(column, value, options=content.options_for(column)) if has_value(value) else ""


def _risk_labels(content: RevisionContent, cells: Any) -> list[str]:
    labels = {option.value: option.label for option in content.risk_options()}
    return [labels.get(uid, uid) for uid in cells.get("risk_uids") or ()]


def _measures_by_risk(content: RevisionContent) -> dict[str, Sequence[str]]:
    found: dict[str, list[str]] = {}
    for _question, row in _rows(content, RowKind.MEASURE):
        for uid in row.cells.get("risk_uids") or ():
            found.setdefault(uid, []).append(f"Measure {row.ref}: {first_line(row.cells.get('description'))}")
    return found
