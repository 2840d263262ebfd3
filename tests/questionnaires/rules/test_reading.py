"""Reading the new definition attributes into typed values: option flags, column totals and the key
questions, which combining with add-ons keeps."""

from dpia.questionnaires.rules.definition import Column, Option, QuestionType, combine
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.rules.schema import parse
from tests.factories import FIXTURES

VALID = (FIXTURES / "all-types.yaml").read_text()
TEXT = (VALID
        .replace("- {value: monitoring, label: Systematic monitoring}",
                 "- {value: monitoring, label: Systematic monitoring, with_another_feature: true}")
        .replace("- {value: innovative, label: Innovative technology}",
                 "- {value: innovative, label: Innovative technology}\n"
                 "          - {value: none, label: None of these, exclusive: true}")
        .replace("{key: alerts, label: Alerts, type: number, integer: true, min: 0, required: true}",
                 "{key: alerts, label: Alerts, type: number, integer: true, min: 0, required: true, total: true}")
        .replace("sections:\n", "key_questions:\n  screening_triggers: basics.criteria\n"
                                "  screening_section: basics\n  views_sought: basics.children\nsections:\n", 1))


def read(text: str = TEXT):
    return definition_from_dict(parse(text, "test.yaml"))


def test_option_flags_are_read():
    criteria = read().question("basics.criteria")
    assert criteria is not None
    flags = {o.value: (o.exclusive, o.with_another_feature) for o in criteria.options}
    assert flags == {"monitoring": (False, True), "biometric": (False, False), "innovative": (False, False),
                     "none": (True, False)}


def test_options_default_to_neither_flag():
    option = Option("x", "X")
    assert option.exclusive is False and option.with_another_feature is False
    kind = read(VALID).question("basics.kind")
    assert kind is not None and not any(o.exclusive or o.with_another_feature for o in kind.options)


def test_column_totals_are_read():
    table = read().question("later.deployments")
    assert table is not None
    totals = {c.key: c.total for c in table.columns}
    assert totals == {"date": False, "alerts": True, "confirmed": True, "precision": False}
    assert table.row_noun == "deployments" and read().question("later.retention").row_noun == "rows"
    assert Column("n", "N", QuestionType.NUMBER).total is False


def test_key_questions_are_read():
    definition = read()
    assert definition.key_questions == {"screening_triggers": "basics.criteria", "screening_section": "basics",
                                        "views_sought": "basics.children"}
    assert definition.key_question("screening_triggers") is definition.question("basics.criteria")
    assert definition.key_question("views_sought") is definition.question("basics.children")
    assert definition.key_section("screening_section") is definition.section("basics")
    assert definition.key_question("screening_outcome") is None  # not declared
    assert definition.key_question("screening_section") is None  # a section, not a question
    assert definition.key_section("views_sought") is None


def test_key_questions_are_empty_when_not_declared():
    assert read(VALID).key_questions == {}


ADD_ON = """key: extra
title: Extra questions
version: "1"
kind: add_on
regimes: [uk_gdpr]
sections:
  - key: extra
    title: Extra
    questions:
      - {key: extra.notes, label: Notes, type: markdown}
"""


def test_combining_with_add_ons_keeps_the_cores_key_questions():
    core, add_on = read(), read(ADD_ON)
    combined = combine(core, (add_on,))
    assert [s.key for s in combined.sections] == ["basics", "later", "extra"]
    assert combined.key_questions == core.key_questions
    assert combined.key_question("screening_triggers") is core.question("basics.criteria")
    assert combined.key_section("screening_section") is core.section("basics")
