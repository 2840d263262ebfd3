"""Comparing two questionnaire definitions: sections and questions matched by key."""

import textwrap

from dpia.questionnaires.rules.definition import Definition
from dpia.questionnaires.rules.diff import diff_definitions, section_summary
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.rules.schema import parse
from tests.factories import RISK_MODEL_YAML

HEADER = """\
key: test-q
title: Test questionnaire
version: "{version}"
regimes: [uk_gdpr]
""" + RISK_MODEL_YAML + """sections:
"""

BASE_SECTIONS = """\
- key: about
  title: About the project
  questions:
    - {key: about.name, label: Project name, type: short_text, required: true}
    - key: about.kind
      label: Kind of system
      type: single_choice
      options: [{value: cctv, label: CCTV}, {value: anpr, label: ANPR}]
    - key: about.cameras
      label: How many cameras?
      type: number
      unit: cameras
      show_if: {question: about.kind, equals: cctv}
    - {key: about.notes, label: Notes, type: markdown}
- key: tables
  title: Tables
  questions:
    - {key: t.risks, label: Risks, type: table, rows: risk}
    - key: t.systems
      label: Systems
      type: table
      columns:
        - {key: name, label: Name, type: short_text, required: true}
        - {key: users, label: Users, type: number}
- key: review
  title: Review
  questions:
    - {key: review.when, label: Review date, type: date}
"""


def definition(sections: str = BASE_SECTIONS, version: str = "1") -> Definition:
    return definition_from_dict(parse(HEADER.format(version=version) + textwrap.indent(sections, "  "), "t.yaml"))


def edit(*replacements: tuple[str, str]) -> str:
    sections = BASE_SECTIONS
    for old, new in replacements:
        assert old in sections, old
        sections = sections.replace(old, new)
    return sections


def test_identical_definitions_have_no_differences():
    diff = diff_definitions(definition(), definition())
    assert diff.is_empty
    assert [s.summary for s in diff.sections] == ["No changes"] * 3
    assert not any(s.has_changes for s in diff.sections)


def test_new_version_label_is_a_detail_not_a_question_change():
    diff = diff_definitions(definition(version="1"), definition(version="1.1"))
    assert [(c.attribute, c.old, c.new) for c in diff.details] == [("version", "1", "1.1")]
    assert not diff.questions_changed


def test_added_and_removed_questions():
    new = definition(edit(
        ("    - {key: about.notes, label: Notes, type: markdown}\n",
         "    - {key: about.owner, label: Owner, type: person, required: true}\n"),
    ))
    diff = diff_definitions(definition(), new)
    assert [(q.key, q.type, q.required, q.section_key) for q in diff.questions_added] == [
        ("about.owner", "Person", True, "about")]
    assert [(q.key, q.label) for q in diff.questions_removed] == [("about.notes", "Notes")]
    about = diff.section_diff("about")
    assert about.status == "changed"
    assert about.summary == "1 question added, 1 removed"


def test_changed_attributes_are_listed_with_readable_old_and_new_values():
    new = definition(edit(
        ("{key: about.name, label: Project name, type: short_text, required: true}",
         "{key: about.name, label: Name of the project, type: markdown}"),
        ("{value: anpr, label: ANPR}]", "{value: bwv, label: Body-worn video}]"),
        ("      unit: cameras\n      show_if: {question: about.kind, equals: cctv}",
         "      unit: devices\n      show_if: {question: about.kind, in: [cctv, bwv]}"),
    ))
    diff = diff_definitions(definition(), new)
    name = diff.changed("about.name")
    assert [(c.attribute, c.old, c.new) for c in name.changes] == [
        ("label", "Project name", "Name of the project"),
        ("type", "Short text", "Long text"),
        ("required", "Required", "Optional"),
    ]
    kind = diff.changed("about.kind")
    assert [(c.attribute, c.old, c.new) for c in kind.changes] == [
        ("options_added", "None", "Body-worn video (bwv)"),
        ("options_removed", "ANPR (anpr)", "None"),
    ]
    cameras = diff.changed("about.cameras")
    assert cameras.attributes == ("show_if", "unit")
    show_if = cameras.changes[0]
    assert show_if.old == "Only when ‘about.kind’ is ‘cctv’"
    assert show_if.new == "Only when ‘about.kind’ is one of ‘cctv’, ‘bwv’"
    assert diff.section_diff("about").summary == "3 questions changed"


def test_table_row_kind_and_column_changes():
    new = definition(edit(
        ("{key: t.risks, label: Risks, type: table, rows: risk}",
         "{key: t.risks, label: Risks, type: table, rows: measure}"),
        ("        - {key: users, label: Users, type: number}\n",
         "        - {key: users, label: Users, type: short_text, required: true}\n"
         "        - {key: vendor, label: Supplier, type: short_text}\n"),
    ))
    diff = diff_definitions(definition(), new)
    risks = diff.changed("t.risks")
    assert [(c.attribute, c.old, c.new) for c in risks.changes] == [
        ("type", "Table of risks", "Table of measures"),
        ("row_kind", "Risks", "Measures"),
    ]
    systems = diff.changed("t.systems")
    assert [(c.attribute, c.title, c.old, c.new) for c in systems.changes] == [
        ("columns_added", "Columns added", "None", "‘vendor’ Supplier (Short text)"),
        ("column.users.type", "Column ‘users’: type", "Number", "Short text"),
        ("column.users.required", "Column ‘users’: required", "Optional", "Required"),
    ]


