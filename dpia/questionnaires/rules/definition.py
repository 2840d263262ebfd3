"""A questionnaire definition as immutable values, and the rules for which questions apply.

Definitions are validated by `dpia.questionnaires.rules.schema` before they are stored;
`dpia.questionnaires.rules.reading` turns stored JSON into these types.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any


class QuestionType(enum.StrEnum):
    MARKDOWN = "markdown"
    SHORT_TEXT = "short_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    DATE = "date"
    PARTIAL_DATE = "partial_date"
    NUMBER = "number"
    URL = "url"
    PERSON = "person"
    TABLE = "table"
    RATIO = "ratio"  # table columns only: numerator / denominator of two number columns


class RowKind(enum.StrEnum):
    """Tables whose rows are first-class records, queryable across assessments."""

    RISK = "risk"
    MEASURE = "measure"
    RETENTION_RULE = "retention_rule"
    ACCESS_RULE = "access_rule"


class QuestionnaireKind(enum.StrEnum):
    CORE = "core"
    ADD_ON = "add_on"

    @property
    def label(self) -> str:
        return "Core" if self is QuestionnaireKind.CORE else "Add-on"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str | None = None
    # Multiple choice only. An exclusive option ("None of these") cannot be chosen with any other.
    exclusive: bool = False
    # Multiple choice only. The option counts only together with another feature of the processing
    # (the ICO's list: "when combined with any other criterion").
    with_another_feature: bool = False


@dataclass(frozen=True)
class Condition:
    """`show_if`: the question applies only when an earlier answer matches."""

    question: str
    equals: Any = None
    one_of: tuple[Any, ...] | None = None
    includes: str | None = None
    answered: bool | None = None

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.question)
        if self.answered is not None:
            return has_value(value) is self.answered
        if self.includes is not None:
            return isinstance(value, list) and self.includes in value
        if self.one_of is not None:
            return value in self.one_of
        return value == self.equals


@dataclass(frozen=True)
class Column:
    """One column of a table question. Column types are the simple question types plus `ratio`."""

    key: str
    label: str
    type: QuestionType
    required: bool = False
    hint: str | None = None
    options: tuple[Option, ...] = ()
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    not_recorded: bool = False  # an empty number means "not recorded", which is not zero
    ratio_of: tuple[str, str] | None = None  # (numerator column, denominator column)
    total: bool = False  # number columns only: the table shows a total across its rows
    # Choices that depend on the revision: "likelihood" / "severity" (the risk model's scales) or
    # "risks" (the revision's own risk rows).
    options_from: str | None = None

    @property
    def is_computed(self) -> bool:
        return self.type is QuestionType.RATIO


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    type: QuestionType
    required: bool = False
    hint: str | None = None
    guidance: str | None = None
    options: tuple[Option, ...] = ()
    show_if: Condition | None = None
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    max_length: int | None = None
    row_kind: RowKind | None = None
    columns: tuple[Column, ...] = ()
    prefill: tuple[Mapping[str, Any], ...] = ()
    min_rows: int = 0
    row_noun: str = "rows"  # what a table's row is, in the plural, for "2 of 3 deployments recorded this"

    def applies(self, answers: Mapping[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)

    @property
    def is_table(self) -> bool:
        return self.type is QuestionType.TABLE


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    questions: tuple[Question, ...]
    summary: str | None = None
    source: str = ""  # key of the questionnaire (core or add-on) the section comes from


@dataclass(frozen=True)
class Level:
    key: str
    label: str


@dataclass(frozen=True)
class RiskModel:
    """Scales and matrix for rating risks: overall = matrix[likelihood][severity] (see
    `dpia.assessments.rules.risk.rate`, the one place a rating is worked out)."""

    key: str
    likelihood: tuple[Level, ...]
    severity: tuple[Level, ...]
    levels: tuple[Level, ...]
    matrix: Mapping[str, tuple[str, ...]]
    high_levels: tuple[str, ...] = ()  # level keys that count as "high" (prior consultation)

    def level_label(self, key: str | None) -> str | None:
        return next((lvl.label for lvl in (*self.levels, *self.likelihood, *self.severity) if lvl.key == key), None)

    def is_high(self, level_key: str | None) -> bool:
        return level_key is not None and level_key in (self.high_levels or (self.levels[-1].key,))


# Questions that code relies on by role, declared in a definition's `key_questions:` rather than
# spelt in code. Each role names a question of the given type, or (KEY_SECTIONS) a section.
KEY_QUESTION_TYPES: Mapping[str, QuestionType] = {
    "screening_triggers": QuestionType.MULTIPLE_CHOICE,
    "screening_criteria": QuestionType.MULTIPLE_CHOICE,
    "screening_ico_list": QuestionType.MULTIPLE_CHOICE,
    "screening_outcome": QuestionType.SINGLE_CHOICE,
    "views_sought": QuestionType.YES_NO,
}
KEY_SECTIONS: frozenset[str] = frozenset({"screening_section"})


@dataclass(frozen=True)
class Definition:
    key: str
    title: str
    version: str
    kind: QuestionnaireKind
    regimes: tuple[str, ...]
    sections: tuple[Section, ...]
    risk_model: RiskModel | None = None
    description: str | None = None
    # Questions the publication relies on, declared in the definition: what a summary-only
    # publication shows, in order, and those whose first published answer summarises it in listings.
    summary_questions: tuple[str, ...] = ()
    listing_questions: tuple[str, ...] = ()
    # Role -> question key (or section key, for KEY_SECTIONS), from `key_questions:`.
    key_questions: Mapping[str, str] = field(default_factory=dict)
    _index: Mapping[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def question(self, key: str) -> Question | None:
        return self._index.get(key)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def key_question(self, role: str) -> Question | None:
        """The question declared for `role` in `key_questions:`, or None when none is declared."""
        key = self.key_questions.get(role)
        return self.question(key) if key is not None and role not in KEY_SECTIONS else None

    def key_section(self, role: str) -> Section | None:
        """The section declared for `role` (such as `screening_section`), or None."""
        key = self.key_questions.get(role)
        return self.section(key) if key is not None and role in KEY_SECTIONS else None

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question in order (worked out once: definitions are cached per process and read on
        every page)."""
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def table_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_table)


def combine(core: Definition, add_ons: tuple[Definition, ...] = ()) -> Definition:
    """The questionnaire a revision is filled against: the core's sections, then each add-on's.

    Everything else (risk model, publication questions, key questions) is the core's.
    """
    if not add_ons:
        return core
    sections = core.sections + tuple(s for add_on in add_ons for s in add_on.sections)
    index = {q.key: q for s in sections for q in s.questions}
    return replace(core, sections=sections, _index=index)


def has_value(value: Any) -> bool:
    """Whether an answer or cell holds something: blank text and empty lists do not; False and 0 do.

    The one test of "answered": progress, the diff, displays and documents all use it.
    """
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True
