"""The review workflow through its services: transitions, sign-off bound to content, new revisions."""

from datetime import date

import pytest
from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.assessments.models import Answer, Revision
from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import load_content, revision_editors, revision_hash
from dpia.assessments.services.rows import add_row
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import InvalidTransitionError, PermissionDeniedError, ValidationError
from dpia.review.models import Comment
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.comments import add_comment, comment_threads, resolve_comment, unresolved_count
from dpia.review.services.queues import unresolved_comment_queue
from dpia.review.services.revisions import DecisionInput, revision_decisions, start_revision
from dpia.review.services.sign_off import record_sign_off, sign_off_status
from dpia.review.services.workflow import transition
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
    save_section(actor=people["author"], now=NOW, content=load_content(revision), section_key="basics",
                                raw={"basics.aims": "Find people", "basics.name": "Trial", "basics.children": "no"},
                                expected_lock=0)
    return revision


def audit_actions(db, revision):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "revision",
                                                              AuditEvent.object_id == str(revision.id))
                              .order_by(AuditEvent.seq)).all()


def to_sign_off(revision, people):
    transition(actor=people["author"], now=NOW, content=load_content(revision), action=Action.SUBMIT)
    transition(actor=people["reviewer"], now=NOW, content=load_content(revision), action=Action.SEND_FOR_SIGN_OFF)


def sign(revision, who, kind, **raw):
    outcome = record_sign_off(actor=who, now=NOW, content=load_content(revision), kind=kind, position="Officer",
                                     notes=None, raw=raw)
    assert outcome.errors == {}
    return outcome.record


def sign_all(revision, people):
    sign(revision, people["dpo"], SignOffKind.DPO_ADVICE, recommendation="proceed", summary="Go ahead")
    sign(revision, people["dpo"], SignOffKind.KEPT_UNDER_REVIEW, next_review_date="2027-04-30")


def test_full_path_to_approval_writes_one_audit_row_per_transition(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    assert transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE) \
        is RevisionState.APPROVED
    assert revision.approved_at == NOW and revision.next_review_on == date(2027, 4, 30)
    actions = audit_actions(db, revision)
    assert [a for a in actions if a.startswith("revision.")] == [
        "revision.submit", "revision.send_for_sign_off", "revision.approve"]
    assert actions.count("sign_off.record") == 2


def test_self_approval_is_refused(db, revision, people):
    """A DPO who also edited the revision cannot sign it off or approve it."""
    dpo_author = factories.create_user(Role.DPO, teams=(people["team"],))
    save_section(actor=dpo_author, now=NOW, content=load_content(revision), section_key="basics",
                                raw={"basics.aims": "Changed by the DPO", "basics.children": "no"}, expected_lock=1)
    to_sign_off(revision, people)
    with pytest.raises(PermissionDeniedError, match="worked on"):
        record_sign_off(actor=dpo_author, now=NOW, content=load_content(revision), kind=SignOffKind.DPO_ADVICE,
                               position="DPO", notes=None, raw={"recommendation": "proceed", "summary": "x"})
    sign_all(revision, people)
    with pytest.raises(PermissionDeniedError):
        transition(actor=dpo_author, now=NOW, content=load_content(revision), action=Action.APPROVE)
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
        transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    assert revision.state is RevisionState.AWAITING_SIGN_OFF
    sign_all(revision, people)  # signing again against the content as it is now
    assert transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE) \
        is RevisionState.APPROVED


def test_approval_needs_the_dpo_advice(db, revision, people):
    to_sign_off(revision, people)
    with pytest.raises(ValidationError, match="DPO's advice"):
        transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE)


def test_residual_high_risk_requires_prior_consultation_outcome(db, revision, people):
    add_row(actor=people["author"], now=NOW, content=load_content(revision), question_key="later.risks",
                           raw={"description": "Wrongful stop", "likelihood": "probable", "severity": "severe",
                                "residual_likelihood": "probable", "residual_severity": "severe"})
    to_sign_off(revision, people)
    sign_all(revision, people)
    assert sign_off_status(load_content(revision)).prior_consultation_needed
    with pytest.raises(ValidationError, match="prior consultation"):
        transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    sign(revision, people["dpo"], SignOffKind.PRIOR_CONSULTATION, submitted_on="2017-05-02", outcome="no_objection")
    transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE)


def test_invalid_transitions_are_refused(db, revision, people):
    with pytest.raises(InvalidTransitionError):
        transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE)
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


