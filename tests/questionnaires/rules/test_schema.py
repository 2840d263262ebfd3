"""A broken definition is reported as FILE:LINE: message, with the line of the mistake."""

import pytest

from dpia.questionnaires.rules.schema import DefinitionError, parse
from tests.questionnaires.rules.checking import VALID, line_of, problems_for


def test_the_fixture_is_valid():
    assert problems_for(VALID) == []
    assert parse(VALID)["key"] == "all-types"


def test_unknown_question_type():
    text = VALID.replace("type: short_text, required: true}", "type: essay, required: true}")
    line = line_of(text, "type: essay")
    expected = f"broken.yaml:{line}: question 'basics.name': 'type' must be one of"
    assert any(p.startswith(expected) for p in problems_for(text))


def test_misspelt_field_names_the_allowed_ones():
    text = VALID.replace("        required: true\n        show_if", "        requred: true\n        show_if", 1)
    line = line_of(text, "requred")
    assert any(p.startswith(f"broken.yaml:{line}: unknown field 'requred'") and "required" in p
               for p in problems_for(text))


def test_show_if_must_point_backwards():
    text = VALID.replace("show_if: {question: basics.children, equals: true}",
                         "show_if: {question: later.reason, answered: true}")
    line = line_of(text, "show_if: {question: later.reason")
    assert f"broken.yaml:{line}: question 'basics.children_safeguards': 'show_if' refers to 'later.reason', " \
           "which is not an earlier question" in problems_for(text)


def test_show_if_value_must_be_possible():
    text = VALID.replace("show_if: {question: basics.children, equals: true}",
                         "show_if: {question: basics.children, equals: perhaps}")
    assert any("cannot answer" in p for p in problems_for(text))


def test_duplicate_question_key():
    text = VALID.replace("key: basics.name,", "key: basics.aims,")
    line = line_of(text, "key: basics.aims,", occurrence=2)
    assert f"broken.yaml:{line}: question key 'basics.aims' is used twice" in problems_for(text)


def test_matrix_row_of_wrong_length():
    text = VALID.replace("possible: [low, medium, high]", "possible: [low, medium]")
    line = line_of(text, "possible: [low, medium]")
    assert any(p.startswith(f"broken.yaml:{line}: 'matrix' row 'possible' needs one level per severity")
               for p in problems_for(text))


def test_matrix_cell_must_be_a_level():
    text = VALID.replace("probable: [medium, high, high]", "probable: [medium, high, extreme]")
    assert any("uses 'extreme', which is not one of 'levels'" in p for p in problems_for(text))


def test_ratio_must_divide_number_columns():
    text = VALID.replace("ratio_of: [confirmed, alerts]", "ratio_of: [date, alerts]")
    line = line_of(text, "ratio_of: [date, alerts]")
    assert any(p.startswith(f"broken.yaml:{line}:") and "'date' must be an earlier number column" in p
               for p in problems_for(text))


def test_prefill_with_unknown_column():
    text = VALID.replace("- {date: \"2017-06-01\", alerts: 104, confirmed: 2}",
                         "- {date: \"2017-06-01\", alerts: 104, faces: 3}")
    assert any("'prefill' uses unknown column 'faces'" in p for p in problems_for(text))


def test_table_needs_rows_or_columns():
    text = VALID.replace("type: table, rows: measure}", "type: table}")
    assert any("a table needs either 'rows'" in p for p in problems_for(text))


def test_core_needs_a_risk_model():
    start, end = VALID.index("risk_model:"), VALID.index("sections:")
    assert any("needs a 'risk_model'" in p for p in problems_for(VALID[:start] + VALID[end:]))


def test_yaml_syntax_error_has_a_line():
    text = VALID.replace("title: Basics", "title: [Basics")
    problems = problems_for(text)
    assert len(problems) == 1 and problems[0].startswith("broken.yaml:") and "not valid YAML" in problems[0]


def test_several_problems_are_all_reported_in_file_order():
    text = VALID.replace("type: short_text, required: true}", "type: essay, required: true}") \
                .replace("possible: [low, medium, high]", "possible: [low]")
    problems = problems_for(text)
    lines = [int(p.split(":")[1]) for p in problems]
    assert len(problems) >= 2 and lines == sorted(lines)


def test_parse_raises_with_messages():
    with pytest.raises(DefinitionError) as raised:
        parse("key: x\n", "tiny.yaml")
    assert all(m.startswith("tiny.yaml:") for m in raised.value.messages)
