"""What changed between two questionnaire definitions, in words an administrator can check.

Sections and questions are matched by key, so a question that moves to another section is a change
(of section), not a removal plus an addition. Every value is rendered as readable text here, so a
template only has to print it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dpia.questionnaires.rules.definition import (
    Column,
    Condition,
    Definition,
    Option,
    Question,
    QuestionType,
    RiskModel,
)
from dpia.questionnaires.rules.row_kinds import ROW_KIND_LABELS

TYPE_LABELS: dict[QuestionType, str] = {
    QuestionType.MARKDOWN: "Long text",
    QuestionType.SHORT_TEXT: "Short text",
    QuestionType.SINGLE_CHOICE: "Single choice",
    QuestionType.MULTIPLE_CHOICE: "Multiple choice",
    QuestionType.YES_NO: "Yes or no",
    QuestionType.DATE: "Date",
    QuestionType.PARTIAL_DATE: "Partial date",
    QuestionType.NUMBER: "Number",
    QuestionType.URL: "Web address",
    QuestionType.PERSON: "Person",
    QuestionType.TABLE: "Table",
    QuestionType.RATIO: "Ratio",
}

class Status(enum.StrEnum):
    """How a section, question or row differs between two versions or revisions."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


NONE_TEXT = "None"


@dataclass(frozen=True)
class AttributeChange:
    """One attribute that differs. `attribute` is a stable name (`label`, `options_added`,
    `column.count.type`); `title` says it in words; `old` and `new` are readable values."""

    attribute: str
    title: str
    old: str
    new: str


@dataclass(frozen=True)
class QuestionRef:
    """A question as it appears in one of the two definitions."""

    key: str
    label: str
    type: str  # readable type, e.g. "Short text" or "Table of risks"
    required: bool
    section_key: str
    section_title: str


@dataclass(frozen=True)
class QuestionChange:
    key: str
    label: str  # the new label
    section_key: str  # the section it is in now
    changes: tuple[AttributeChange, ...]

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(c.attribute for c in self.changes)


@dataclass(frozen=True)
class SectionRef:
    key: str
    title: str


@dataclass(frozen=True)
class SectionRetitle:
    key: str
    old_title: str
    new_title: str


@dataclass(frozen=True)
class SectionChanges:
    """Everything that changed in one section, with a one-line `summary`.

    `status` is `added`, `removed`, `changed` or `unchanged`. Questions that moved between sections
    are listed as changed in the section they are in now.
    """

    key: str
    title: str
    status: Status
    old_title: str | None
    new_title: str | None
    questions_added: tuple[QuestionRef, ...]
    questions_removed: tuple[QuestionRef, ...]
    questions_changed: tuple[QuestionChange, ...]
    summary: str

    @property
    def has_changes(self) -> bool:
        return self.status is not Status.UNCHANGED


@dataclass(frozen=True)
class DefinitionDiff:
    """The difference between two definitions of (normally) the same questionnaire."""

    old_version: str
    new_version: str
    details: tuple[AttributeChange, ...]  # title, version label, regimes, risk model, ...
    sections_added: tuple[SectionRef, ...]
    sections_removed: tuple[SectionRef, ...]
    sections_retitled: tuple[SectionRetitle, ...]
    questions_added: tuple[QuestionRef, ...]
    questions_removed: tuple[QuestionRef, ...]
    questions_changed: tuple[QuestionChange, ...]
    sections: tuple[SectionChanges, ...]  # every section: the new order, then removed ones

    @property
    def is_empty(self) -> bool:
        return not (self.details or self.sections_added or self.sections_removed or self.sections_retitled
                    or self.questions_added or self.questions_removed or self.questions_changed)

    def changed(self, key: str) -> QuestionChange | None:
        return next((c for c in self.questions_changed if c.key == key), None)

    def section_diff(self, key: str) -> SectionChanges | None:
        return next((s for s in self.sections if s.key == key), None)