def test_comments_thread_and_resolve(db, revision, people):
    top = add_comment(actor=people["reviewer"], now=NOW, content=load_content(revision), body="Which officers?",
                             question_key="basics.aims")
    reply = add_comment(actor=people["author"], now=NOW, content=load_content(revision), body="Those assigned.",
                               parent=top)
    assert reply.question_key == "basics.aims"
    with pytest.raises(ValidationError):
        add_comment(actor=people["author"], now=NOW, content=load_content(revision), body="   ")
    with pytest.raises(ValidationError):
        add_comment(actor=people["author"], now=NOW, content=load_content(revision), body="x", question_key="nope")
    with pytest.raises(PermissionDeniedError):
        add_comment(actor=factories.create_user(), now=NOW, content=load_content(revision), body="outsider")
    threads = comment_threads(revision)
    assert [(t.comment.id, [r.id for r in t.replies]) for t in threads] == [(top.id, [reply.id])]
    assert [q.count for q in unresolved_comment_queue(people["author"])] == [1]
    resolve_comment(actor=people["author"], now=NOW, revision=revision, comment=top)
    assert unresolved_count(revision) == 0
    assert unresolved_comment_queue(people["author"]) == []


def test_new_revision_copies_everything_keeps_row_identity_and_links_decisions(db, revision, people):
    add_row(actor=people["author"], now=NOW, content=load_content(revision), question_key="later.retention",
                           raw={"data_category": "Non-matches", "period_days": "0", "trigger": "on_capture",
                                "justification": "None kept", "deletion_method": "automatic"})
    to_sign_off(revision, people)
    sign_all(revision, people)
    transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    with pytest.raises(ValidationError, match="rationale|why") as refused:
        start_revision(actor=people["author"], now=NOW, assessment=revision.assessment, rationale="",
                              decisions=[])
    assert "decision" in str(refused.value)
    decision = DecisionInput(date(2017, 10, 16), "Alert images kept 30 days", "Board", "Board meeting")
    second = start_revision(actor=people["author"], now=NOW, assessment=revision.assessment,
                                   rationale="Adds the retention rule", decisions=[decision])
    assert (second.number, second.state, second.based_on_id) == (2, RevisionState.DRAFT, revision.id)
    old, new = load_content(revision), load_content(second)
    assert new.answers == old.answers
    assert [r.uid for r in new.rows["later.retention"]] == [r.uid for r in old.rows["later.retention"]]
    assert revision_hash(new) == revision_hash(old)  # same content, same fingerprint
    assert [d.decision for d in revision_decisions(second)] == ["Alert images kept 30 days"]
    # Revision 1 stays the version of record until revision 2 is approved, then is superseded.
    assert revision.state is RevisionState.APPROVED
    with pytest.raises(PermissionDeniedError):
        start_revision(actor=people["author"], now=NOW, assessment=revision.assessment,
                              rationale="again", decisions=[decision])
    transition(actor=people["author"], now=NOW, content=load_content(second), action=Action.SUBMIT)
    transition(actor=people["reviewer"], now=NOW, content=load_content(second), action=Action.SEND_FOR_SIGN_OFF)
    sign_all(second, people)
    transition(actor=people["dpo"], now=NOW, content=load_content(second), action=Action.APPROVE)
    assert revision.state is RevisionState.SUPERSEDED and revision.next_review_on is None
    assert second.state is RevisionState.APPROVED


def test_approved_revisions_are_read_only(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    transition(actor=people["dpo"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    with pytest.raises(PermissionDeniedError):
        save_section(actor=people["author"], now=NOW, content=load_content(revision), section_key="basics",
                                    raw={}, expected_lock=1)
    with pytest.raises(PermissionDeniedError):
        add_row(actor=people["author"], now=NOW, content=load_content(revision), question_key="later.retention",
                               raw={})
    with pytest.raises(PermissionDeniedError):
        add_comment(actor=people["reviewer"], now=NOW, content=load_content(revision), body="Too late")


def test_editors_are_everyone_who_changed_content(db, revision, people):
    colleague = factories.create_user(teams=(people["team"],))
    add_row(actor=colleague, now=NOW, content=load_content(revision), question_key="later.retention",
                           raw={"data_category": "x", "trigger": "other", "justification": "y",
                                "deletion_method": "manual"})
    assert revision_editors(revision) >= {people["author"].id, colleague.id}
    assert people["dpo"].id not in revision_editors(revision)


def test_failed_transition_leaves_no_audit_row(db, revision, people):
    before = db.session.scalar(select(func.count(AuditEvent.seq)))
    with pytest.raises(ValidationError):
        with db.session.begin_nested():
            transition(actor=people["author"], now=NOW, content=load_content(revision), action=Action.SUBMIT)
            raise ValidationError("something later in the request failed")
    assert db.session.scalar(select(func.count(AuditEvent.seq))) == before
    assert db.session.get(Revision, revision.id).state is RevisionState.DRAFT
    assert db.session.scalar(select(func.count(Comment.id))) == 0
