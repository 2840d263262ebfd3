"""Every answer type: what is accepted, what is refused with which message, how it reads back."""

import pytest

from dpia.assessments.rules.answers import (
    AnswerError,
    display_text,
    form_value,
    parse_answer,
    ratio_text,
    required_message,
)
from dpia.questionnaires.rules.definition import Column, Option, Question
from dpia.questionnaires.rules.definition import QuestionType as T

OPTIONS = (Option("new", "New system"), Option("change", "Change"))


def q(kind, **extra):
    return Question(key="k", label=extra.pop("label", "Thing"), type=kind, **extra)


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    (T.MARKDOWN, "  **bold**\r\ntext  ", "**bold**\ntext"),
    (T.MARKDOWN, "   ", None),
    (T.SHORT_TEXT, " Northshire ", "Northshire"),
    (T.YES_NO, "yes", True),
    (T.YES_NO, "no", False),
    (T.YES_NO, "", None),
    (T.DATE, ["30", "6", "2018"], "2018-06-30"),
    (T.DATE, ["", "", ""], None),
    (T.DATE, "2018-06-30", "2018-06-30"),
    (T.PARTIAL_DATE, "2018-Q2", "2018-Q2"),
    (T.PARTIAL_DATE, "June 2018", "2018-06"),
    (T.PARTIAL_DATE, "not yet decided", "undecided"),
    (T.URL, "https://example.org/notice", "https://example.org/notice"),
    (T.PERSON, ["Jo Marsh", "Superintendent"], {"name": "Jo Marsh", "role": "Superintendent"}),
    (T.PERSON, ["", ""], None),
])
def test_valid_answers(kind, raw, expected):
    assert parse_answer(q(kind), raw) == expected


def test_choices():
    single = q(T.SINGLE_CHOICE, options=OPTIONS)
    assert parse_answer(single, "change") == "change"
    multiple = q(T.MULTIPLE_CHOICE, options=OPTIONS)
    assert parse_answer(multiple, ["change", "new"]) == ["new", "change"]  # in the questionnaire's order
    assert parse_answer(multiple, []) is None
    with pytest.raises(AnswerError, match="Select one of the options"):
        parse_answer(single, "invented")
    with pytest.raises(AnswerError, match="Select only the options listed"):
        parse_answer(multiple, ["new", "invented"])


class TestExclusiveOptions:
    """"None of these" cannot be chosen together with any other option."""

    spec = q(T.MULTIPLE_CHOICE, label="Does the processing involve any of these?", options=(
        Option("monitoring", "Systematic monitoring"), Option("biometric", "Biometric data"),
        Option("none", "None of these", exclusive=True)))

    @pytest.mark.parametrize("raw", [["none", "monitoring"], ["biometric", "none"],
                                     ["monitoring", "biometric", "none"]])
    def test_refused_with_any_other_option(self, raw):
        with pytest.raises(AnswerError) as raised:
            parse_answer(self.spec, raw)
        assert str(raised.value) == "Select “None of these” only when none of the other options apply"

    def test_accepted_on_its_own(self):
        assert parse_answer(self.spec, ["none"]) == ["none"]
        assert parse_answer(self.spec, "none") == ["none"]
        assert parse_answer(self.spec, ["none", "none"]) == ["none"]

    def test_the_other_options_are_accepted_without_it(self):
        assert parse_answer(self.spec, ["biometric", "monitoring"]) == ["monitoring", "biometric"]
        assert parse_answer(self.spec, []) is None

    def test_unknown_options_are_still_refused_first(self):
        with pytest.raises(AnswerError, match="Select only the options listed"):
            parse_answer(self.spec, ["none", "invented"])

    def test_the_message_names_the_option_by_its_label(self):
        spec = q(T.MULTIPLE_CHOICE, options=(Option("a", "A"), Option("nothing", "Nothing applies", exclusive=True)))
        with pytest.raises(AnswerError, match="Select “Nothing applies” only when none of the other options apply"):
            parse_answer(spec, ["a", "nothing"])

    def test_exclusive_options_given_by_the_revision_count_too(self):
        column = Column("risk_uids", "Risks", T.MULTIPLE_CHOICE, options_from="risks")
        options = (Option("r1", "R1"), Option("none", "No risk", exclusive=True))
        with pytest.raises(AnswerError, match="Select “No risk” only"):
            parse_answer(column, ["r1", "none"], options=options)
        assert parse_answer(column, ["r1"], options=options) == ["r1"]


