"""Recording FOI requests and their answers, the s.22 pack from the record, and the FOI officer's queue."""

from datetime import UTC, date, datetime, timedelta

import pytest

from dpia.accounts.rules import Role
from dpia.assessments.services.content import load_content
from dpia.core.errors import PermissionDeniedError, ValidationError
from dpia.foi.rules import Answer, ItemAnswer, NcndProvision, ReviewOutcome
from dpia.foi.services import (
    ItemInput,
    add_item,
    answer_item,
    foi_deadlines,
    record_foi_request,
    record_progress,
    s22_evidence,
    s22_pack,
)
from dpia.foi.services.letters import response_letter
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.redactions import set_redaction
from tests import factories
from tests.factories import approve, decide

NOW = factories.NOW


@pytest.fixture()
def setup(db):
    setup = factories.create_publication_setup()
    setup["officer"] = factories.create_user(Role.FOI_OFFICER)
    return setup


def at(y, m, d, hour=10, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=UTC)


AIMS = (ItemInput("The aims", ("question:basics.aims",)),)


def request(setup, received, *, items=AIMS, actor=None):
    revision = setup["revision"]
    return record_foi_request(actor=actor or setup["officer"], now=NOW, assessment=revision.assessment,
                              reference="FOI-1", received_at=received, request_text="Send me the assessment",
                              requester_name="Jo Applicant", revision_number=revision.number, items=items)


def test_a_request_records_its_time_due_date_and_items(setup):
    foi = request(setup, at(2018, 3, 15, 10, 30))
    assert foi.due_on == date(2018, 4, 16) and foi.received_at == at(2018, 3, 15, 10, 30)
    assert [(i.position, i.parts) for i in foi.items] == [(1, ["question:basics.aims"])]
    second = add_item(actor=setup["officer"], now=NOW, foi=foi, text="The retention rules",
                      parts=["section:later", "whole"])
    assert second.position == 2
    with pytest.raises(ValidationError):
        add_item(actor=setup["officer"], now=NOW, foi=foi, text="x", parts=["question:not-there"])
    with pytest.raises(ValidationError):
        request(setup, NOW + timedelta(minutes=1))


def test_only_foi_officers_and_the_dpo_record_requests(setup):
    assert request(setup, at(2018, 3, 15), actor=setup["dpo"]).id
    for who in ("author", "reviewer", "approver"):
        with pytest.raises(PermissionDeniedError):
            request(setup, at(2018, 3, 15), actor=setup[who])


def test_the_intention_must_predate_the_request_to_the_minute(setup):
    approve(setup)
    decide(setup, now=at(2018, 3, 15, 11))
    assessment = setup["revision"].assessment
    assert not s22_evidence(assessment, received=at(2018, 3, 15, 10, 59), now=NOW).intention_existed
    assert s22_evidence(assessment, received=at(2018, 3, 15, 11, 1), now=NOW).intention_existed


def test_the_pack_checks_scope_against_redactions_and_carries_the_public_interest(setup):
    approve(setup)
    decide(setup, now=at(2017, 12, 12))
    set_redaction(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]),
                  target_type=TargetType.QUESTION, target_key="basics.name", exemption=Exemption.S40_2,
                  reason="Personal data")
    foi = request(setup, at(2018, 3, 15), items=(ItemInput("Aims", ("question:basics.aims",)),
                                                 ItemInput("Name", ("question:basics.name",))))
    problems = answer_item(actor=setup["officer"], now=NOW, item=foi.items[0],
                           answer=ItemAnswer(Answer.WITHHELD, exemption=Exemption.S22))
    assert set(problems) == {"pit_for", "pit_against", "pit_conclusion"} and foi.items[0].answer is None
    assert answer_item(actor=setup["officer"], now=NOW, item=foi.items[0], answer=ItemAnswer(
        Answer.WITHHELD, exemption=Exemption.S22, pit_for="Openness", pit_against="Due soon",
        pit_conclusion="Wait")) == {}
    pack = s22_pack(setup["revision"].assessment, foi, now=NOW)
    covered = {label: c.covered for label, c in pack.coverage}
    assert covered == {"item 1, Question: " + _label(setup, "basics.aims"): True,
                       "item 2, Question: " + _label(setup, "basics.name"): False}
    lines = dict(pack.lines)
    assert lines["Revision the request concerns"] == "Revision 1"
    assert lines["Item 1: for disclosure"] == "Openness" and pack.cited
    assert pack.reasonable is not None and not pack.reasonable.reasonable  # 2018-Q2 has long passed
    letter = response_letter(setup["revision"].assessment, foi, now=NOW)
    assert [part.heading for part in letter.parts][2] == "Section 22: information intended for future publication"
    assert letter.requester == "Jo Applicant" and not letter.complete


