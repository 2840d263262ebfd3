"""What changed between two revisions of an assessment, as plain values a template can print.

Answers are compared as people read them (their display text), so a measure that cites "R2" with the
same wording in both revisions is unchanged even when the risk row behind it is a different record.
Rows are matched by uid, which survives copying a revision into the next one; rows left without a uid
match fall back to an identical first column (the demo's two revisions were entered separately).

Questions are compared only where they apply: a question hidden by `show_if`, or missing from one
revision's questionnaire, counts as added or removed when it holds an answer on the other side, and
is left out when it holds none (there is nothing to compare).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dpia.assessments.rules.answers import display_text
from dpia.assessments.rules.risk import first_line
from dpia.assessments.rules.words import Op, Token, word_diff
from dpia.questionnaires.rules.definition import Column, Definition, Option, Question, QuestionType, Section, has_value
from dpia.questionnaires.rules.diff import Status
from dpia.questionnaires.rules.row_kinds import ROW_KIND_LABELS

TEXT_TYPES = frozenset({QuestionType.MARKDOWN, QuestionType.SHORT_TEXT})


OptionsFor = Callable[[Column], Sequence[Option] | None]


@dataclass(frozen=True)
class RowInput:
    """One table row of one revision: its uid (None if unknown), typed cells and label ("1", "R2")."""

    uid: str | None
    cells: Mapping[str, Any]
    ref: str = ""


RowsInput = Mapping[str, Sequence[RowInput | tuple[str | None, Mapping[str, Any]]]]


@dataclass(frozen=True)
class _Side:
    definition: Definition
    answers: Mapping[str, Any]
    rows: Mapping[str, tuple[RowInput, ...]]
    options_for: OptionsFor


class _TokenSides:
    tokens: tuple[Token, ...]

    @property
    def old_tokens(self) -> tuple[Token, ...]:
        """What the old revision said, with deleted words marked."""
        return tuple(t for t in self.tokens if t.op != Op.INSERT)

    @property
    def new_tokens(self) -> tuple[Token, ...]:
        """What the new revision says, with inserted words marked."""
        return tuple(t for t in self.tokens if t.op != Op.DELETE)


@dataclass(frozen=True)
class CellDiff(_TokenSides):
    """One column of a row. A text is None when that side has no such row or column."""

    key: str
    label: str
    old_text: str | None
    new_text: str | None
    changed: bool
    tokens: tuple[Token, ...] = ()  # only for changed cells: a word diff, or whole old/new values


@dataclass(frozen=True)
class RowDiff:
    status: Status
    uid: str | None  # the new row's uid, or the old one's for a removed row
    old_ref: str | None
    new_ref: str | None
    title: str  # the first column's text, shortened, to name the row
    cells: tuple[CellDiff, ...]  # every column, so added and removed rows can be shown in full
    matched_by: str | None = None  # "uid" or "content" for rows in both revisions

    @property
    def ref(self) -> str:
        return self.new_ref if self.new_ref is not None else (self.old_ref or "")

    @property
    def changes(self) -> tuple[CellDiff, ...]:
        return tuple(cell for cell in self.cells if cell.changed)


@dataclass(frozen=True)
class TableDiff:
    label: str  # how summaries name the table, e.g. "Retention rules"
    rows: tuple[RowDiff, ...]

    def _with(self, status: Status) -> tuple[RowDiff, ...]:
        return tuple(row for row in self.rows if row.status is status)

    @property
    def added(self) -> tuple[RowDiff, ...]:
        return self._with(Status.ADDED)

    @property
    def removed(self) -> tuple[RowDiff, ...]:
        return self._with(Status.REMOVED)

    @property
    def changed(self) -> tuple[RowDiff, ...]:
        return self._with(Status.CHANGED)

    @property
    def unchanged(self) -> tuple[RowDiff, ...]:
        return self._with(Status.UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return any(row.status is not Status.UNCHANGED for row in self.rows)

    @property
    def summary(self) -> str | None:
        """"Retention rules: 1 added, 1 changed", or None when no row changed."""
        counts = [(len(self.added), "added"), (len(self.removed), "removed"), (len(self.changed), "changed")]
        parts = [f"{count} {verb}" for count, verb in counts if count]
        return f"{self.label}: {', '.join(parts)}" if parts else None


@dataclass(frozen=True)
class QuestionDiff(_TokenSides):
    """One question. A text is None when the question is not asked in that revision."""

    key: str
    label: str
    type: QuestionType
    status: Status
    old_text: str | None
    new_text: str | None
    tokens: tuple[Token, ...] = ()  # when not unchanged: a word diff for text, else whole old/new values
    table: TableDiff | None = None

    @property
    def is_table(self) -> bool:
        return self.table is not None

    @property
    def has_changes(self) -> bool:
        return self.status is not Status.UNCHANGED


@dataclass(frozen=True)
class SectionDiff:
    key: str
    title: str
    status: Status  # added or removed when the section is in only one revision's questionnaire
    questions: tuple[QuestionDiff, ...]
    summary: str  # one line: "Retention rules: 1 added; 2 answers changed", or "No changes"

    @property
    def changed_questions(self) -> tuple[QuestionDiff, ...]:
        return tuple(q for q in self.questions if q.has_changes)

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_questions)


@dataclass(frozen=True)
class RevisionDiff:
    sections: tuple[SectionDiff, ...]

    @property
    def has_changes(self) -> bool:
        return any(section.has_changes for section in self.sections)

    @property
    def changed_sections(self) -> tuple[SectionDiff, ...]:
        return tuple(section for section in self.sections if section.has_changes)


# -- values -------------------------------------------------------------------------------------

def _is_shown(spec: Question | Column, value: Any, row: Mapping[str, Any] | None = None) -> bool:
    """Whether there is something to show (the same test `display_text` uses for "Not answered")."""
    if spec.type is QuestionType.RATIO and spec.ratio_of and row is not None:
        return row.get(spec.ratio_of[0]) is not None and row.get(spec.ratio_of[1]) is not None
    return has_value(value)


def _value_tokens(spec_type: QuestionType, old: tuple[Any, str, bool] | None,
                  new: tuple[Any, str, bool] | None) -> tuple[Token, ...]:
    """Tokens for a changed value; each side is (value, display text, has a value) or None if absent."""
    old_shown = old is not None and old[2]
    new_shown = new is not None and new[2]
    if spec_type in TEXT_TYPES:
        return word_diff(str(old[0]) if old_shown else "", str(new[0]) if new_shown else "")
    tokens: list[Token] = []
    if old_shown:
        tokens.append(Token(old[1], Op.DELETE.value))
    if new_shown:
        tokens.append(Token(new[1], Op.INSERT.value))
    return tuple(tokens)


# -- rows ---------------------------------------------------------------------------------------

def _row_input(item: RowInput | tuple[str | None, Mapping[str, Any]]) -> RowInput:
    return item if isinstance(item, RowInput) else RowInput(item[0], item[1])


def _cell(column: Column | None, row: RowInput | None, side: _Side) -> tuple[Any, str, bool] | None:
    if column is None or row is None:
        return None
    value = row.cells.get(column.key)
    text = display_text(column, value, options=side.options_for(column), row=row.cells)
    return value, text, _is_shown(column, value, row.cells)


def _first_text(question: Question, row: RowInput, side: _Side) -> str | None:
    """The first column's display text, or None when it is empty (empty cells prove nothing)."""
    if not question.columns:
        return None
    cell = _cell(question.columns[0], row, side)
    return cell[1] if cell is not None and cell[2] else None