def test_dynamic_options_replace_the_definitions():
    column = Column("likelihood", "Likelihood", T.SINGLE_CHOICE, options_from="likelihood")
    assert parse_answer(column, "remote", options=(Option("remote", "Remote"),)) == "remote"
    with pytest.raises(AnswerError):
        parse_answer(column, "remote", options=())


@pytest.mark.parametrize(("kind", "raw", "message"), [
    (T.YES_NO, "maybe", "Select yes or no"),
    (T.DATE, ["31", "2", "2018"], "must be a real date"),
    (T.DATE, ["", "6", "2018"], "must include a day"),
    (T.DATE, ["1", "6", "18"], "must be a real date"),
    (T.DATE, "2018-13-01", "must be a real date"),
    (T.PARTIAL_DATE, "soonish", "a quarter like 2018-Q2"),
    (T.PARTIAL_DATE, "2018-02-30", "real date"),
    (T.URL, "javascript:alert(1)", "starting with https://"),
    (T.URL, "example.org", "starting with https://"),
    (T.MARKDOWN, "x" * 20_001, "20,000 characters or fewer"),
    (T.SHORT_TEXT, "x" * 501, "500 characters or fewer"),
])
def test_invalid_answers_say_what_to_fix(kind, raw, message):
    with pytest.raises(AnswerError, match=message):
        parse_answer(q(kind), raw)


class TestNumbers:
    spec = Question("n", "People affected", T.NUMBER, unit="people", minimum=0, integer=True)

    @pytest.mark.parametrize(("raw", "value"), [("104", 104), ("1,000", 1000), ("0", 0), ("", None)])
    def test_accepted(self, raw, value):
        assert parse_answer(self.spec, raw) == value

    @pytest.mark.parametrize(("raw", "message"), [
        ("lots", "must be a number"), ("-1", "0 or more"), ("2.5", "whole number"), ("1e400", "must be a number"),
        ("nan", "must be a number"),
    ])
    def test_refused(self, raw, message):
        with pytest.raises(AnswerError, match=message):
            parse_answer(self.spec, raw)

    def test_decimals_allowed_when_not_integer(self):
        assert parse_answer(Question("t", "Threshold", T.NUMBER, maximum=1), "0.55") == 0.55
        with pytest.raises(AnswerError, match="1 or less"):
            parse_answer(Question("t", "Threshold", T.NUMBER, maximum=1), "1.5")

    def test_display_keeps_unit_and_not_recorded_apart_from_zero(self):
        assert display_text(self.spec, 1000) == "1,000 people"
        assert display_text(self.spec, 0) == "0 people"
        counted = Column("faces", "Faces scanned", T.NUMBER, not_recorded=True)
        assert display_text(counted, None) == "Not recorded"
        assert display_text(counted, 0) == "0"


def test_ratio_always_shows_its_denominator():
    assert ratio_text(2, 104) == "2 of 104 (1.9%)"
    assert ratio_text(102, 104) == "102 of 104 (98.1%)"
    assert ratio_text(None, 104) == "Not recorded"
    assert ratio_text(0, 0) == "0 of 0 (no rate)"
    column = Column("precision", "Precision", T.RATIO, ratio_of=("confirmed", "alerts"))
    assert display_text(column, None, row={"confirmed": 2, "alerts": 104}) == "2 of 104 (1.9%)"


def test_display_of_each_type():
    assert display_text(q(T.YES_NO), False) == "No"
    assert display_text(q(T.YES_NO), True) == "Yes"
    assert display_text(q(T.SINGLE_CHOICE, options=OPTIONS), "new") == "New system"
    assert display_text(q(T.MULTIPLE_CHOICE, options=OPTIONS), ["new", "change"]) == "New system, Change"
    assert display_text(q(T.DATE), "2017-04-12") == "12 April 2017"
    assert display_text(q(T.PARTIAL_DATE), "2018-Q2").startswith("2018-Q2 (the second quarter of 2018)")
    assert display_text(q(T.PERSON), {"name": "Jo", "role": "Supt"}) == "Jo, Supt"
    assert display_text(q(T.MARKDOWN), None) == "Not answered"


def test_form_value_round_trips():
    assert form_value(q(T.YES_NO), True) == "yes"
    assert form_value(q(T.NUMBER), 104) == "104"
    assert str(form_value(q(T.DATE), "2018-06-30")) == "2018-06-30"


def test_required_messages():
    assert required_message(q(T.SINGLE_CHOICE, label="Kind of project")) == "Select kind of project"
    assert required_message(q(T.SHORT_TEXT, label="Project name")) == "Enter project name"
