"""Section status counting, with conditional questions and tables."""

from dpia.assessments.rules.progress import SectionStatus, missing_cells, section_progress
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.rules.schema import parse
from tests.factories import FIXTURES

DEFINITION = definition_from_dict(parse((FIXTURES / "all-types.yaml").read_text()))
BASICS = DEFINITION.section("basics")
LATER = DEFINITION.section("later")


def test_nothing_answered_is_not_started():
    progress = section_progress(BASICS, {}, {}, saved=False)
    assert progress.status is SectionStatus.NOT_STARTED
    # aims, name, children are required; the children follow-up is hidden until children = yes.
    assert (progress.required_answered, progress.required_total) == (0, 3)


def test_counts_required_answers():
    progress = section_progress(BASICS, {"basics.aims": "x", "basics.children": False}, {}, saved=True)
    assert progress.status is SectionStatus.IN_PROGRESS
    assert (progress.required_answered, progress.required_total) == (2, 3)
    assert progress.missing == ("basics.name",)


def test_a_condition_that_holds_adds_a_required_question():
    answers = {"basics.aims": "x", "basics.name": "y", "basics.children": True}
    progress = section_progress(BASICS, answers, {}, saved=True)
    assert progress.required_total == 4
    assert progress.missing == ("basics.children_safeguards",)
    answers["basics.children_safeguards"] = "Parents are told."
    assert section_progress(BASICS, answers, {}, saved=True).status is SectionStatus.COMPLETED


def test_false_is_an_answer():
    answers = {"basics.aims": "x", "basics.name": "y", "basics.children": False}
    assert section_progress(BASICS, answers, {}, saved=True).status is SectionStatus.COMPLETED


def test_conditions_on_another_sections_answers():
    hidden = section_progress(LATER, {"basics.children": True}, {}, saved=False)
    shown = section_progress(LATER, {"basics.children": False}, {}, saved=False)
    assert "later.reason" not in hidden.missing
    assert "later.reason" in shown.missing


def test_tables_need_enough_complete_rows():
    retention = {"data_category": "Alert images", "period_days": 30, "trigger": "on_alert",
                 "justification": "Complaints window", "deletion_method": "automatic"}
    answers = {"basics.children": True}
    assert "later.retention" in section_progress(LATER, answers, {}, saved=True).missing
    incomplete = {"later.retention": [{**retention, "justification": None}]}
    assert "later.retention" in section_progress(LATER, answers, incomplete, saved=True).missing
    complete = {"later.retention": [retention]}
    progress = section_progress(LATER, answers, complete, saved=True)
    assert "later.retention" not in progress.missing
    assert progress.status is SectionStatus.COMPLETED


def test_missing_cells_treats_zero_and_false_as_filled():
    columns = DEFINITION.question("later.retention").columns
    cells = {"data_category": "Faces", "period_days": 0, "trigger": "on_capture", "justification": "None kept",
             "deletion_method": "automatic"}
    assert missing_cells(columns, cells) == []
    assert [c.key for c in missing_cells(columns, {})] == ["data_category", "trigger", "justification",
                                                           "deletion_method"]


def test_a_section_with_nothing_required_is_optional_until_something_is_entered():
    section = definition_from_dict(parse((FIXTURES / "all-types.yaml").read_text().replace(
        "      - {key: later.retention, label: Retention, type: table, rows: retention_rule, min_rows: 1}\n", "")
        .replace("required: true\n        show_if: {question: basics.children, equals: false}",
                 "show_if: {question: basics.children, equals: false}"))).section("later")
    untouched = section_progress(section, {"basics.children": False}, {"later.deployments": []}, saved=False)
    assert untouched.status is SectionStatus.OPTIONAL and untouched.done and not untouched.complete
    assert section_progress(section, {}, {}, saved=True).status is SectionStatus.COMPLETED
