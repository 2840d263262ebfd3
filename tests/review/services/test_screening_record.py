"""A screening record: screening found no assessment required, so a DPO signs off the reasons without the
rest of the questionnaire, and a later revision can become a full assessment with its answers kept."""

from datetime import date

import pytest
from sqlalchemy import select

from dpia.assessments.models import Answer
from dpia.assessments.services.content import load_content
from dpia.core.errors import PermissionDeniedError
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.revisions import DecisionInput, start_revision
from dpia.review.services.sign_off import record_sign_off, sign_off_status
from dpia.review.services.workflow import BlockedError, transition
from tests import factories

NOW = factories.NOW
NOT_REQUIRED = {"screening.mandatory_triggers": ["none"], "screening.criteria": ["large_scale"],
                "screening.ico_list": [], "screening.outcome": "not_required",
                "screening.reasons": "A rota of staff shifts.",
                "screening.not_required_justification": "Only names and shifts of staff, seen by their managers."}


@pytest.fixture()
def record(db, people):
    assessment = factories.create_assessment(people["team"])  # the built-in questionnaire
    revision = assessment.revisions[0]
    db.session.add_all(Answer(revision_id=revision.id, question_key=key, value=value, updated_at=NOW,
                              updated_by_id=people["author"].id) for key, value in NOT_REQUIRED.items())
    db.session.flush()
    return revision


def sign(revision, who, kind, **raw):
    return record_sign_off(actor=who, now=NOW, content=load_content(revision), kind=kind, position="Officer",
                           notes=None, raw=raw)


def test_a_dpo_signs_off_a_screening_record_with_its_reasons(db, record, people):
    content = load_content(record)
    assert content.screening_only and [s.key for s in content.sections] == ["screening"]
    transition(actor=people["author"], now=NOW, content=content, action=Action.SUBMIT)  # nothing else to fill in
    transition(actor=people["reviewer"], now=NOW, content=load_content(record), action=Action.SEND_FOR_SIGN_OFF)
    status = sign_off_status(load_content(record))
    assert [p.sign_off for p in status.problems] == [SignOffKind.SCREENING_DECISION.value]
    with pytest.raises(PermissionDeniedError):  # the step-7 rows belong to full assessments
        sign(record, people["dpo"], SignOffKind.DPO_ADVICE, recommendation="proceed", summary="x")
    with pytest.raises(PermissionDeniedError):
        sign(record, people["reviewer"], SignOffKind.SCREENING_DECISION, screening_reasons="x")
    assert sign(record, people["dpo"], SignOffKind.SCREENING_DECISION).errors == {
        "screening_reasons": "Give the reasons no assessment is required"}
    assert sign(record, people["dpo"], SignOffKind.SCREENING_DECISION,
                screening_reasons="Low-risk staff data; no high-risk indicator applies.").errors == {}
    with pytest.raises(PermissionDeniedError):  # a screening record is decided by a DPO
        transition(actor=people["approver"], now=NOW, content=load_content(record), action=Action.APPROVE)
    transition(actor=people["dpo"], now=NOW, content=load_content(record), action=Action.APPROVE)
    assert record.state is RevisionState.APPROVED


def test_a_screening_record_becomes_a_full_assessment_keeping_its_answers(db, record, people):
    transition(actor=people["author"], now=NOW, content=load_content(record), action=Action.SUBMIT)
    transition(actor=people["reviewer"], now=NOW, content=load_content(record), action=Action.SEND_FOR_SIGN_OFF)
    sign(record, people["dpo"], SignOffKind.SCREENING_DECISION, screening_reasons="Low-risk staff data.")
    transition(actor=people["dpo"], now=NOW, content=load_content(record), action=Action.APPROVE)
    second = start_revision(actor=people["author"], now=NOW, assessment=record.assessment,
                            rationale="The rota will now record staff health conditions.",
                            decisions=[DecisionInput(date(2026, 1, 5), "Record health conditions", "HR", "Board")])
    outcome = db.session.scalar(select(Answer).where(Answer.revision_id == second.id,
                                                     Answer.question_key == "screening.outcome"))
    outcome.value = "required"
    db.session.flush()
    content = load_content(second)
    assert not content.screening_only and len(content.sections) > 1
    assert content.answers["screening.reasons"] == NOT_REQUIRED["screening.reasons"]  # kept
    with pytest.raises(BlockedError) as refused:  # now the whole questionnaire must be filled in
        transition(actor=people["author"], now=NOW, content=content, action=Action.SUBMIT)
    assert any(b.section_key == "need" for b in refused.value.blockers)


def test_a_contradicted_not_required_outcome_is_no_screening_record(db, record):
    trigger = db.session.scalar(select(Answer).where(Answer.revision_id == record.id,
                                                     Answer.question_key == "screening.mandatory_triggers"))
    trigger.value = ["public_monitoring"]
    db.session.flush()
    content = load_content(record)
    assert not content.screening_only
    blockers = content.blockers()
    assert blockers[0].question_key == "screening.outcome" and "Select “An assessment is required”" in str(blockers[0])
    assert any(b.section_key == "need" for b in blockers)