def _match_rows(old_q: Question, old_rows: Sequence[RowInput], old: _Side, new_q: Question,
                new_rows: Sequence[RowInput], new: _Side) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """Pair old rows with new ones: by uid first, then by an identical first column, in order.

    :return: {new index: (old index, how)} and the set of old indexes that found no partner.
    """
    new_by_uid = {row.uid: index for index, row in enumerate(new_rows) if row.uid}
    pairs: dict[int, tuple[int, str]] = {}
    unmatched_old: list[int] = []
    for index, row in enumerate(old_rows):
        partner = new_by_uid.get(row.uid) if row.uid else None
        if partner is not None and partner not in pairs:
            pairs[partner] = (index, "uid")
        else:
            unmatched_old.append(index)
    free_new: dict[str, list[int]] = {}  # first-column text -> unpaired new rows, in order
    for index, row in enumerate(new_rows):
        if index not in pairs and (text := _first_text(new_q, row, new)) is not None:
            free_new.setdefault(text, []).append(index)
    left: set[int] = set()
    for index in unmatched_old:
        text = _first_text(old_q, old_rows[index], old)
        candidates = free_new.get(text) if text is not None else None
        if candidates:
            pairs[candidates.pop(0)] = (index, "content")
        else:
            left.add(index)
    return pairs, left