def diff_definitions(old: Definition, new: Definition) -> DefinitionDiff:
    """Compare two definitions section by section and question by question (matched by key)."""
    old_sections = {s.key: s for s in old.sections}
    new_sections = {s.key: s for s in new.sections}
    old_refs = {q.key: _ref(q, s.key, s.title) for s in old.sections for q in s.questions}
    new_refs = {q.key: _ref(q, s.key, s.title) for s in new.sections for q in s.questions}

    questions_added = tuple(ref for key, ref in new_refs.items() if key not in old_refs)
    questions_removed = tuple(ref for key, ref in old_refs.items() if key not in new_refs)
    questions_changed: list[QuestionChange] = []
    for section in new.sections:
        for question in section.questions:
            before = old.question(question.key)
            if before is None:
                continue
            changes = question_changes(before, question)
            old_ref = old_refs[question.key]
            if old_ref.section_key != section.key:
                changes = (AttributeChange("section", "Section", old_ref.section_title, section.title), *changes)
            if changes:
                questions_changed.append(QuestionChange(question.key, question.label, section.key, changes))

    sections: list[SectionChanges] = []
    for key, section in new_sections.items():
        before = old_sections.get(key)
        status = Status.ADDED if before is None else Status.UNCHANGED
        sections.append(_section_diff(
            key=key, title=section.title, status=status,
            old_title=before.title if before else None, new_title=section.title,
            added=[r for r in questions_added if r.section_key == key],
            removed=[r for r in questions_removed if r.section_key == key],
            changed=[c for c in questions_changed if c.section_key == key],
        ))
    for key, section in old_sections.items():
        if key not in new_sections:
            sections.append(_section_diff(
                key=key, title=section.title, status=Status.REMOVED, old_title=section.title, new_title=None,
                added=[], removed=[r for r in questions_removed if r.section_key == key], changed=[],
            ))

    return DefinitionDiff(
        old_version=old.version,
        new_version=new.version,
        details=_definition_changes(old, new),
        sections_added=tuple(SectionRef(k, s.title) for k, s in new_sections.items() if k not in old_sections),
        sections_removed=tuple(SectionRef(k, s.title) for k, s in old_sections.items() if k not in new_sections),
        sections_retitled=tuple(
            SectionRetitle(k, old_sections[k].title, s.title)
            for k, s in new_sections.items() if k in old_sections and old_sections[k].title != s.title
        ),
        questions_added=questions_added,
        questions_removed=questions_removed,
        questions_changed=tuple(questions_changed),
        sections=tuple(sections),
    )


def question_changes(old: Question, new: Question) -> tuple[AttributeChange, ...]:
    """The attributes of one question that differ, in a fixed, readable order."""
    changes: list[AttributeChange] = []

    def compare(attribute: str, title: str, before: str, after: str) -> None:
        if before != after:
            changes.append(AttributeChange(attribute, title, before, after))

    compare("label", "Question", old.label, new.label)
    compare("type", "Type", type_label(old), type_label(new))
    compare("required", "Required", _required(old.required), _required(new.required))
    changes += _option_changes("", "", old.options, new.options)
    compare("show_if", "Shown", describe_condition(old.show_if), describe_condition(new.show_if))
    compare("unit", "Unit", _text(old.unit), _text(new.unit))
    compare("hint", "Hint", _text(old.hint), _text(new.hint))
    compare("guidance", "Guidance", _text(old.guidance), _text(new.guidance))
    compare("minimum", "Smallest value", _number(old.minimum), _number(new.minimum))
    compare("maximum", "Largest value", _number(old.maximum), _number(new.maximum))
    compare("integer", "Whole numbers only", _yes_no(old.integer), _yes_no(new.integer))
    compare("max_length", "Maximum length", _number(old.max_length), _number(new.max_length))
    if old.is_table or new.is_table:
        compare("row_kind", "Kind of rows", _row_kind(old), _row_kind(new))
        compare("min_rows", "Fewest rows", str(old.min_rows), str(new.min_rows))
        compare("row_noun", "What a row is", old.row_noun, new.row_noun)
        compare("prefill", "Rows filled in at the start", _rows(len(old.prefill)), _rows(len(new.prefill)))
        # Tables of first-class rows take their columns from code: a change of row kind says it all.
        if old.row_kind is None and new.row_kind is None:
            changes += _column_changes(old.columns, new.columns)
    return tuple(changes)


def type_label(question: Question) -> str:
    if question.row_kind is not None:
        return f"Table of {ROW_KIND_LABELS[question.row_kind]}s"
    return TYPE_LABELS[question.type]


