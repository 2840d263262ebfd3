"""A questionnaire definition as immutable values, and the rules for which questions apply.

Definitions are validated by `dpia.questionnaires.schema` before they are stored; `Definition.from_dict`
trusts that and only converts the stored JSON into these types.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str | None = None


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
            return is_answered(value) is self.answered
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
    """Scales and matrix for rating risks: overall = matrix[likelihood][severity]."""

    key: str
    likelihood: tuple[Level, ...]
    severity: tuple[Level, ...]
    levels: tuple[Level, ...]
    matrix: Mapping[str, tuple[str, ...]]
    high_levels: tuple[str, ...] = ()  # level keys that count as "high" (prior consultation)

    def overall(self, likelihood: str | None, severity: str | None) -> str | None:
        if likelihood is None or severity is None:
            return None
        row = self.matrix.get(likelihood)
        keys = [level.key for level in self.severity]
        if row is None or severity not in keys:
            return None
        return row[keys.index(severity)]

    def level_label(self, key: str | None) -> str | None:
        return next((lvl.label for lvl in (*self.levels, *self.likelihood, *self.severity) if lvl.key == key), None)

    def is_high(self, level_key: str | None) -> bool:
        return level_key is not None and level_key in (self.high_levels or (self.levels[-1].key,))


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
    _index: Mapping[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def question(self, key: str) -> Question | None:
        return self._index.get(key)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Definition:
        sections = tuple(_section(s, data["key"]) for s in data["sections"])
        index = {q.key: q for s in sections for q in s.questions}
        return cls(
            key=data["key"],
            title=data["title"],
            version=str(data["version"]),
            kind=QuestionnaireKind(data.get("kind", "core")),
            regimes=tuple(data.get("regimes", ())),
            sections=sections,
            risk_model=_risk_model(data["risk_model"]) if data.get("risk_model") else None,
            description=data.get("description"),
            _index=index,
        )


def combine(core: Definition, add_ons: tuple[Definition, ...] = ()) -> Definition:
    """The questionnaire a revision is filled against: the core's sections, then each add-on's."""
    if not add_ons:
        return core
    sections = core.sections + tuple(s for add_on in add_ons for s in add_on.sections)
    index = {q.key: q for s in sections for q in s.questions}
    return Definition(key=core.key, title=core.title, version=core.version, kind=core.kind,
                      regimes=core.regimes, sections=sections, risk_model=core.risk_model,
                      description=core.description, _index=index)


def is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def _options(raw: Any) -> tuple[Option, ...]:
    return tuple(Option(value=str(o["value"]), label=o["label"], hint=o.get("hint")) for o in raw or ())


def _condition(raw: Mapping[str, Any] | None) -> Condition | None:
    if not raw:
        return None
    return Condition(question=raw["question"], equals=raw.get("equals"),
                     one_of=tuple(raw["in"]) if "in" in raw else None,
                     includes=raw.get("includes"), answered=raw.get("answered"))


def _column(raw: Mapping[str, Any]) -> Column:
    return Column(key=raw["key"], label=raw["label"], type=QuestionType(raw["type"]),
                  required=bool(raw.get("required", False)), hint=raw.get("hint"),
                  options=_options(raw.get("options")), unit=raw.get("unit"), minimum=raw.get("min"),
                  maximum=raw.get("max"), integer=bool(raw.get("integer", False)),
                  not_recorded=bool(raw.get("not_recorded", False)),
                  ratio_of=tuple(raw["ratio_of"]) if raw.get("ratio_of") else None)


def _question(raw: Mapping[str, Any]) -> Question:
    from dpia.domain.rows import columns_for_kind

    row_kind = RowKind(raw["rows"]) if raw.get("rows") else None
    columns = columns_for_kind(row_kind) if row_kind else tuple(_column(c) for c in raw.get("columns", ()))
    return Question(
        key=raw["key"], label=raw["label"], type=QuestionType(raw["type"]),
        required=bool(raw.get("required", False)), hint=raw.get("hint"), guidance=raw.get("guidance"),
        options=_options(raw.get("options")), show_if=_condition(raw.get("show_if")), unit=raw.get("unit"),
        minimum=raw.get("min"), maximum=raw.get("max"), integer=bool(raw.get("integer", False)),
        max_length=raw.get("max_length"), row_kind=row_kind, columns=columns,
        prefill=tuple(raw.get("prefill", ())), min_rows=int(raw.get("min_rows", 0)),
    )


def _section(raw: Mapping[str, Any], source: str) -> Section:
    return Section(key=raw["key"], title=raw["title"], summary=raw.get("summary"), source=source,
                   questions=tuple(_question(q) for q in raw["questions"]))


def _levels(raw: Any) -> tuple[Level, ...]:
    return tuple(Level(key=str(item["key"]), label=item["label"]) for item in raw)


def _risk_model(raw: Mapping[str, Any]) -> RiskModel:
    return RiskModel(key=raw["key"], likelihood=_levels(raw["likelihood"]), severity=_levels(raw["severity"]),
                     levels=_levels(raw["levels"]),
                     matrix={str(k): tuple(str(v) for v in row) for k, row in raw["matrix"].items()},
                     high_levels=tuple(raw.get("high_levels", ())))