def _label(setup, key):
    return next(q.label for q in load_content(setup["revision"]).definition.questions if q.key == key)


def test_an_ncnd_answer_and_an_absolute_exemption(setup):
    foi = request(setup, at(2018, 3, 15), items=(ItemInput("a"), ItemInput("b")))
    assert answer_item(actor=setup["officer"], now=NOW, item=foi.items[0],
                       answer=ItemAnswer(Answer.WITHHELD, exemption=Exemption.S40_2)) == {}
    assert "pit_conclusion" in answer_item(actor=setup["officer"], now=NOW, item=foi.items[1],
                                           answer=ItemAnswer(Answer.NCND, ncnd=NcndProvision.S31_3))
    assert answer_item(actor=setup["officer"], now=NOW, item=foi.items[1],
                       answer=ItemAnswer(Answer.NCND, ncnd=NcndProvision.S23_5)) == {}
    parts = response_letter(setup["revision"].assessment, foi, now=NOW).parts
    answers = dict(parts[1].lines)
    assert "absolute exemption" in answers["Item 1: a"] and "neither confirm nor deny" in answers["Item 2: b"]
    assert len(parts) == 3  # no s.22 part when s.22 is not cited


def test_the_reply_and_internal_review(setup):
    foi = request(setup, at(2018, 3, 15))
    with pytest.raises(ValidationError):
        record_progress(actor=setup["officer"], now=NOW, foi=foi, sent_on=date(2018, 3, 1), review_requested_on=None,
                        review_outcome=None, review_decided_on=None)
    with pytest.raises(ValidationError):
        record_progress(actor=setup["officer"], now=NOW, foi=foi, sent_on=None, review_requested_on=date(2018, 5, 1),
                        review_outcome=ReviewOutcome.UPHELD, review_decided_on=None)
    record_progress(actor=setup["officer"], now=NOW, foi=foi, sent_on=date(2018, 4, 10),
                    review_requested_on=date(2018, 5, 1), review_outcome=ReviewOutcome.PARTLY,
                    review_decided_on=date(2018, 5, 20))
    assert (foi.sent_on, foi.review_outcome) == (date(2018, 4, 10), ReviewOutcome.PARTLY)


def test_the_queue_lists_unsent_replies_due_soon_or_overdue_in_one_statement(setup, count_queries):
    today = date(2018, 4, 12)
    overdue = request(setup, at(2018, 3, 1))  # due 29 March
    due_soon = request(setup, at(2018, 3, 15))  # due 16 April
    request(setup, at(2018, 4, 1))  # due 1 May: not yet
    sent = request(setup, at(2018, 3, 2))
    sent.sent_on = date(2018, 3, 20)
    page = foi_deadlines(today)
    assert [(i.foi_id, i.overdue) for i in page.items] == [(overdue.id, True), (due_soon.id, False)]
    assert page.total == 2 and page.items[0].overdue_total == 1
    with count_queries() as few:
        foi_deadlines(today)
    for _ in range(10):
        request(setup, at(2018, 3, 1))
    with count_queries() as many:
        assert foi_deadlines(today).total == 12
    assert few.count == many.count == 1
