"""Screening that decides: when the law requires an assessment, and when a revision is only a screening record.

The questions are found through the questionnaire's declared `key_questions` (screening_triggers,
screening_criteria, screening_ico_list, screening_outcome, screening_section), so the rules hold for any
questionnaire that declares them and do nothing for one that does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dpia.questionnaires.rules.definition import Definition, Question, Section

REQUIRED = "required"
NOT_REQUIRED = "not_required"
CRITERIA_THRESHOLD = 2  # EDPB (WP248): two or more criteria make an assessment likely to be required

# The ICO's "with another feature" items count when the processing also has one of these EDPB criteria;
# access to a product, service or benefit counts only with automated decisions, profiling or sensitive data.
_ANOTHER_FEATURE_FOR = {"denial_of_service": ("automated_decisions", "evaluation_scoring", "sensitive_data")}


def _question(definition: Definition, role: str) -> Question | None:
    key = definition.key_questions.get(role)
    return definition.question(key) if key else None


def _chosen(question: Question | None, answers: Mapping[str, Any]) -> list[str]:
    value = answers.get(question.key) if question else None
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _labels(question: Question, values: list[str]) -> str:
    names = {option.value: option.label for option in question.options}
    return "; ".join(names.get(value, value) for value in values)


def required_reasons(definition: Definition, answers: Mapping[str, Any]) -> list[str]:
    """Why the law requires an assessment, from the screening answers (empty when nothing forces it).

    An Article 35(3) trigger, two or more EDPB criteria, or an item on the ICO's list each force it. An ICO
    item marked "with another feature" counts only alongside an EDPB criterion (for access to a product,
    service or benefit: automated decisions, profiling or sensitive data).
    """
    reasons: list[str] = []
    triggers_q = _question(definition, "screening_triggers")
    exclusive = {o.value for o in triggers_q.options if o.exclusive} if triggers_q else set()
    triggers = [v for v in _chosen(triggers_q, answers) if v not in exclusive]
    if triggers_q and triggers:
        reasons.append(f"the processing has a feature that always requires one (UK GDPR Article 35(3)): "
                       f"{_labels(triggers_q, triggers)}")
    criteria_q = _question(definition, "screening_criteria")
    criteria = _chosen(criteria_q, answers)
    if criteria_q and len(criteria) >= CRITERIA_THRESHOLD:
        reasons.append(f"it has {len(criteria)} of the EDPB's criteria (two or more make high risk likely): "
                       f"{_labels(criteria_q, criteria)}")
    ico_q = _question(definition, "screening_ico_list")
    if ico_q:
        needs_another = {o.value for o in ico_q.options if o.with_another_feature}

        def counts(item: str) -> bool:
            if item not in needs_another:
                return True
            features = _ANOTHER_FEATURE_FOR.get(item)
            return any(c in criteria for c in features) if features is not None else bool(criteria)

        counted = [item for item in _chosen(ico_q, answers) if counts(item)]
        if counted:
            reasons.append(f"it is on the ICO's list of processing likely to be high risk: {_labels(ico_q, counted)}")
    return reasons


def outcome_problem(definition: Definition, answers: Mapping[str, Any]) -> str | None:
    """The message for a screening outcome that the answers contradict, or None."""
    outcome_q = _question(definition, "screening_outcome")
    if outcome_q is None:
        return None
    outcome = answers.get(outcome_q.key)
    reasons = required_reasons(definition, answers)
    if outcome and outcome != REQUIRED and reasons:
        return "An assessment is required because " + "; and ".join(reasons) + ". Select “An assessment is required”"
    return None


def screening_only(definition: Definition, answers: Mapping[str, Any]) -> bool:
    """Whether screening found that no assessment is required: the revision is then a short screening record,
    signed off by a DPO, without the rest of the questionnaire."""
    outcome_q = _question(definition, "screening_outcome")
    return (outcome_q is not None and answers.get(outcome_q.key) == NOT_REQUIRED
            and not required_reasons(definition, answers) and screening_section(definition) is not None)


def screening_section(definition: Definition) -> Section | None:
    key = definition.key_questions.get("screening_section")
    return definition.section(key) if key else None


def sections_in_scope(definition: Definition, answers: Mapping[str, Any]) -> tuple[Section, ...]:
    """The sections a revision is made of: all of them, or only the screening section of a screening record."""
    if screening_only(definition, answers):
        section = screening_section(definition)
        return (section,) if section else ()
    return definition.sections
