"""The review workflow through its services: transitions, their audit rows, and what approval freezes."""

from datetime import date

import pytest
from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.assessments.models import Answer, Revision
from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import load_content
from dpia.assessments.services.rows import add_row
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import InvalidTransitionError, PermissionDeniedError, ValidationError
from dpia.review.models import Comment
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.comments import add_comment, comment_threads, unresolved_count
from dpia.review.services.workflow import BlockedError, transition
from tests import factories
from tests.factories import sign_all, to_sign_off

NOW = factories.NOW


def audit_actions(db, revision):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "revision",
                                                              AuditEvent.object_id == str(revision.id))
                              .order_by(AuditEvent.seq)).all()


def test_full_path_to_approval_writes_one_audit_row_per_transition(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    assert transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE) \
        is RevisionState.APPROVED
    assert revision.approved_at == NOW and revision.next_review_on == date(2027, 4, 30)
    actions = audit_actions(db, revision)
    assert [a for a in actions if a.startswith("revision.")] == [
        "revision.submit", "revision.send_for_sign_off", "revision.approve"]
    assert actions.count("sign_off.record") == len(factories.sign_off_rows())


def test_invalid_transitions_are_refused(db, revision, people):
    with pytest.raises(InvalidTransitionError):
        transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    with pytest.raises(PermissionDeniedError):
        transition(actor=people["reviewer"], now=NOW, content=load_content(revision), action=Action.SUBMIT)


def test_request_changes_needs_a_note_which_becomes_a_comment(db, revision, people):
    transition(actor=people["author"], now=NOW, content=load_content(revision), action=Action.SUBMIT)
    with pytest.raises(ValidationError, match="Say what needs to change"):
        transition(actor=people["reviewer"], now=NOW, content=load_content(revision), action=Action.REQUEST_CHANGES)
    transition(actor=people["reviewer"], now=NOW, content=load_content(revision), action=Action.REQUEST_CHANGES,
               note="Add the retention period")
    assert revision.state is RevisionState.CHANGES_REQUESTED
    assert unresolved_count(revision) == 1
    assert comment_threads(revision)[0].comment.body == "Add the retention period"


def test_approved_revisions_are_read_only(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    with pytest.raises(PermissionDeniedError):
        save_section(actor=people["author"], now=NOW, content=load_content(revision), section_key="basics",
                     raw={}, expected_lock=1)
    with pytest.raises(PermissionDeniedError):
        add_row(actor=people["author"], now=NOW, content=load_content(revision), question_key="later.retention",
                raw={})
    with pytest.raises(PermissionDeniedError):
        add_comment(actor=people["reviewer"], now=NOW, content=load_content(revision), body="Too late")


def test_failed_transition_leaves_no_audit_row(db, revision, people):
    before = db.session.scalar(select(func.count(AuditEvent.seq)))
    with pytest.raises(ValidationError):
        with db.session.begin_nested():
            transition(actor=people["author"], now=NOW, content=load_content(revision), action=Action.SUBMIT)
            raise ValidationError("something later in the request failed")
    assert db.session.scalar(select(func.count(AuditEvent.seq))) == before
    assert db.session.get(Revision, revision.id).state is RevisionState.DRAFT
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def drop_answer(db, revision, key="basics.name"):
    """Change content behind the pages' back (a direct edit, or a later edit path that forgets the gate)."""
    db.session.delete(db.session.scalar(select(Answer).where(Answer.revision_id == revision.id,
                                                             Answer.question_key == key)))
    db.session.flush()


def test_submit_is_refused_while_a_required_answer_is_missing(db, revision, people):
    drop_answer(db, revision)
    with pytest.raises(BlockedError) as refused:
        transition(actor=people["author"], now=NOW, content=load_content(revision), action=Action.SUBMIT)
    assert [b.question_key for b in refused.value.blockers] == ["basics.name"]
    assert "cannot be submitted yet: 1 thing needs attention" in str(refused.value)
    assert revision.state is RevisionState.DRAFT


def test_sending_for_sign_off_is_refused_when_the_content_is_incomplete(db, revision, people):
    transition(actor=people["author"], now=NOW, content=load_content(revision), action=Action.SUBMIT)
    drop_answer(db, revision)
    with pytest.raises(BlockedError) as refused:
        transition(actor=people["reviewer"], now=NOW, content=load_content(revision), action=Action.SEND_FOR_SIGN_OFF)
    assert [b.question_key for b in refused.value.blockers] == ["basics.name"]
    assert revision.state is RevisionState.SUBMITTED


def test_approval_is_refused_when_the_content_is_incomplete(db, revision, people):
    to_sign_off(revision, people)
    drop_answer(db, revision)
    sign_all(revision, people)  # signed against the incomplete content, so only the content blocks it
    with pytest.raises(BlockedError) as refused:
        transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    assert [b.question_key for b in refused.value.blockers] == ["basics.name"]
    assert revision.state is RevisionState.AWAITING_SIGN_OFF


def test_whoever_recorded_the_dpo_advice_does_not_approve(db, revision, people):
    both = factories.create_user(Role.DPO, Role.APPROVER, name="Sam Both")
    to_sign_off(revision, people)
    sign_all(revision, {**people, "dpo": both})
    with pytest.raises(PermissionDeniedError, match="another approver must decide"):
        transition(actor=both, now=NOW, content=load_content(revision), action=Action.APPROVE)
    transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    assert revision.approved_by_id == people["approver"].id


def test_the_dpo_advises_but_does_not_decide(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    with pytest.raises(PermissionDeniedError):
        transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    assert revision.state is RevisionState.AWAITING_SIGN_OFF


def test_rejecting_needs_reasons_which_become_a_comment(db, revision, people):
    to_sign_off(revision, people)
    with pytest.raises(ValidationError, match="Give the reasons for rejecting"):
        transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.REJECT)
    assert revision.state is RevisionState.AWAITING_SIGN_OFF
    transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.REJECT,
               note="Necessity is not shown")
    assert revision.state is RevisionState.REJECTED
    assert comment_threads(revision)[-1].comment.body == "Necessity is not shown"