def _row_diff(old_q: Question | None, old_row: RowInput | None, old: _Side, new_q: Question | None,
              new_row: RowInput | None, new: _Side, matched_by: str | None) -> RowDiff:
    old_columns = {c.key: c for c in old_q.columns} if old_q else {}
    new_columns = {c.key: c for c in new_q.columns} if new_q else {}
    keys = list(new_columns) + [key for key in old_columns if key not in new_columns]
    cells = []
    for key in keys:
        old_column, new_column = old_columns.get(key), new_columns.get(key)
        column = new_column or old_column
        if (old_row is None and new_column is None) or (new_row is None and old_column is None):
            continue  # a column the row's only revision does not have
        before, after = _cell(old_column, old_row, old), _cell(new_column, new_row, new)
        changed = _differs(before, after)
        cells.append(CellDiff(key=key, label=column.label, old_text=before[1] if before else None,
                              new_text=after[1] if after else None, changed=changed,
                              tokens=_value_tokens(column.type, before, after) if changed else ()))
    if old_row is None:
        status = Status.ADDED
    elif new_row is None:
        status = Status.REMOVED
    else:
        status = Status.CHANGED if any(cell.changed for cell in cells) else Status.UNCHANGED
    shown = new_row or old_row
    title_q = new_q if new_row is not None else old_q
    title_text = _first_text(title_q, shown, new if new_row is not None else old) if title_q else None
    return RowDiff(status=status, uid=shown.uid if shown else None,
                   old_ref=old_row.ref if old_row else None, new_ref=new_row.ref if new_row else None,
                   title=first_line(title_text), cells=tuple(cells), matched_by=matched_by)


def _differs(before: tuple[Any, str, bool] | None, after: tuple[Any, str, bool] | None) -> bool:
    """Whether a reader sees a change: a missing side equals an empty one."""
    if before is None or after is None:
        present = before if after is None else after
        return present is not None and present[2]
    return before[1] != after[1]


def _table_diff(label: str, old_q: Question | None, old: _Side, new_q: Question | None, new: _Side) -> TableDiff:
    old_rows = old.rows.get(old_q.key, ()) if old_q else ()
    new_rows = new.rows.get(new_q.key, ()) if new_q else ()
    if old_q is None or new_q is None:
        pairs, left = {}, set(range(len(old_rows)))
    else:
        pairs, left = _match_rows(old_q, old_rows, old, new_q, new_rows, new)
    rows = []
    for index, row in enumerate(new_rows):
        old_index, how = pairs.get(index, (None, None))
        old_row = old_rows[old_index] if old_index is not None else None
        rows.append(_row_diff(old_q, old_row, old, new_q, row, new, how))
    rows.extend(_row_diff(old_q, old_rows[index], old, new_q, None, new, None) for index in sorted(left))
    return TableDiff(label=label, rows=tuple(rows))


def _table_label(question: Question, section: Section | None) -> str:
    """First-class tables are named by what their rows are ("Retention rules"), unless the section
    has two tables of that kind; other tables by their label."""
    if question.row_kind is None:
        return question.label
    same_kind = [q for q in (section.questions if section else ()) if q.is_table and q.row_kind is question.row_kind]
    if len(same_kind) > 1:
        return question.label
    plural = ROW_KIND_LABELS[question.row_kind] + "s"
    return plural[:1].upper() + plural[1:]


def _rows_text(count: int) -> str:
    return "No rows" if count == 0 else f"{count} row{'' if count == 1 else 's'}"


# -- questions and sections ------------------------------------------------------------------------

