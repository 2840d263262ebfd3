"""Option flags (`exclusive`, `with_another_feature`), column totals and `key_questions`: each mistake
is reported as FILE:LINE: message, on the line of the mistake."""

from tests.questionnaires.rules.checking import VALID, line_of, problems_for

MONITORING = "- {value: monitoring, label: Systematic monitoring}"
BIOMETRIC = "- {value: biometric, label: Biometric data}"
NEW_SYSTEM = "- {value: new, label: New system}"
KEY_QUESTIONS = """key_questions:
  screening_triggers: basics.criteria
  screening_outcome: basics.kind
  screening_section: basics
  views_sought: basics.children
sections:
"""


def flagged(option: str, flags: str) -> str:
    return option[:-1] + f", {flags}}}"


def with_key_questions(block: str = KEY_QUESTIONS, text: str = VALID) -> str:
    return text.replace("sections:\n", block, 1)


# -- exclusive options ----------------------------------------------------------------------------


def test_an_exclusive_option_of_a_multiple_choice_question_is_valid():
    assert problems_for(VALID.replace(MONITORING, flagged(MONITORING, "exclusive: true"))) == []
    assert problems_for(VALID.replace(MONITORING, flagged(MONITORING, "exclusive: false"))) == []


def test_exclusive_is_only_for_multiple_choice_options():
    text = VALID.replace(NEW_SYSTEM, flagged(NEW_SYSTEM, "exclusive: true"))
    line = line_of(text, "exclusive: true")
    assert (f"broken.yaml:{line}: question 'basics.kind': only options of a multiple_choice question can have "
            "'exclusive'") in problems_for(text)


def test_only_one_option_of_a_question_can_be_exclusive():
    text = VALID.replace(MONITORING, flagged(MONITORING, "exclusive: true")) \
                .replace(BIOMETRIC, flagged(BIOMETRIC, "exclusive: true"))
    line = line_of(text, "value: biometric")
    assert (f"broken.yaml:{line}: question 'basics.criteria': only one option can be 'exclusive' "
            "('monitoring' already is)") in problems_for(text)


def test_exclusive_must_be_true_or_false():
    text = VALID.replace(MONITORING, flagged(MONITORING, "exclusive: 'sometimes'"))
    line = line_of(text, "sometimes")
    assert any(p.startswith(f"broken.yaml:{line}: 'exclusive' in an option of question 'basics.criteria' "
                            "must be true or false") for p in problems_for(text))


# -- options that need another feature --------------------------------------------------------------


def test_with_another_feature_on_a_multiple_choice_option_is_valid():
    assert problems_for(VALID.replace(BIOMETRIC, flagged(BIOMETRIC, "with_another_feature: true"))) == []


def test_with_another_feature_is_only_for_multiple_choice_options():
    text = VALID.replace(NEW_SYSTEM, flagged(NEW_SYSTEM, "with_another_feature: true"))
    line = line_of(text, "with_another_feature")
    assert (f"broken.yaml:{line}: question 'basics.kind': only options of a multiple_choice question can have "
            "'with_another_feature'") in problems_for(text)


def test_with_another_feature_must_be_true_or_false():
    text = VALID.replace(BIOMETRIC, flagged(BIOMETRIC, "with_another_feature: 3"))
    assert any("'with_another_feature' in an option of question 'basics.criteria' must be true or false" in p
               for p in problems_for(text))


# -- column totals ------------------------------------------------------------------------------------

ALERTS = "{key: alerts, label: Alerts, type: number, integer: true, min: 0, required: true, total: true}"
DATE = "{key: date, label: Date, type: date, required: true}"


def test_a_number_column_can_have_a_total():
    assert ALERTS in VALID and problems_for(VALID) == []


def test_only_number_columns_have_a_total():
    text = VALID.replace(DATE, DATE[:-1] + ", total: true}")
    line = line_of(text, "total: true")
    assert (f"broken.yaml:{line}: column 'date' of question 'later.deployments': only number columns have a "
            "'total'") in problems_for(text)


