"""Validation of questionnaire definitions, with every problem reported as `FILE:LINE: message`.

Hand-written rather than JSON Schema so messages can say what to fix in the author's terms and
point at the line that needs fixing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from dpia.assessments.rules.regimes import Regime
from dpia.core.errors import ValidationError
from dpia.questionnaires.rules.definition import (
    KEY_QUESTION_TYPES,
    KEY_SECTIONS,
    QuestionnaireKind,
    QuestionType,
    RowKind,
)
from dpia.questionnaires.rules.row_kinds import columns_for_kind

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")

QUESTION_TYPES = {t.value for t in QuestionType} - {QuestionType.RATIO.value}
COLUMN_TYPES = {t.value for t in QuestionType} - {QuestionType.TABLE.value}
CHOICE_TYPES = {QuestionType.SINGLE_CHOICE.value, QuestionType.MULTIPLE_CHOICE.value}
NUMERIC_TYPES = {QuestionType.NUMBER.value}

TOP_FIELDS = {"key", "title", "version", "kind", "regimes", "description", "risk_model", "publication",
              "key_questions", "sections"}
PUBLICATION_FIELDS = {"summary", "listing"}
RISK_FIELDS = {"key", "likelihood", "severity", "levels", "matrix", "high_levels"}
SECTION_FIELDS = {"key", "title", "summary", "questions"}
QUESTION_FIELDS = {"key", "label", "type", "required", "hint", "guidance", "options", "show_if", "unit", "min",
                   "max", "integer", "max_length", "rows", "columns", "prefill", "min_rows", "row_noun"}
COLUMN_FIELDS = {"key", "label", "type", "required", "hint", "options", "unit", "min", "max", "integer",
                 "not_recorded", "ratio_of", "total"}
OPTION_FIELDS = {"value", "label", "hint", "exclusive", "with_another_feature"}
OPTION_FLAGS = ("exclusive", "with_another_feature")
CONDITION_TESTS = {"equals", "in", "includes", "answered"}


class _Mapping(dict):
    """A parsed mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _Sequence(list):
    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Mapping:  # type: ignore[override]
        mapping = _Mapping(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> _Sequence:  # type: ignore[override]
        sequence = _Sequence(super().construct_sequence(node, deep=True))
        sequence.line = node.start_mark.line + 1
        sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
        return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def format(self, filename: str) -> str:
        return f"{filename}:{self.line}: {self.message}"


class DefinitionError(ValidationError):
    """A definition failed validation; `problems` says where and why."""

    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename = filename
        self.problems = problems
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [p.format(self.filename) for p in self.problems]


def parse(text: str, filename: str = "<definition>") -> dict[str, Any]:
    """Parse and validate YAML text; return plain data or raise `DefinitionError`."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise DefinitionError(filename, [Problem(line, f"not valid YAML: {error.problem}")]) from error
    except yaml.YAMLError as error:
        raise DefinitionError(filename, [Problem(1, f"not valid YAML: {error}")]) from error
    problems = validate(data)
    if problems:
        raise DefinitionError(filename, problems)
    return _plain(data)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _line(container: Any, key: str | int | None = None) -> int:
    if isinstance(container, _Mapping):
        return container.key_lines.get(str(key), container.line) if key is not None else container.line
    if isinstance(container, _Sequence):
        if isinstance(key, int) and key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return 1


class _Validator:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    # -- small checks -------------------------------------------------------------------------
    def unknown_fields(self, mapping: _Mapping, allowed: set[str], where: str) -> None:
        for key in mapping:
            if str(key) not in allowed:
                allowed_list = ", ".join(sorted(allowed))
                self.error(_line(mapping, key), f"unknown field '{key}' in {where} (allowed: {allowed_list})")

    def text(self, mapping: _Mapping, key: str, where: str, required: bool = True) -> str | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.error(mapping.line, f"{where} needs '{key}'")
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or str(value).strip() == "":
            self.error(_line(mapping, key), f"'{key}' in {where} must be non-empty text")
            return None
        return str(value)

    def boolean(self, mapping: _Mapping, key: str, where: str) -> None:
        if key in mapping and not isinstance(mapping[key], bool):
            self.error(_line(mapping, key), f"'{key}' in {where} must be true or false")

    def number(self, mapping: _Mapping, key: str, where: str) -> None:
        value = mapping.get(key)
        if key in mapping and (isinstance(value, bool) or not isinstance(value, (int, float))):
            self.error(_line(mapping, key), f"'{key}' in {where} must be a number")

    def mapping(self, value: Any, line: int, what: str) -> bool:
        if not isinstance(value, dict):
            self.error(line, f"{what} must be a mapping of fields")
            return False
        return True

    def sequence(self, container: _Mapping, key: str, where: str, *, non_empty: bool = True) -> _Sequence | None:
        value = container.get(key)
        if value is None:
            if non_empty:
                self.error(container.line, f"{where} needs '{key}'")
            return None
        if not isinstance(value, list):
            self.error(_line(container, key), f"'{key}' in {where} must be a list")
            return None
        if non_empty and not value:
            self.error(_line(container, key), f"'{key}' in {where} must not be empty")
        return value  # type: ignore[return-value]

    def options(self, container: _Mapping, where: str) -> list[str]:
        options = self.sequence(container, "options", where)
        multiple = container.get("type") == QuestionType.MULTIPLE_CHOICE.value
        values: list[str] = []
        exclusive: list[str] = []
        for index, option in enumerate(options or ()):
            line = _line(options, index)
            if not self.mapping(option, line, f"option {index + 1} of {where}"):
                continue
            self.unknown_fields(option, OPTION_FIELDS, f"an option of {where}")
            value = self.text(option, "value", f"an option of {where}")
            self.text(option, "label", f"an option of {where}")
            for flag in OPTION_FLAGS:
                self.boolean(option, flag, f"an option of {where}")
                if flag in option and not multiple:
                    self.error(_line(option, flag), f"{where}: only options of a multiple_choice question "
                                                    f"can have '{flag}'")
            if option.get("exclusive") is True and multiple:
                if exclusive:
                    self.error(_line(option, "exclusive"), f"{where}: only one option can be 'exclusive' "
                                                           f"('{exclusive[0]}' already is)")
                exclusive.append(value or "?")
            if value is not None:
                if value in values:
                    self.error(line, f"option value '{value}' appears twice in {where}")
                values.append(value)
        return values

    # -- structure ----------------------------------------------------------------------------
    def definition(self, data: Any) -> None:
        if not self.mapping(data, 1, "a questionnaire definition"):
            return
        self.unknown_fields(data, TOP_FIELDS, "the definition")
        key = self.text(data, "key", "the definition")
        if key is not None and not SLUG_PATTERN.match(key):
            self.error(_line(data, "key"), "'key' must be lower-case letters, digits and hyphens, like uk-dpia")
        self.text(data, "title", "the definition")
        self.text(data, "version", "the definition")
        kind = data.get("kind", QuestionnaireKind.CORE.value)
        if kind not in {k.value for k in QuestionnaireKind}:
            self.error(_line(data, "kind"), "'kind' must be core or add_on")
        regimes = self.sequence(data, "regimes", "the definition")
        for index, regime in enumerate(regimes or ()):
            if regime not in {r.value for r in Regime}:
                known = ", ".join(r.value for r in Regime)
                self.error(_line(regimes, index), f"unknown regime '{regime}' (use {known})")
        if "risk_model" in data:
            self.risk_model(data["risk_model"], _line(data, "risk_model"))
        elif kind == QuestionnaireKind.CORE.value:
            self.error(data.line, "a core questionnaire needs a 'risk_model' (its scales and matrix)")
        sections = self.sequence(data, "sections", "the definition")
        seen_sections: set[str] = set()
        seen_questions: dict[str, dict[str, Any]] = {}
        for index, section in enumerate(sections or ()):
            self.section(section, _line(sections, index), seen_sections, seen_questions)
        if "publication" in data:
            self.publication(data["publication"], _line(data, "publication"), seen_questions)
        if "key_questions" in data:
            if kind != QuestionnaireKind.CORE.value:
                self.error(_line(data, "key_questions"), "only a core questionnaire declares 'key_questions'")
            self.key_questions(data["key_questions"], _line(data, "key_questions"), seen_sections, seen_questions)

    def key_questions(self, declared: Any, line: int, sections: set[str], questions: Mapping[str, Any]) -> None:
        """`key_questions`: the questions (and the section) that code relies on by role. Each role is
        one of a fixed set, and names a question of the type the role needs, or a section."""
        if not self.mapping(declared, line, "'key_questions'"):
            return
        roles = ", ".join(sorted({*KEY_QUESTION_TYPES, *KEY_SECTIONS}))
        for role, key in declared.items():
            where, at = f"'key_questions.{role}'", _line(declared, role)
            if role in KEY_SECTIONS:
                if not isinstance(key, str) or key not in sections:
                    self.error(at, f"{where} names unknown section '{key}'")
            elif role in KEY_QUESTION_TYPES:
                expected = KEY_QUESTION_TYPES[str(role)].value
                question = questions.get(key) if isinstance(key, str) else None
                if question is None:
                    self.error(at, f"{where} names unknown question '{key}'")
                elif question.get("type") != expected:
                    self.error(at, f"{where} must name a {expected} question, and '{key}' is "
                                     f"{question.get('type')}")
            else:
                self.error(at, f"unknown key question '{role}' (use {roles})")

    def publication(self, publication: Any, line: int, questions: Mapping[str, Any]) -> None:
        """`publication`: the questions a summary-only publication shows (`summary`), and those whose
        first answer is the register's one-line summary (`listing`). Each must be a question of this
        definition, and not a table."""
        if not self.mapping(publication, line, "'publication'"):
            return
        self.unknown_fields(publication, PUBLICATION_FIELDS, "'publication'")
        for name in PUBLICATION_FIELDS:
            keys = self.sequence(publication, name, "'publication'") if name in publication else None
            for index, key in enumerate(keys or ()):
                question = questions.get(str(key))
                if question is None:
                    self.error(_line(keys, index), f"'publication.{name}' names unknown question '{key}'")
                elif question.get("type") == "table":
                    self.error(_line(keys, index), f"'publication.{name}' cannot name the table question '{key}'")

    def risk_model(self, model: Any, line: int) -> None:
        if not self.mapping(model, line, "'risk_model'"):
            return
        self.unknown_fields(model, RISK_FIELDS, "'risk_model'")
        self.text(model, "key", "'risk_model'")
        scales = {}
        for scale in ("likelihood", "severity", "levels"):
            items = self.sequence(model, scale, "'risk_model'")
            keys: list[str] = []
            for index, item in enumerate(items or ()):
                if self.mapping(item, _line(items, index), f"an entry of '{scale}'"):
                    self.unknown_fields(item, {"key", "label"}, f"an entry of '{scale}'")
                    level = self.text(item, "key", f"an entry of '{scale}'")
                    self.text(item, "label", f"an entry of '{scale}'")
                    if level is not None:
                        keys.append(level)
            if items is not None and len(keys) < 2:
                self.error(_line(model, scale), f"'{scale}' needs at least two levels")
            if len(set(keys)) != len(keys):
                self.error(_line(model, scale), f"'{scale}' has a repeated key")
            scales[scale] = keys
        matrix = model.get("matrix")
        if not self.mapping(matrix, _line(model, "matrix"), "'matrix'"):
            return
        for likelihood in scales.get("likelihood", []):
            if likelihood not in matrix:
                self.error(matrix.line, f"'matrix' has no row for likelihood '{likelihood}'")
        for row_key, row in matrix.items():
            line = _line(matrix, row_key)
            if str(row_key) not in scales.get("likelihood", []):
                self.error(line, f"'matrix' row '{row_key}' is not a likelihood level")
                continue
            if not isinstance(row, list) or len(row) != len(scales.get("severity", [])):
                self.error(line, f"'matrix' row '{row_key}' needs one level per severity "
                                 f"({len(scales.get('severity', []))} entries)")
                continue
            for cell in row:
                if cell not in scales.get("levels", []):
                    self.error(line, f"'matrix' row '{row_key}' uses '{cell}', which is not one of 'levels'")
        for index, level in enumerate(self.sequence(model, "high_levels", "'risk_model'", non_empty=False) or ()):
            if level not in scales.get("levels", []):
                self.error(_line(model["high_levels"], index), f"'high_levels' entry '{level}' is not one of 'levels'")

    def section(self, section: Any, line: int, seen_sections: set[str], seen_questions: dict[str, Any]) -> None:
        if not self.mapping(section, line, "a section"):
            return
        self.unknown_fields(section, SECTION_FIELDS, "a section")
        key = self.text(section, "key", "a section")
        where = f"section '{key}'" if key else "a section"
        if key is not None:
            if not SLUG_PATTERN.match(key):
                self.error(_line(section, "key"), f"{where}: key must be lower-case letters, digits and hyphens")
            if key in seen_sections:
                self.error(_line(section, "key"), f"section key '{key}' is used twice")
            seen_sections.add(key)
        self.text(section, "title", where)
        questions = self.sequence(section, "questions", where)
        for index, question in enumerate(questions or ()):
            self.question(question, _line(questions, index), seen_questions)

    def question(self, question: Any, line: int, seen: dict[str, Any]) -> None:
        if not self.mapping(question, line, "a question"):
            return
        self.unknown_fields(question, QUESTION_FIELDS, "a question")
        key = self.text(question, "key", "a question")
        where = f"question '{key}'" if key else "a question"
        if key is not None:
            if not KEY_PATTERN.match(key):
                self.error(_line(question, "key"), f"{where}: key must be lower-case letters, digits, '.', '_' or '-'")
            if key in seen:
                self.error(_line(question, "key"), f"question key '{key}' is used twice")
        self.text(question, "label", where)
        qtype = question.get("type")
        if qtype not in QUESTION_TYPES:
            self.error(_line(question, "type"), f"{where}: 'type' must be one of {', '.join(sorted(QUESTION_TYPES))}")
        for flag in ("required", "integer"):
            self.boolean(question, flag, where)
        for field_name in ("min", "max"):
            self.number(question, field_name, where)
        if "max_length" in question and (not isinstance(question["max_length"], int) or question["max_length"] < 1):
            self.error(_line(question, "max_length"), f"{where}: 'max_length' must be a positive whole number")
        if qtype in CHOICE_TYPES:
            self.options(question, where)
        elif "options" in question:
            self.error(_line(question, "options"), f"{where}: only choice questions have 'options'")
        if "unit" in question and qtype != QuestionType.NUMBER.value:
            self.error(_line(question, "unit"), f"{where}: only number questions have a 'unit'")
        if qtype == QuestionType.TABLE.value:
            self.table(question, where)
        else:
            for field_name in ("rows", "columns", "prefill", "min_rows", "row_noun"):
                if field_name in question:
                    self.error(_line(question, field_name), f"{where}: only table questions have '{field_name}'")
        if "show_if" in question:
            self.condition(question["show_if"], _line(question, "show_if"), where, seen)
        if key is not None and key not in seen:
            seen[key] = question

    def condition(self, condition: Any, line: int, where: str, earlier: Mapping[str, Any]) -> None:
        if not self.mapping(condition, line, f"'show_if' of {where}"):
            return
        self.unknown_fields(condition, {"question"} | CONDITION_TESTS, f"'show_if' of {where}")
        target = condition.get("question")
        if target not in earlier:
            self.error(line, f"{where}: 'show_if' refers to '{target}', which is not an earlier question")
        tests = [t for t in CONDITION_TESTS if t in condition]
        if len(tests) != 1:
            self.error(line, f"{where}: 'show_if' needs exactly one of {', '.join(sorted(CONDITION_TESTS))}")
            return
        test = tests[0]
        if test == "in" and not isinstance(condition["in"], list):
            self.error(_line(condition, "in"), f"{where}: 'in' must be a list of answers")
        if test == "answered" and not isinstance(condition["answered"], bool):
            self.error(_line(condition, "answered"), f"{where}: 'answered' must be true or false")
        referenced = earlier.get(target) if isinstance(target, str) else None
        if referenced is not None and test in {"equals", "in", "includes"}:
            allowed = {str(o.get("value")) for o in referenced.get("options") or () if isinstance(o, dict)}
            if referenced.get("type") == QuestionType.YES_NO.value:
                allowed = {"True", "False"}
            values = condition["in"] if test == "in" and isinstance(condition["in"], list) else [condition[test]]
            if allowed:
                for value in values:
                    if str(value) not in allowed:
                        self.error(line, f"{where}: 'show_if' compares with '{value}', which '{target}' cannot answer")

    def table(self, question: _Mapping, where: str) -> None:
        has_rows, has_columns = "rows" in question, "columns" in question
        if has_rows == has_columns:
            self.error(question.line, f"{where}: a table needs either 'rows' (risk, measure, retention_rule, "
                                      "access_rule) or its own 'columns', not both")
            return
        if "min_rows" in question and (not isinstance(question["min_rows"], int) or question["min_rows"] < 0):
            self.error(_line(question, "min_rows"), f"{where}: 'min_rows' must be a whole number")
        if "row_noun" in question and (not isinstance(question["row_noun"], str) or not question["row_noun"].strip()):
            self.error(_line(question, "row_noun"), f"{where}: 'row_noun' must be what a row is, in the plural, "
                                                    "like 'deployments'")
        column_keys: dict[str, str] = {}
        if has_rows:
            if question["rows"] not in {k.value for k in RowKind}:
                kinds = ", ".join(k.value for k in RowKind)
                self.error(_line(question, "rows"), f"{where}: 'rows' must be one of {kinds}")
                return
            column_keys = {c.key: c.type.value for c in columns_for_kind(RowKind(question["rows"]))}
        else:
            columns = self.sequence(question, "columns", where)
            for index, column in enumerate(columns or ()):
                self.column(column, _line(columns, index), where, column_keys)
        prefill = self.sequence(question, "prefill", where, non_empty=False)
        for index, row in enumerate(prefill or ()):
            line = _line(prefill, index)
            if not self.mapping(row, line, f"a 'prefill' row of {where}"):
                continue
            for cell in row:
                if str(cell) not in column_keys:
                    self.error(_line(row, cell), f"{where}: 'prefill' uses unknown column '{cell}'")

    def column(self, column: Any, line: int, where: str, seen: dict[str, str]) -> None:
        if not self.mapping(column, line, f"a column of {where}"):
            return
        self.unknown_fields(column, COLUMN_FIELDS, f"a column of {where}")
        key = self.text(column, "key", f"a column of {where}")
        col_where = f"column '{key}' of {where}"
        if key is not None and key in seen:
            self.error(_line(column, "key"), f"{col_where} is defined twice")
        self.text(column, "label", col_where)
        ctype = column.get("type")
        if ctype not in COLUMN_TYPES:
            self.error(_line(column, "type"), f"{col_where}: 'type' must be one of {', '.join(sorted(COLUMN_TYPES))}")
        for flag in ("required", "integer", "not_recorded", "total"):
            self.boolean(column, flag, col_where)
        if "total" in column and ctype != QuestionType.NUMBER.value:
            self.error(_line(column, "total"), f"{col_where}: only number columns have a 'total'")
        for field_name in ("min", "max"):
            self.number(column, field_name, col_where)
        if ctype in CHOICE_TYPES:
            self.options(column, col_where)
        if ctype == QuestionType.RATIO.value:
            pair = column.get("ratio_of")
            if not isinstance(pair, list) or len(pair) != 2:
                self.error(_line(column, "ratio_of"),
                           f"{col_where}: 'ratio_of' must list a numerator and a denominator column")
            else:
                for part in pair:
                    if seen.get(str(part)) != QuestionType.NUMBER.value:
                        self.error(_line(column, "ratio_of"),
                                   f"{col_where}: '{part}' must be an earlier number column")
        elif "ratio_of" in column:
            self.error(_line(column, "ratio_of"), f"{col_where}: only ratio columns have 'ratio_of'")
        if key is not None and isinstance(ctype, str):
            seen[key] = ctype


def validate(data: Any) -> list[Problem]:
    """Return every problem found in parsed definition data, in file order."""
    validator = _Validator()
    validator.definition(data)
    return sorted(validator.problems, key=lambda p: p.line)


def check_text(text: str, filename: str) -> list[str]:
    """Validate YAML text and return `FILE:LINE: message` strings (empty when valid)."""
    try:
        parse(text, filename)
    except DefinitionError as error:
        return error.messages
    return []