def test_removed_column_and_question_that_becomes_a_table():
    new = definition(edit(
        ("        - {key: users, label: Users, type: number}\n", ""),
        ("{key: review.when, label: Review date, type: date}",
         "{key: review.when, label: Review date, type: table, rows: retention_rule}"),
    ))
    diff = diff_definitions(definition(), new)
    assert [(c.attribute, c.old) for c in diff.changed("t.systems").changes] == [
        ("columns_removed", "‘users’ Users (Number)")]
    assert [(c.attribute, c.old, c.new) for c in diff.changed("review.when").changes] == [
        ("type", "Date", "Table of retention rules"),
        ("row_kind", "Not a table", "Retention rules"),
    ]


def test_sections_added_removed_and_retitled():
    new = definition(edit(
        ("  title: About the project\n", "  title: The project\n"),
        ("- key: review\n  title: Review\n  questions:\n"
         "    - {key: review.when, label: Review date, type: date}\n",
         "- key: sign-off\n  title: Sign-off\n  questions:\n"
         "    - {key: signoff.by, label: Signed off by, type: person, required: true}\n"
         "    - {key: signoff.on, label: Signed off on, type: date}\n"),
    ))
    diff = diff_definitions(definition(), new)
    assert [(s.key, s.title) for s in diff.sections_added] == [("sign-off", "Sign-off")]
    assert [(s.key, s.title) for s in diff.sections_removed] == [("review", "Review")]
    assert [(s.key, s.old_title, s.new_title) for s in diff.sections_retitled] == [
        ("about", "About the project", "The project")]
    summaries = {s.key: (s.status, s.summary) for s in diff.sections}
    assert summaries == {
        "about": ("changed", "Retitled"),
        "tables": ("unchanged", "No changes"),
        "sign-off": ("added", "New section with 2 questions"),
        "review": ("removed", "Section removed, and 1 question with it"),
    }
    assert [s.key for s in diff.sections] == ["about", "tables", "sign-off", "review"]


def test_a_question_moved_to_another_section_is_a_change_not_a_removal():
    new = definition(edit(
        ("    - {key: about.notes, label: Notes, type: markdown}\n", ""),
        ("    - {key: review.when, label: Review date, type: date}\n",
         "    - {key: review.when, label: Review date, type: date}\n"
         "    - {key: about.notes, label: Notes, type: markdown}\n"),
    ))
    diff = diff_definitions(definition(), new)
    assert not diff.questions_added and not diff.questions_removed
    notes = diff.changed("about.notes")
    assert [(c.attribute, c.old, c.new) for c in notes.changes] == [("section", "About the project", "Review")]
    assert diff.section_diff("review").summary == "1 question changed"
    assert diff.section_diff("about").summary == "No changes"


def test_risk_model_change_is_reported():
    old = definition()
    new_text = HEADER.format(version="2").replace("high_levels: [high]", "high_levels: [medium, high]")
    new = definition_from_dict(parse(new_text + textwrap.indent(BASE_SECTIONS, "  "), "t.yaml"))
    diff = diff_definitions(old, new)
    assert [c.attribute for c in diff.details] == ["version", "risk_model"]
    assert "high: high)" in diff.details[1].old and "high: medium, high)" in diff.details[1].new


def test_section_summary_wording():
    assert section_summary("changed", 2, 1, 3) == "2 questions added, 1 removed, 3 changed"
    assert section_summary("changed", 0, 0, 1, retitled=True) == "Retitled; 1 question changed"
    assert section_summary("removed", 0, 0, 0) == "Section removed"
    assert section_summary("added", 1, 0, 0) == "New section with 1 question"


def test_totals_row_nouns_option_flags_and_key_questions_are_reported():
    new_sections = edit(
        ("      label: Systems\n      type: table\n",
         "      label: Systems\n      type: table\n      row_noun: systems\n"),
        ("        - {key: users, label: Users, type: number}\n",
         "        - {key: users, label: Users, type: number, total: true}\n"),
        ("    - {key: about.notes, label: Notes, type: markdown}\n",
         "    - {key: about.notes, label: Notes, type: markdown}\n"
         "    - key: about.features\n      label: Features\n      type: multiple_choice\n"
         "      options: [{value: none, label: None of these}]\n"),
    )
    old = definition(new_sections.replace("row_noun: systems\n      ", "").replace(", total: true", ""))
    flagged = new_sections.replace("{value: none, label: None of these}",
                                   "{value: none, label: None of these, exclusive: true}")
    new = definition_from_dict(parse(HEADER.format(version="2").replace(
        "sections:\n", "key_questions:\n  screening_triggers: about.features\nsections:\n")
        + textwrap.indent(flagged, "  "), "t.yaml"))
    diff = diff_definitions(old, new)
    assert [(c.attribute, c.new) for c in diff.changed("t.systems").changes] == [
        ("row_noun", "systems"), ("column.users.total", "Yes")]
    assert [(c.attribute, c.old, c.new) for c in diff.changed("about.features").changes] == [
        ("options_flagged", "None of these (none): no special rule",
         "None of these (none): excludes the other options")]
    assert ("key_questions", "screening_triggers: about.features") in [(c.attribute, c.new) for c in diff.details]
