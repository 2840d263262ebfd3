"""The completeness gates on plain values: each kind of blocker, and where it sends the reader."""

from dataclasses import dataclass, field

import pytest

from dpia.assessments.rules.completeness import content_blockers
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.rules.schema import parse
from tests.factories import FIXTURES

DEFINITION = definition_from_dict(parse((FIXTURES / "all-types.yaml").read_text(), "all-types.yaml"))
ANSWERED = {"basics.aims": "Find people", "basics.name": "Trial", "basics.children": False,
            "later.reason": "Adults only"}
RETENTION = {"data_category": "Alert images", "trigger": "on_alert", "justification": "Complaints",
             "deletion_method": "automatic", "period_days": 30}
DEPLOYMENT = {"date": "2017-06-10", "alerts": 104, "confirmed": 2}


@dataclass(frozen=True)
class Row:
    uid: str
    ref: str
    cells: dict = field(default_factory=dict)


def risk(uid, likelihood=None, severity=None, after=(None, None)):
    return Row(uid, f"R{uid[-1]}", {"description": "A risk", "likelihood": likelihood, "severity": severity,
                                    "residual_likelihood": after[0], "residual_severity": after[1]})


def measure(*risk_uids):
    return Row("m" + "".join(risk_uids), "1", {"risk_uids": list(risk_uids), "description": "Check",
                                               "effect": "reduced"})


def complete_rows(**tables):
    return {"later.retention": [Row("t1", "1", RETENTION)], "later.deployments": [Row("d1", "1", DEPLOYMENT)],
            **tables}


def blockers(answers=ANSWERED, rows=None):
    return content_blockers(DEFINITION, answers, complete_rows() if rows is None else rows)


def test_a_complete_revision_has_no_blockers():
    assert blockers() == []


def test_each_visible_required_question_must_be_answered():
    found = blockers({**ANSWERED, "basics.name": None})
    assert [(b.message, b.section_key, b.question_key) for b in found] == [
        ("Basics: answer “Project name”", "basics", "basics.name")]
    # A question hidden by its condition is not required; revealing it makes it so.
    revealed = blockers({**ANSWERED, "basics.children": True})
    assert [b.question_key for b in revealed] == ["basics.children_safeguards"]


def test_required_tables_need_their_rows_complete():
    assert [b.message for b in blockers(rows=complete_rows(**{"later.retention": []}))] == [
        "Later: add a row to “Retention”"]
    partial = Row("t1", "1", {"data_category": "Alert images"})
    found = blockers(rows=complete_rows(**{"later.retention": [partial]}))
    assert len(found) == 1 and found[0].row_uid == "t1" and "row 1 of “Retention” needs" in found[0].message
    bad_deployment = Row("d1", "1", {"alerts": 104})
    assert [b.row_uid for b in blockers(rows=complete_rows(**{"later.deployments": [bad_deployment]}))] == ["d1"]


def test_every_risk_must_be_rated_on_the_questionnaires_scales():
    found = blockers(rows=complete_rows(**{"later.risks": [risk("r1"), risk("r2", "certain", "severe")]}))
    assert [b.message for b in found] == [
        "Risk R1 is not rated: give its likelihood and severity on the questionnaire's scales",
        "Risk R2 is not rated: give its likelihood and severity on the questionnaire's scales"]
    assert found[0].row_uid == "r1"


def test_a_low_risk_needs_no_measure():
    assert blockers(rows=complete_rows(**{"later.risks": [risk("r1", "remote", "minimal")]})) == []


@pytest.mark.parametrize(("likelihood", "severity", "level"), [("possible", "significant", "Medium"),
                                                               ("probable", "severe", "High")])
def test_a_medium_or_high_risk_needs_a_measure_and_a_rating_after_measures(likelihood, severity, level):
    found = blockers(rows=complete_rows(**{"later.risks": [risk("r1", likelihood, severity)]}))
    assert [b.message for b in found] == [f"Risk R1 is {level}: add a measure that addresses it",
                                          f"Risk R1 is {level}: rate it again after measures"]
    assert (found[0].section_key, found[0].question_key) == ("later", "later.measures")  # where to add it
    assert found[1].row_uid == "r1"
    handled = complete_rows(**{"later.risks": [risk("r1", likelihood, severity, after=("remote", "minimal"))],
                               "later.measures": [measure("r1")]})
    assert blockers(rows=handled) == []


def test_one_measure_can_address_several_risks():
    risks = [risk("r1", "possible", "severe", ("remote", "minimal")),
             risk("r2", "probable", "significant", ("remote", "minimal"))]
    assert blockers(rows=complete_rows(**{"later.risks": risks, "later.measures": [measure("r1", "r2")]})) == []
    found = blockers(rows=complete_rows(**{"later.risks": risks, "later.measures": [measure("r1")]}))
    assert [b.message for b in found] == ["Risk R2 is High: add a measure that addresses it"]
