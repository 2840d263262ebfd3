"""Reading a stored definition (validated JSON) into the typed values of `definition`.

Kept apart from the types so that the first-class row kinds (`row_kinds`), which are built from those
types, can be used here without an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dpia.questionnaires.rules.definition import (
    Column,
    Condition,
    Definition,
    Level,
    Option,
    Question,
    QuestionnaireKind,
    QuestionType,
    RiskModel,
    RowKind,
    Section,
)
from dpia.questionnaires.rules.row_kinds import columns_for_kind


def definition_from_dict(data: Mapping[str, Any]) -> Definition:
    """The typed definition of a validated, stored definition (no checks: the schema made them)."""
    sections = tuple(_section(s, data["key"]) for s in data["sections"])
    index = {q.key: q for s in sections for q in s.questions}
    return Definition(
        key=data["key"],
        title=data["title"],
        version=str(data["version"]),
        kind=QuestionnaireKind(data.get("kind", "core")),
        regimes=tuple(data.get("regimes", ())),
        sections=sections,
        risk_model=_risk_model(data["risk_model"]) if data.get("risk_model") else None,
        description=data.get("description"),
        summary_questions=tuple(data.get("publication", {}).get("summary", ())),
        listing_questions=tuple(data.get("publication", {}).get("listing", ())),
        key_questions={str(role): str(key) for role, key in (data.get("key_questions") or {}).items()},
        _index=index,
    )


def _options(raw: Any) -> tuple[Option, ...]:
    return tuple(Option(value=str(o["value"]), label=o["label"], hint=o.get("hint"),
                        exclusive=bool(o.get("exclusive", False)),
                        with_another_feature=bool(o.get("with_another_feature", False)))
                 for o in raw or ())


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
                  not_recorded=bool(raw.get("not_recorded", False)), total=bool(raw.get("total", False)),
                  ratio_of=tuple(raw["ratio_of"]) if raw.get("ratio_of") else None)


def _question(raw: Mapping[str, Any]) -> Question:
    row_kind = RowKind(raw["rows"]) if raw.get("rows") else None
    columns = columns_for_kind(row_kind) if row_kind else tuple(_column(c) for c in raw.get("columns", ()))
    return Question(
        key=raw["key"], label=raw["label"], type=QuestionType(raw["type"]),
        required=bool(raw.get("required", False)), hint=raw.get("hint"), guidance=raw.get("guidance"),
        options=_options(raw.get("options")), show_if=_condition(raw.get("show_if")), unit=raw.get("unit"),
        minimum=raw.get("min"), maximum=raw.get("max"), integer=bool(raw.get("integer", False)),
        max_length=raw.get("max_length"), row_kind=row_kind, columns=columns,
        prefill=tuple(raw.get("prefill", ())), min_rows=int(raw.get("min_rows", 0)),
        row_noun=str(raw.get("row_noun", "rows")),
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
