"""Sign-off through its services: bound to the content, never by an editor, and what approval needs."""

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.models import Answer
from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import load_content, revision_editors
from dpia.assessments.services.rows import add_row
from dpia.core.errors import PermissionDeniedError, ValidationError
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.sign_off import record_sign_off, sign_off_status
from dpia.review.services.workflow import transition
from tests import factories
from tests.factories import sign, sign_all, to_sign_off

NOW = factories.NOW


def test_self_approval_is_refused(db, revision, people):
    """A DPO and approver in the owning team cannot sign off or approve; leaving the team does not help
    someone who edited the revision."""
    insider = factories.create_user(Role.DPO, Role.APPROVER, teams=(people["team"],))
    save_section(actor=insider, now=NOW, content=load_content(revision), section_key="basics",
                 raw={"basics.aims": "Changed by the DPO", "basics.children": "no"}, expected_lock=1)
    to_sign_off(revision, people)
    advice = {"recommendation": "proceed", "summary": "x"}
    with pytest.raises(PermissionDeniedError, match="member of the team that owns"):
        record_sign_off(actor=insider, now=NOW, content=load_content(revision), kind=SignOffKind.DPO_ADVICE,
                        position="DPO", notes=None, raw=advice)
    insider.memberships.clear()
    db.session.flush()
    with pytest.raises(PermissionDeniedError, match="worked on"):
        record_sign_off(actor=insider, now=NOW, content=load_content(revision), kind=SignOffKind.DPO_ADVICE,
                        position="DPO", notes=None, raw=advice)
    sign_all(revision, people)
    with pytest.raises(PermissionDeniedError, match="worked on"):
        transition(actor=insider, now=NOW, content=load_content(revision), action=Action.APPROVE)
    assert revision.state is RevisionState.AWAITING_SIGN_OFF


def test_a_change_after_sign_off_makes_approval_fail_on_the_hash(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    # The content changes behind the sign-off (e.g. a direct database edit, or a later edit path).
    answer = db.session.scalar(select(Answer).where(Answer.revision_id == revision.id,
                                                    Answer.question_key == "basics.aims"))
    answer.value = "Quietly changed after sign-off"
    db.session.flush()
    with pytest.raises(ValidationError, match="signed for different content"):
        transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    assert revision.state is RevisionState.AWAITING_SIGN_OFF
    sign_all(revision, people)  # signing again against the content as it is now
    assert transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE) \
        is RevisionState.APPROVED


def test_approval_needs_the_dpo_advice(db, revision, people):
    to_sign_off(revision, people)
    with pytest.raises(ValidationError, match="DPO's advice"):
        transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)


def test_residual_high_risk_requires_prior_consultation_outcome(db, revision, people):
    add_row(actor=people["author"], now=NOW, content=load_content(revision), question_key="later.risks",
            raw={"description": "Wrongful stop", "likelihood": "probable", "severity": "severe",
                 "residual_likelihood": "probable", "residual_severity": "severe"})
    to_sign_off(revision, people)
    sign_all(revision, people)
    assert sign_off_status(load_content(revision)).prior_consultation_needed
    with pytest.raises(ValidationError, match="prior consultation"):
        transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    sign(revision, people["dpo"], SignOffKind.PRIOR_CONSULTATION, submitted_on="2017-05-02", outcome="no_objection")
    transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)


def test_editors_are_everyone_who_changed_content(db, revision, people):
    colleague = factories.create_user(teams=(people["team"],))
    add_row(actor=colleague, now=NOW, content=load_content(revision), question_key="later.retention",
            raw={"data_category": "x", "trigger": "other", "justification": "y",
                 "deletion_method": "manual"})
    assert revision_editors(revision) >= {people["author"].id, colleague.id}
    assert people["dpo"].id not in revision_editors(revision)