def _question_diff(key: str, old: _Side, new: _Side, section: Section | None) -> QuestionDiff | None:
    old_q, new_q = old.definition.question(key), new.definition.question(key)
    if old_q is not None and not old_q.applies(old.answers):
        old_q = None
    if new_q is not None and not new_q.applies(new.answers):
        new_q = None
    question = new_q or old_q
    if question is None:
        return None  # asked in neither revision
    if old_q is not None and new_q is not None and old_q.is_table != new_q.is_table:
        old_q = None  # a table became a plain question or the reverse: only the new shape compares
    if question.is_table:
        table = _table_diff(_table_label(question, section), old_q, old, new_q, new)
        old_count = len(old.rows.get(key, ())) if old_q else None
        new_count = len(new.rows.get(key, ())) if new_q else None
        if (old_q is None or new_q is None) and not table.rows:
            return None  # asked on one side only, with nothing in it
        status = (Status.ADDED if old_q is None else Status.REMOVED if new_q is None
                  else Status.CHANGED if table.has_changes else Status.UNCHANGED)
        return QuestionDiff(key=key, label=question.label, type=question.type, status=status,
                            old_text=_rows_text(old_count) if old_count is not None else None,
                            new_text=_rows_text(new_count) if new_count is not None else None, table=table)
    before = _answer(old_q, old)
    after = _answer(new_q, new)
    if before is None or after is None:
        present = before if after is None else after
        if not present[2]:
            return None  # asked on one side only, and not answered there
        status = Status.ADDED if before is None else Status.REMOVED
    else:
        status = Status.CHANGED if before[1] != after[1] else Status.UNCHANGED
    tokens = _value_tokens(question.type, before, after) if status is not Status.UNCHANGED else ()
    return QuestionDiff(key=key, label=question.label, type=question.type, status=status,
                        old_text=before[1] if before else None, new_text=after[1] if after else None,
                        tokens=tokens)


def _answer(question: Question | None, side: _Side) -> tuple[Any, str, bool] | None:
    if question is None:
        return None
    value = side.answers.get(question.key)
    return value, display_text(question, value), _is_shown(question, value)


def _section_summary(questions: Iterable[QuestionDiff]) -> str:
    """One line: the tables' row changes, then the answers'; "No changes" when there are none."""
    questions = list(questions)
    parts = [q.table.summary for q in questions if q.table is not None and q.table.summary]
    counts = [(sum(1 for q in questions if q.table is None and q.status is status), status.value)
              for status in (Status.CHANGED, Status.ADDED, Status.REMOVED)]
    counts = [(count, verb) for count, verb in counts if count]
    if counts:
        (first, verb), rest = counts[0], counts[1:]
        words = [f"{first} answer{'' if first == 1 else 's'} {verb}"] + [f"{count} {verb}" for count, verb in rest]
        parts.append(", ".join(words))
    return "; ".join(parts) if parts else "No changes"


def diff_revisions(old_def: Definition, old_answers: Mapping[str, Any], old_rows: RowsInput,
                   new_def: Definition, new_answers: Mapping[str, Any], new_rows: RowsInput, *,
                   old_options: OptionsFor | None = None, new_options: OptionsFor | None = None) -> RevisionDiff:
    """Compare two revisions section by section, in the new questionnaire's order, then sections
    only the old one has.

    :param old_rows: table rows by question key, as `RowInput`s or `(uid, cells)` pairs, in order.
    :param old_options: the choices of a column whose options depend on the revision (risk scales,
        risk references); None uses the column's own options.
    """
    old = _side(old_def, old_answers, old_rows, old_options)
    new = _side(new_def, new_answers, new_rows, new_options)
    old_sections = {s.key: s for s in old_def.sections}
    new_section_keys = {s.key for s in new_def.sections}
    plan: list[tuple[Section, Status | None, list[str]]] = []
    for section in new_def.sections:
        previous = old_sections.get(section.key)
        keys = [q.key for q in section.questions]
        keys += [q.key for q in (previous.questions if previous else ()) if new_def.question(q.key) is None]
        plan.append((section, None if previous else Status.ADDED, keys))
    for section in old_def.sections:
        if section.key not in new_section_keys:
            keys = [q.key for q in section.questions if new_def.question(q.key) is None]
            if keys:
                plan.append((section, Status.REMOVED, keys))
    sections = []
    for section, fixed_status, keys in plan:
        questions = tuple(d for key in keys if (d := _question_diff(key, old, new, section)) is not None)
        status = fixed_status or (Status.CHANGED if any(q.has_changes for q in questions) else Status.UNCHANGED)
        sections.append(SectionDiff(key=section.key, title=section.title, status=status, questions=questions,
                                    summary=_section_summary(questions)))
    return RevisionDiff(sections=tuple(sections))


def _side(definition: Definition, answers: Mapping[str, Any], rows: RowsInput,
          options_for: OptionsFor | None) -> _Side:
    return _Side(definition=definition, answers=answers,
                 rows={key: tuple(_row_input(item) for item in items) for key, items in rows.items()},
                 options_for=options_for or (lambda column: None))


__all__ = [
    "CellDiff",
    "Op",
    "QuestionDiff",
    "RevisionDiff",
    "RowDiff",
    "RowInput",
    "SectionDiff",
    "Status",
    "TableDiff",
    "Token",
    "diff_revisions",
    "word_diff",
]
