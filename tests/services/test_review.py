"""The review workflow through its services: transitions, sign-off bound to content, new revisions."""

from datetime import date

import pytest
from sqlalchemy import func, select

from dpia.domain.errors import InvalidTransitionError, PermissionDeniedError, ValidationError
from dpia.domain.roles import Role
from dpia.domain.signoff import SignOffKind
from dpia.domain.states import Action, RevisionState
from dpia.models import Answer, AuditEvent, Comment, Revision
from dpia.services import answers as answer_service
from dpia.services import review
from tests import factories

NOW = factories.NOW


@pytest.fixture()
def people(db):
    team = factories.create_team()
    return {
        "team": team,
        "author": factories.create_user(teams=(team,), name="Alex Author"),
        "reviewer": factories.create_user(Role.REVIEWER, name="Riley Reviewer"),
        "dpo": factories.create_user(Role.DPO, name="Dana Protection"),
    }


@pytest.fixture()
def revision(db, people):
    assessment = factories.create_assessment(people["team"], version=factories.create_questionnaire_version())
    revision = assessment.revisions[0]
    answer_service.save_section(actor=people["author"], now=NOW, revision=revision, section_key="basics",
                                raw={"basics.aims": "Find people", "basics.name": "Trial", "basics.children": "no"},
                                expected_lock=0)
    return revision


def audit_actions(db, revision):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "revision",
                                                              AuditEvent.object_id == str(revision.id))
                              .order_by(AuditEvent.seq)).all()


def to_sign_off(revision, people):
    review.transition(actor=people["author"], now=NOW, revision=revision, action=Action.SUBMIT)
    review.transition(actor=people["reviewer"], now=NOW, revision=revision, action=Action.SEND_FOR_SIGN_OFF)


def sign(revision, who, kind, **raw):
    outcome = review.record_sign_off(actor=who, now=NOW, revision=revision, kind=kind, position="Officer",
                                     notes=None, raw=raw)
    assert outcome.errors == {}
    return outcome.record


def sign_all(revision, people):
    sign(revision, people["dpo"], SignOffKind.DPO_ADVICE, recommendation="proceed", summary="Go ahead")
    sign(revision, people["dpo"], SignOffKind.KEPT_UNDER_REVIEW, next_review_date="2027-04-30")


def test_full_path_to_approval_writes_one_audit_row_per_transition(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    assert review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE) \
        is RevisionState.APPROVED
    assert revision.approved_at == NOW and revision.next_review_on == date(2027, 4, 30)
    actions = audit_actions(db, revision)
    assert [a for a in actions if a.startswith("revision.")] == [
        "revision.submit", "revision.send_for_sign_off", "revision.approve"]
    assert actions.count("sign_off.record") == 2


def test_self_approval_is_refused(db, revision, people):
    """A DPO who also edited the revision cannot sign it off or approve it."""
    dpo_author = factories.create_user(Role.DPO, teams=(people["team"],))
    answer_service.save_section(actor=dpo_author, now=NOW, revision=revision, section_key="basics",
                                raw={"basics.aims": "Changed by the DPO", "basics.children": "no"}, expected_lock=1)
    to_sign_off(revision, people)
    with pytest.raises(PermissionDeniedError, match="worked on"):
        review.record_sign_off(actor=dpo_author, now=NOW, revision=revision, kind=SignOffKind.DPO_ADVICE,
                               position="DPO", notes=None, raw={"recommendation": "proceed", "summary": "x"})
    sign_all(revision, people)
    with pytest.raises(PermissionDeniedError):
        review.transition(actor=dpo_author, now=NOW, revision=revision, action=Action.APPROVE)
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
        review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE)
    assert revision.state is RevisionState.AWAITING_SIGN_OFF
    sign_all(revision, people)  # signing again against the content as it is now
    assert review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE) \
        is RevisionState.APPROVED


def test_approval_needs_the_dpo_advice(db, revision, people):
    to_sign_off(revision, people)
    with pytest.raises(ValidationError, match="DPO's advice"):
        review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE)


def test_residual_high_risk_requires_prior_consultation_outcome(db, revision, people):
    answer_service.add_row(actor=people["author"], now=NOW, revision=revision, question_key="later.risks",
                           raw={"description": "Wrongful stop", "likelihood": "probable", "severity": "severe",
                                "residual_likelihood": "probable", "residual_severity": "severe"})
    to_sign_off(revision, people)
    sign_all(revision, people)
    assert review.sign_off_status(revision).prior_consultation_needed
    with pytest.raises(ValidationError, match="prior consultation"):
        review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE)
    sign(revision, people["dpo"], SignOffKind.PRIOR_CONSULTATION, submitted_on="2017-05-02", outcome="no_objection")
    review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE)


def test_invalid_transitions_are_refused(db, revision, people):
    with pytest.raises(InvalidTransitionError):
        review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE)
    with pytest.raises(PermissionDeniedError):
        review.transition(actor=people["reviewer"], now=NOW, revision=revision, action=Action.SUBMIT)


def test_request_changes_needs_a_note_which_becomes_a_comment(db, revision, people):
    review.transition(actor=people["author"], now=NOW, revision=revision, action=Action.SUBMIT)
    with pytest.raises(ValidationError, match="Say what needs to change"):
        review.transition(actor=people["reviewer"], now=NOW, revision=revision, action=Action.REQUEST_CHANGES)
    review.transition(actor=people["reviewer"], now=NOW, revision=revision, action=Action.REQUEST_CHANGES,
                      note="Add the retention period")
    assert revision.state is RevisionState.CHANGES_REQUESTED
    assert review.unresolved_count(revision) == 1
    assert review.comment_threads(revision)[0].comment.body == "Add the retention period"