def describe_condition(condition: Condition | None) -> str:
    """`show_if` in words, e.g. "Only when ‘need.kind’ is ‘cctv’"."""
    if condition is None:
        return "Always"
    target = f"‘{condition.question}’"
    if condition.answered is not None:
        return f"Only when {target} is {'answered' if condition.answered else 'not answered'}"
    if condition.includes is not None:
        return f"Only when {target} includes ‘{condition.includes}’"
    if condition.one_of is not None:
        return f"Only when {target} is one of {', '.join(_value(v) for v in condition.one_of)}"
    return f"Only when {target} is {_value(condition.equals)}"


def section_summary(status: Status, added: int, removed: int, changed: int, retitled: bool = False) -> str:
    """One line for a section, e.g. "2 questions added, 1 changed".

    For a new section `added` counts all its questions; for a removed one `removed` counts those
    no longer asked anywhere (questions that moved elsewhere are changes in their new section).
    """
    if status == Status.ADDED:
        return f"New section with {_count(added, 'question')}"
    if status == Status.REMOVED:
        return f"Section removed, and {_count(removed, 'question')} with it" if removed else "Section removed"
    parts: list[str] = []
    for number, verb in ((added, "added"), (removed, "removed"), (changed, "changed")):
        if number:
            parts.append(f"{_count(number, 'question') if not parts else number} {verb}")
    line = ", ".join(parts)
    if retitled:
        return f"Retitled; {line}" if line else "Retitled"
    return line or "No changes"


# -- helpers ----------------------------------------------------------------------------------


def _ref(question: Question, section_key: str, section_title: str) -> QuestionRef:
    return QuestionRef(question.key, question.label, type_label(question), question.required, section_key,
                       section_title)


def _section_diff(*, key: str, title: str, status: Status, old_title: str | None, new_title: str | None,
                  added: Sequence[QuestionRef], removed: Sequence[QuestionRef],
                  changed: Sequence[QuestionChange]) -> SectionChanges:
    retitled = old_title is not None and new_title is not None and old_title != new_title
    if status is Status.UNCHANGED and (retitled or added or removed or changed):
        status = Status.CHANGED
    # A new section's questions are new, or moved in from another section (listed as changed).
    count_added = len(added) + len(changed) if status is Status.ADDED else len(added)
    return SectionChanges(key=key, title=title, status=status, old_title=old_title, new_title=new_title,
                       questions_added=tuple(added), questions_removed=tuple(removed),
                       questions_changed=tuple(changed),
                       summary=section_summary(status, count_added, len(removed), len(changed), retitled))


def _definition_changes(old: Definition, new: Definition) -> tuple[AttributeChange, ...]:
    pairs = [
        ("title", "Title", old.title, new.title),
        ("version", "Version label", old.version, new.version),
        ("kind", "Kind", old.kind.value, new.kind.value),
        ("regimes", "Laws it covers", ", ".join(old.regimes) or NONE_TEXT, ", ".join(new.regimes) or NONE_TEXT),
        ("description", "Description", _text(old.description), _text(new.description)),
        ("risk_model", "Risk model", _risk_model(old.risk_model), _risk_model(new.risk_model)),
        ("key_questions", "Questions the rules rely on", _key_questions(old), _key_questions(new)),
    ]
    return tuple(AttributeChange(a, t, before, after) for a, t, before, after in pairs if before != after)


def _key_questions(definition: Definition) -> str:
    """The roles screening and sign-off give questions (`key_questions`), as "role: key" pairs."""
    return "; ".join(f"{role}: {key}" for role, key in sorted(definition.key_questions.items())) or NONE_TEXT


def _option_changes(prefix: str, title_prefix: str, old: Iterable[Option], new: Iterable[Option]
                    ) -> list[AttributeChange]:
    before = {o.value: o for o in old}
    after = {o.value: o for o in new}
    added = [_option(o) for v, o in after.items() if v not in before]
    removed = [_option(o) for v, o in before.items() if v not in after]
    relabelled = [(before[v], o) for v, o in after.items() if v in before and before[v].label != o.label]
    flagged = [(before[v], o) for v, o in after.items() if v in before and _flags(before[v]) != _flags(o)]
    changes = []
    if added:
        changes.append(AttributeChange(f"{prefix}options_added", f"{title_prefix}Options added", NONE_TEXT,
                                       "; ".join(added)))
    if removed:
        changes.append(AttributeChange(f"{prefix}options_removed", f"{title_prefix}Options removed",
                                       "; ".join(removed), NONE_TEXT))
    if relabelled:
        changes.append(AttributeChange(f"{prefix}options_relabelled", f"{title_prefix}Options reworded",
                                       "; ".join(_option(a) for a, _ in relabelled),
                                       "; ".join(_option(b) for _, b in relabelled)))
    if flagged:
        changes.append(AttributeChange(f"{prefix}options_flagged", f"{title_prefix}How options count",
                                       "; ".join(f"{_option(a)}: {_flags(a)}" for a, _ in flagged),
                                       "; ".join(f"{_option(b)}: {_flags(b)}" for _, b in flagged)))
    return changes


