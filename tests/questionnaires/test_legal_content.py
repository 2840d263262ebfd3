"""The law as the built-in questionnaires state it: each correction is pinned to the key facts of the
provision, so that a later edit cannot quietly bring the old mistake back."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from dpia.questionnaires.rules.definition import Definition, QuestionType
from tests.questionnaires.builtin import question

S62_OPERATIONS = ("collection", "alteration", "consultation", "disclosure (including transfers)", "combination",
                  "erasure")


def flat(text: str | None) -> str:
    """Guidance with its line breaks and Markdown emphasis taken out, so phrases can be matched."""
    return re.sub(r"\s+", " ", (text or "").replace("**", "").replace("*", "")).strip()


def texts(definition: Definition) -> Iterator[tuple[str, str]]:
    """Every piece of wording in a definition, with where it is."""
    yield definition.key, flat(definition.description)
    for section in definition.sections:
        yield section.key, flat(section.summary)
        for q in section.questions:
            for name in ("label", "hint", "guidance"):
                yield f"{q.key} {name}", flat(getattr(q, name))
            for option in (*q.options, *(o for c in q.columns for o in c.options)):
                yield f"{q.key} option {option.value}", flat(f"{option.label}. {option.hint or ''}")
            for column in q.columns:
                yield f"{q.key} column {column.key}", flat(f"{column.label}. {column.hint or ''}")
            for row in q.prefill:
                yield f"{q.key} prefill", flat(" ".join(str(v) for v in row.values()))


def all_texts(definitions: dict[str, Definition]) -> list[tuple[str, str]]:
    return [item for d in definitions.values() for item in texts(d)]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.:])\s+|\s+-\s+", text) if s]


# -- special category and criminal offence data ---------------------------------------------------


def test_data_categories_mark_special_category_and_criminal_offence_data_apart(core: Definition):
    table = question(core, "processing.data_categories")
    columns = {c.key: c for c in table.columns}
    assert "special" not in columns
    assert columns["special_category"].type is QuestionType.YES_NO
    assert columns["special_category"].label == "Special category data"
    assert columns["criminal_offence"].type is QuestionType.YES_NO
    assert columns["criminal_offence"].label == "Criminal offence data"
    assert "35(8)" in (columns["special_category"].hint or "")
    assert "35(8)" not in (columns["criminal_offence"].hint or "")


def test_sensitive_processing_under_part_3_does_not_cover_criminal_offence_data(core: Definition,
                                                                                 definitions: dict[str, Definition]):
    guidance = flat(question(core, "processing.data_categories").guidance)
    assert "Article 9" in guidance and "Article 10" in guidance and "section 35(8)" in guidance
    assert "Under Part 3 this is not sensitive processing" in guidance
    for where, text in all_texts(definitions):
        assert "Special category or criminal offence data" not in text, where
        for sentence in sentences(text):
            if "35(8)" in sentence:
                assert "criminal offence" not in sentence.lower() or "not" in sentence, where


# -- the condition for criminal offence data ------------------------------------------------------


def test_criminal_offence_data_needs_a_schedule_1_condition_through_section_10_5(core: Definition,
                                                                                 definitions: dict[str, Definition]):
    guidance = flat(question(core, "necessity.sensitive_condition").guidance)
    assert "section 10(5)" in guidance
    assert "Part 1, 2 or 3 of Schedule 1" in guidance
    assert "official authority" in guidance  # Article 10's other route
    assert "Article 9(2)" in guidance
    for where, text in all_texts(definitions):
        assert "a condition in Article 10" not in text, where
        assert "Article 9(2) or Article 10" not in text, where


# -- the consent route for sensitive processing ----------------------------------------------------


def test_strict_necessity_belongs_to_section_35_5_not_to_consent(core: Definition, lfr: Definition,
                                                                 definitions: dict[str, Definition]):
    strict = flat(question(core, "necessity.strict_necessity").guidance)
    assert strict.startswith("Unless you rely on the person's consent (DPA 2018 section 35(4)), sensitive "
                             "processing for law enforcement must be strictly necessary")
    assert "Schedule 8 (section 35(5))" in strict
    assert "does not rely on the person's consent" in (question(core, "necessity.strict_necessity").hint or "")
    condition = flat(question(core, "necessity.sensitive_condition").guidance)
    assert ("either the person's consent (DPA 2018 section 35(4)), or processing that is strictly necessary for the "
            "law enforcement purpose and meets a condition in Schedule 8 (section 35(5))") in condition
    lfr_strict = flat(question(lfr, "lfr.strict_necessity").guidance)
    assert "section 35(4)" in lfr_strict and "(section 35(5))" in lfr_strict
    for where, text in all_texts(definitions):
        for sentence in sentences(text):
            if "35(4)" in sentence and "strictly necessary" in sentence:
                assert "35(5)" in sentence or sentence.startswith("Unless"), where


# -- section 62 logs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "definition_key"), [("necessity.security", "uk-dpia"),
                                                      ("lfr.logging", "lfr-add-on")])
def test_section_62_names_the_six_logged_operations(key: str, definition_key: str,
                                                    definitions: dict[str, Definition]):
    guidance = flat(question(definitions[definition_key], key).guidance).lower()
    assert "section 62" in guidance
    for operation in S62_OPERATIONS:
        assert operation.split(" (")[0] in guidance, (key, operation)
    assert "disclosure (including transfers)" in guidance


@pytest.mark.parametrize(("key", "definition_key"), [("necessity.security", "uk-dpia"),
                                                      ("lfr.logging", "lfr-add-on"),
                                                      ("lfr.access", "lfr-add-on")])
def test_section_62_makes_only_the_identity_so_far_as_possible(key: str, definition_key: str,
                                                               definitions: dict[str, Definition]):
    guidance = flat(question(definitions[definition_key], key).guidance)
    assert "justification" in guidance and "date and time" in guidance
    # The justification, date and time are required; only who did it (and who received it) is
    # "so far as possible".
    assert re.search(r"show the justification and the date and time[.,].{0,30}so far as possible, who", guidance)
    assert "as far as possible, who did it, when and why" not in guidance


def test_no_wording_makes_the_justification_or_time_of_a_log_optional(definitions: dict[str, Definition]):
    for where, text in all_texts(definitions):
        for match in re.finditer(r"(?:so|as) far as possible,?([^.]*)", text):
            qualified = match.group(1)
            assert "when" not in qualified and "why" not in qualified and "justification" not in qualified, where


# -- reviews ----------------------------------------------------------------------------------------


def test_review_follows_article_35_11(core: Definition, definitions: dict[str, Definition]):
    guidance = flat(question(core, "review.schedule").guidance)
    assert "Where necessary" in guidance
    assert "at least when there is a change in the risk" in guidance
    assert "Article 35(11)" in guidance
    assert "good practice" in guidance and "does not set a schedule" in guidance
    summary = flat(core.section("review").summary)  # type: ignore[union-attr]
    assert "where necessary" in summary and "at least when the risk changes" in summary
    for where, text in all_texts(definitions):
        for sentence in sentences(text):
            if "35(11)" in sentence:
                assert "regular" not in sentence.lower(), where


# -- law enforcement purposes ----------------------------------------------------------------------


def test_public_security_is_within_the_law_enforcement_purposes(lfr: Definition):
    guidance = flat(question(lfr, "lfr.purpose").guidance)
    assert ("prevention, investigation, detection or prosecution of criminal offences, or the execution of "
            "criminal penalties") in guidance
    assert "They include safeguarding against and preventing threats to public security" in guidance
    assert "section 31" in guidance
    assert "and protecting against threats to public security" not in guidance


# -- freedom of information -------------------------------------------------------------------------


def test_neither_confirm_nor_deny_provisions_are_not_given_as_grounds_for_withholding(
        definitions: dict[str, Definition]):
    for where, text in all_texts(definitions):
        for provision in ("31(3)", "24(2)"):
            if provision in text:
                assert "neither confirm nor deny" in text.lower(), where


# -- the ICO's list ---------------------------------------------------------------------------------


def test_ico_list_items_that_need_another_feature(core: Definition):
    options = {o.value: o for o in question(core, "screening.ico_list").options}
    assert {v for v, o in options.items() if o.with_another_feature} == {
        "innovative_technology", "biometric_data", "genetic_data", "denial_of_service"}
    assert not any(o.exclusive for o in options.values())
    for value in ("innovative_technology", "biometric_data", "genetic_data"):
        assert "combined with one other feature" in (options[value].hint or ""), value


def test_denial_of_service_applies_only_with_automated_decisions_or_special_category_data(core: Definition):
    option = next(o for o in question(core, "screening.ico_list").options if o.value == "denial_of_service")
    label, hint = flat(option.label), flat(option.hint)
    assert label.startswith("Decisions about access to a product, service, opportunity or benefit")
    assert "automated decision-making (including profiling)" in label
    assert "special category data" in label
    criteria = {o.value: o.label.lower() for o in question(core, "screening.criteria").options}
    # The hint names, in the previous question's words, the features that count as the other one.
    for value, words in (("evaluation_scoring", "evaluating or scoring people"),
                         ("automated_decisions", "automated decisions"),
                         ("sensitive_data", "sensitive or highly personal data")):
        assert criteria[value].startswith(words) and words in hint.lower(), value


# -- Article 8, in the live facial recognition add-on ------------------------------------------------


ARTICLE_8 = {
    "lfr.art8_interference_everyone": QuestionType.YES_NO,
    "lfr.art8_interference": QuestionType.MARKDOWN,
    "lfr.art8_in_accordance_with_law": QuestionType.MARKDOWN,
    "lfr.art8_legitimate_aim": QuestionType.MULTIPLE_CHOICE,
    "lfr.art8_necessity": QuestionType.MARKDOWN,
    "lfr.art8_objective_important": QuestionType.MARKDOWN,
    "lfr.art8_rational_connection": QuestionType.MARKDOWN,
    "lfr.art8_less_intrusive": QuestionType.MARKDOWN,
    "lfr.art8_fair_balance": QuestionType.MARKDOWN,
}


def test_article_8_section_follows_the_legal_framework(lfr: Definition):
    keys = [s.key for s in lfr.sections]
    assert keys[keys.index("lfr-legal") + 1] == "lfr-article8"
    section = lfr.section("lfr-article8")
    assert section is not None and "Article 8" in section.title
    assert {q.key: q.type for q in section.questions} == ARTICLE_8
    assert all(q.required and q.show_if is None for q in section.questions)
    summary = flat(section.summary)
    assert "[2020] EWCA Civ 1058, ground 3" in summary
    assert "proceeded on the basis that Article 8 was not infringed" in summary


def test_the_interference_is_with_everyone_scanned(lfr: Definition):
    everyone = question(lfr, "lfr.art8_interference_everyone")
    assert "whether or not they are on the watchlist" in everyone.label
    guidance = flat(everyone.guidance)
    assert "everyone who passes the cameras, not only the people on the watchlist" in guidance
    assert "Bridges" in guidance and "[2019] EWHC 2341 (Admin)" in guidance
    assert "ICO's 2019 opinion" in guidance
    interference = question(lfr, "lfr.art8_interference")
    assert "people passing the cameras" in interference.label and "on the watchlist" in interference.label


def test_in_accordance_with_the_law(lfr: Definition):
    guidance = flat(question(lfr, "lfr.art8_in_accordance_with_law").guidance)
    for phrase in ("accessible", "foreseeable", "who can be put on a watchlist",
                   "where live facial recognition can be used", "[2020] EWCA Civ 1058, ground 1", "Article 8(2)"):
        assert phrase in guidance, phrase


def test_legitimate_aims_are_those_of_article_8_2(lfr: Definition):
    labels = [o.label for o in question(lfr, "lfr.art8_legitimate_aim").options]
    assert labels == ["National security", "Public safety", "The economic well-being of the country",
                      "The prevention of disorder or crime", "The protection of health or morals",
                      "The protection of the rights and freedoms of others"]


def test_necessity_and_the_four_proportionality_steps(lfr: Definition):
    assert "pressing social need" in question(lfr, "lfr.art8_necessity").label
    assert "necessary in a democratic society" in flat(question(lfr, "lfr.art8_necessity").guidance)
    assert "important enough to justify limiting the right" in question(lfr, "lfr.art8_objective_important").label
    assert "Bank Mellat" in flat(question(lfr, "lfr.art8_objective_important").guidance)
    assert "rationally connected to the objective" in question(lfr, "lfr.art8_rational_connection").label
    assert "without unacceptably compromising the objective" in question(lfr, "lfr.art8_less_intrusive").label
    fair = question(lfr, "lfr.art8_fair_balance")
    assert "everyone scanned" in fair.label and "fair balance" in fair.label
    guidance = flat(fair.guidance)
    assert "how severe the effects are on the rights of everyone whose face is scanned" in guidance
    assert "how important the objective is" in guidance


# -- fair balance in the core questionnaire --------------------------------------------------------


def test_core_asks_for_a_fair_balance_under_article_35_7_b(core: Definition):
    necessity = core.section("necessity")
    assert necessity is not None
    keys = [q.key for q in necessity.questions]
    assert keys.index("necessity.fair_balance") == keys.index("necessity.alternatives") + 1
    fair = question(core, "necessity.fair_balance")
    assert fair.type is QuestionType.MARKDOWN and fair.required
    assert "benefits" in fair.label and "intrusion into people's privacy" in fair.label
    guidance = flat(fair.guidance)
    assert "Article 35(7)(b)" in guidance
    assert "is the processing proportionate" in guidance