def test_comments_thread_and_resolve(db, revision, people):
    top = review.add_comment(actor=people["reviewer"], now=NOW, revision=revision, body="Which officers?",
                             question_key="basics.aims")
    reply = review.add_comment(actor=people["author"], now=NOW, revision=revision, body="Those assigned.",
                               parent=top)
    assert reply.question_key == "basics.aims"
    with pytest.raises(ValidationError):
        review.add_comment(actor=people["author"], now=NOW, revision=revision, body="   ")
    with pytest.raises(ValidationError):
        review.add_comment(actor=people["author"], now=NOW, revision=revision, body="x", question_key="nope")
    with pytest.raises(PermissionDeniedError):
        review.add_comment(actor=factories.create_user(), now=NOW, revision=revision, body="outsider")
    threads = review.comment_threads(revision)
    assert [(t.comment.id, [r.id for r in t.replies]) for t in threads] == [(top.id, [reply.id])]
    assert [q.count for q in review.unresolved_comment_queue(people["author"])] == [1]
    review.resolve_comment(actor=people["author"], now=NOW, revision=revision, comment=top)
    assert review.unresolved_count(revision) == 0
    assert review.unresolved_comment_queue(people["author"]) == []


def test_new_revision_copies_everything_keeps_row_identity_and_links_decisions(db, revision, people):
    answer_service.add_row(actor=people["author"], now=NOW, revision=revision, question_key="later.retention",
                           raw={"data_category": "Non-matches", "period_days": "0", "trigger": "on_capture",
                                "justification": "None kept", "deletion_method": "automatic"})
    to_sign_off(revision, people)
    sign_all(revision, people)
    review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE)
    with pytest.raises(ValidationError, match="rationale|why") as refused:
        review.start_revision(actor=people["author"], now=NOW, assessment=revision.assessment, rationale="",
                              decisions=[])
    assert "decision" in str(refused.value)
    decision = review.DecisionInput(date(2017, 10, 16), "Alert images kept 30 days", "Board", "Board meeting")
    second = review.start_revision(actor=people["author"], now=NOW, assessment=revision.assessment,
                                   rationale="Adds the retention rule", decisions=[decision])
    assert (second.number, second.state, second.based_on_id) == (2, RevisionState.DRAFT, revision.id)
    old, new = answer_service.load_content(revision), answer_service.load_content(second)
    assert new.answers == old.answers
    assert [r.uid for r in new.rows["later.retention"]] == [r.uid for r in old.rows["later.retention"]]
    assert review.revision_hash(new) == review.revision_hash(old)  # same content, same fingerprint
    assert [d.decision for d in review.decisions_for(second)] == ["Alert images kept 30 days"]
    # Revision 1 stays the version of record until revision 2 is approved, then is superseded.
    assert revision.state is RevisionState.APPROVED
    with pytest.raises(PermissionDeniedError):
        review.start_revision(actor=people["author"], now=NOW, assessment=revision.assessment,
                              rationale="again", decisions=[decision])
    review.transition(actor=people["author"], now=NOW, revision=second, action=Action.SUBMIT)
    review.transition(actor=people["reviewer"], now=NOW, revision=second, action=Action.SEND_FOR_SIGN_OFF)
    sign_all(second, people)
    review.transition(actor=people["dpo"], now=NOW, revision=second, action=Action.APPROVE)
    assert revision.state is RevisionState.SUPERSEDED and revision.next_review_on is None
    assert second.state is RevisionState.APPROVED


def test_approved_revisions_are_read_only(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    review.transition(actor=people["dpo"], now=NOW, revision=revision, action=Action.APPROVE)
    with pytest.raises(PermissionDeniedError):
        answer_service.save_section(actor=people["author"], now=NOW, revision=revision, section_key="basics",
                                    raw={}, expected_lock=1)
    with pytest.raises(PermissionDeniedError):
        answer_service.add_row(actor=people["author"], now=NOW, revision=revision, question_key="later.retention",
                               raw={})
    with pytest.raises(PermissionDeniedError):
        review.add_comment(actor=people["reviewer"], now=NOW, revision=revision, body="Too late")


def test_editors_are_everyone_who_changed_content(db, revision, people):
    colleague = factories.create_user(teams=(people["team"],))
    answer_service.add_row(actor=colleague, now=NOW, revision=revision, question_key="later.retention",
                           raw={"data_category": "x", "trigger": "other", "justification": "y",
                                "deletion_method": "manual"})
    assert review.editor_ids(revision) >= {people["author"].id, colleague.id}
    assert people["dpo"].id not in review.editor_ids(revision)


def test_failed_transition_leaves_no_audit_row(db, revision, people):
    before = db.session.scalar(select(func.count(AuditEvent.seq)))
    with pytest.raises(ValidationError):
        with db.session.begin_nested():
            review.transition(actor=people["author"], now=NOW, revision=revision, action=Action.SUBMIT)
            raise ValidationError("something later in the request failed")
    assert db.session.scalar(select(func.count(AuditEvent.seq))) == before
    assert db.session.get(Revision, revision.id).state is RevisionState.DRAFT
    assert db.session.scalar(select(func.count(Comment.id))) == 0