def _flags(option: Option) -> str:
    """What an option's flags do to the rules, in words."""
    flags = [words for on, words in ((option.exclusive, "excludes the other options"),
                                     (option.with_another_feature, "counts only with another feature")) if on]
    return ", ".join(flags) or "no special rule"


def _column_changes(old: Sequence[Column], new: Sequence[Column]) -> list[AttributeChange]:
    before = {c.key: c for c in old}
    after = {c.key: c for c in new}
    changes: list[AttributeChange] = []
    added = [_column(c) for k, c in after.items() if k not in before]
    removed = [_column(c) for k, c in before.items() if k not in after]
    if added:
        changes.append(AttributeChange("columns_added", "Columns added", NONE_TEXT, "; ".join(added)))
    if removed:
        changes.append(AttributeChange("columns_removed", "Columns removed", "; ".join(removed), NONE_TEXT))
    for key, column in after.items():
        was = before.get(key)
        if was is None:
            continue
        prefix, title = f"column.{key}.", f"Column ‘{key}’: "
        pairs = [
            ("label", "label", was.label, column.label),
            ("type", "type", TYPE_LABELS[was.type], TYPE_LABELS[column.type]),
            ("required", "required", _required(was.required), _required(column.required)),
            ("unit", "unit", _text(was.unit), _text(column.unit)),
            ("hint", "hint", _text(was.hint), _text(column.hint)),
            ("minimum", "smallest value", _number(was.minimum), _number(column.minimum)),
            ("maximum", "largest value", _number(was.maximum), _number(column.maximum)),
            ("integer", "whole numbers only", _yes_no(was.integer), _yes_no(column.integer)),
            ("not_recorded", "blank means not recorded", _yes_no(was.not_recorded), _yes_no(column.not_recorded)),
            ("total", "totalled across rows", _yes_no(was.total), _yes_no(column.total)),
            ("ratio_of", "ratio of", " / ".join(was.ratio_of or ()) or NONE_TEXT,
             " / ".join(column.ratio_of or ()) or NONE_TEXT),
        ]
        changes += [AttributeChange(prefix + a, title + t, b, n) for a, t, b, n in pairs if b != n]
        changes += _option_changes(prefix, title, was.options, column.options)
    return changes


def _column(column: Column) -> str:
    return f"‘{column.key}’ {column.label} ({TYPE_LABELS[column.type]})"


def _option(option: Option) -> str:
    return f"{option.label} ({option.value})"


def _risk_model(model: RiskModel | None) -> str:
    if model is None:
        return NONE_TEXT
    scales = [
        "likelihood " + ", ".join(level.label for level in model.likelihood),
        "severity " + ", ".join(level.label for level in model.severity),
        "levels " + ", ".join(level.label for level in model.levels),
    ]
    matrix = "; ".join(f"{k}: {' '.join(row)}" for k, row in model.matrix.items())
    return f"{model.key} ({'; '.join(scales)}; matrix {matrix}; high: {', '.join(model.high_levels) or NONE_TEXT})"


def _row_kind(question: Question) -> str:
    if not question.is_table:
        return "Not a table"
    if question.row_kind is None:
        return "Its own columns"
    return ROW_KIND_LABELS[question.row_kind].capitalize() + "s"


def _required(required: bool) -> str:
    return "Required" if required else "Optional"


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _text(value: str | None) -> str:
    return NONE_TEXT if value is None or value == "" else value


def _number(value: float | int | None) -> str:
    if value is None:
        return NONE_TEXT
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _value(value: object) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return f"‘{value}’"


def _rows(count: int) -> str:
    return _count(count, "row")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
