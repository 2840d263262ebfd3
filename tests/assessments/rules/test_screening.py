"""Screening that decides, on the built-in questionnaire: what forces an assessment, and what a "not
required" outcome leaves to fill in."""

import pytest

from dpia.assessments.rules.completeness import content_blockers
from dpia.assessments.rules.screening import outcome_problem, required_reasons, screening_only, sections_in_scope
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.services import BUILTIN_DIR, read_definition

CORE = definition_from_dict(read_definition(BUILTIN_DIR / "uk-dpia.yaml"))
NOTHING = {"screening.mandatory_triggers": ["none"], "screening.criteria": [], "screening.ico_list": []}
NOT_REQUIRED = {**NOTHING, "screening.outcome": "not_required", "screening.reasons": "A staff rota.",
                "screening.not_required_justification": "Names and shifts of staff only."}


def reasons(**answers):
    return required_reasons(CORE, {**NOTHING, **answers})


def test_nothing_ticked_requires_nothing():
    assert reasons() == []


def test_an_article_35_3_trigger_requires_an_assessment():
    found = reasons(**{"screening.mandatory_triggers": ["public_monitoring"]})
    assert len(found) == 1 and "Article 35(3)" in found[0] and "publicly accessible" in found[0]


def test_two_edpb_criteria_require_one_but_one_alone_does_not():
    assert reasons(**{"screening.criteria": ["large_scale"]}) == []
    found = reasons(**{"screening.criteria": ["large_scale", "vulnerable_people"]})
    assert len(found) == 1 and "2 of the EDPB's criteria" in found[0]


def test_an_item_on_the_ico_list_requires_one():
    found = reasons(**{"screening.ico_list": ["data_matching"]})
    assert len(found) == 1 and "ICO's list" in found[0] and "matching" in found[0]


def test_ico_items_that_need_another_feature_count_only_with_one():
    for item in ("innovative_technology", "biometric_data", "genetic_data"):
        assert reasons(**{"screening.ico_list": [item]}) == [], item
        assert reasons(**{"screening.ico_list": [item], "screening.criteria": ["large_scale"]}), item
    # Access to a product, service or benefit counts only with automated decisions, profiling or sensitive data.
    assert reasons(**{"screening.ico_list": ["denial_of_service"], "screening.criteria": ["large_scale"]}) == []
    assert reasons(**{"screening.ico_list": ["denial_of_service"], "screening.criteria": ["automated_decisions"]})


@pytest.mark.parametrize("outcome", ["not_required", "good_practice"])
def test_an_outcome_the_answers_contradict_is_refused_with_the_reason(outcome):
    answers = {**NOTHING, "screening.mandatory_triggers": ["public_monitoring"], "screening.outcome": outcome}
    problem = outcome_problem(CORE, answers)
    assert problem.startswith("An assessment is required because") and "Article 35(3)" in problem
    assert problem.endswith("Select “An assessment is required”")
    assert outcome_problem(CORE, {**answers, "screening.outcome": "required"}) is None


def test_not_required_makes_a_short_screening_record():
    assert screening_only(CORE, NOT_REQUIRED)
    assert [s.key for s in sections_in_scope(CORE, NOT_REQUIRED)] == ["screening"]
    assert content_blockers(CORE, NOT_REQUIRED, {}) == []  # nothing else to fill in
    # A trigger ticked later turns it back into a full assessment, its answers kept.
    full = {**NOT_REQUIRED, "screening.mandatory_triggers": ["public_monitoring"]}
    assert not screening_only(CORE, full) and len(sections_in_scope(CORE, full)) == len(CORE.sections)
    assert any(b.section_key == "need" for b in content_blockers(CORE, full, {}))


def test_a_screening_record_still_needs_its_reasons():
    found = content_blockers(CORE, {**NOT_REQUIRED, "screening.not_required_justification": None}, {})
    assert [b.question_key for b in found] == ["screening.not_required_justification"]