def test_total_must_be_true_or_false():
    text = VALID.replace(ALERTS, ALERTS.replace("total: true", "total: 'sum'"))
    assert any("'total' in column 'alerts' of question 'later.deployments' must be true or false" in p
               for p in problems_for(text))


# -- key questions ------------------------------------------------------------------------------------


def test_key_questions_naming_questions_of_the_right_types_are_valid():
    assert problems_for(with_key_questions()) == []


def test_a_key_question_must_be_a_known_role():
    text = with_key_questions(KEY_QUESTIONS.replace("views_sought:", "views_asked:"))
    line = line_of(text, "views_asked:")
    problems = problems_for(text)
    assert any(p.startswith(f"broken.yaml:{line}: unknown key question 'views_asked' (use ") for p in problems)
    assert any("screening_triggers" in p and "views_sought" in p for p in problems)


def test_a_key_question_must_name_a_question_of_the_definition():
    text = with_key_questions(KEY_QUESTIONS.replace("screening_triggers: basics.criteria",
                                                    "screening_triggers: basics.triggers"))
    line = line_of(text, "screening_triggers:")
    assert (f"broken.yaml:{line}: 'key_questions.screening_triggers' names unknown question 'basics.triggers'"
            in problems_for(text))


def test_a_key_question_must_have_the_type_its_role_needs():
    text = with_key_questions(KEY_QUESTIONS.replace("screening_outcome: basics.kind",
                                                    "screening_outcome: basics.criteria")
                                           .replace("views_sought: basics.children", "views_sought: basics.aims"))
    problems = problems_for(text)
    assert (f"broken.yaml:{line_of(text, 'screening_outcome:')}: 'key_questions.screening_outcome' must name a "
            "single_choice question, and 'basics.criteria' is multiple_choice") in problems
    assert (f"broken.yaml:{line_of(text, 'views_sought:')}: 'key_questions.views_sought' must name a yes_no "
            "question, and 'basics.aims' is markdown") in problems


def test_the_screening_section_must_name_a_section():
    text = with_key_questions(KEY_QUESTIONS.replace("screening_section: basics", "screening_section: basics.aims"))
    line = line_of(text, "screening_section:")
    assert f"broken.yaml:{line}: 'key_questions.screening_section' names unknown section 'basics.aims'" \
        in problems_for(text)


def test_key_questions_must_be_a_mapping():
    text = with_key_questions("key_questions: [basics.criteria]\nsections:\n")
    assert any("'key_questions' must be a mapping" in p for p in problems_for(text))


def test_an_add_on_does_not_declare_key_questions():
    add_on = VALID.replace("regimes: [uk_gdpr]", "kind: add_on\nregimes: [uk_gdpr]")
    assert problems_for(add_on) == []
    text = with_key_questions(text=add_on)
    line = line_of(text, "key_questions:")
    assert f"broken.yaml:{line}: only a core questionnaire declares 'key_questions'" in problems_for(text)


# -- row nouns ------------------------------------------------------------------------------------


def test_a_table_names_its_rows_and_only_a_table_can():
    assert problems_for(VALID) == []  # the fixture's deployments table has `row_noun: deployments`
    empty = VALID.replace("row_noun: deployments", "row_noun: ''")
    assert (f"broken.yaml:{line_of(empty, 'row_noun')}: question 'later.deployments': 'row_noun' must be what a row "
            "is, in the plural, like 'deployments'") in problems_for(empty)
    misplaced = VALID.replace("{key: basics.aims, label: Project aims, type: markdown, required: true}",
                              "{key: basics.aims, label: Project aims, type: markdown, required: true, row_noun: aims}")
    assert any("only table questions have 'row_noun'" in p for p in problems_for(misplaced)), problems_for(misplaced)
