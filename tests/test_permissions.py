"""Who may do what (dpia/permissions.py), exhaustively where it matters: every role x state x action."""

import pytest

from dpia.accounts.rules import Role
from dpia.core.errors import PermissionDeniedError
from dpia.core.permissions import require
from dpia.permissions import (
    can_comment,
    can_edit_revision,
    can_list_all_assessments,
    can_manage_users,
    can_record_sign_off,
    can_transition,
    can_view_assessment,
    independence_problem,
)
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState
from tests.factories import PRINCIPALS, StubActor, StubAssessment, StubRevision

S = RevisionState


@pytest.mark.parametrize(
    ("roles", "teams", "team_of_assessment", "expected"),
    [
        ({Role.TEAM_MEMBER}, {1}, 1, True),
        ({Role.TEAM_MEMBER}, {1}, 2, False),
        ({Role.TEAM_MEMBER}, set(), 2, False),
        ({Role.REVIEWER}, set(), 2, True),
        ({Role.DPO}, set(), 2, True),
        ({Role.APPROVER}, set(), 2, True),
        ({Role.ADMIN}, set(), 2, True),
    ],
)
def test_who_may_view_an_assessment(roles, teams, team_of_assessment, expected):
    actor = StubActor(frozenset(roles), frozenset(teams))
    assert can_view_assessment(actor, StubAssessment(team_of_assessment)) is expected


def test_anonymous_may_view_nothing():
    assert can_view_assessment(None, StubAssessment(1)) is False
    assert can_list_all_assessments(None) is False


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_manage_users(role):
    assert can_manage_users(StubActor(frozenset({role}))) is (role is Role.ADMIN)


def test_require_raises_when_not_allowed():
    require(True)
    with pytest.raises(PermissionDeniedError):
        require(False)


# The specification, written out: which principal may take which action from which state.
# Anything not listed must be refused. Nobody in the owning team reviews or decides, whatever roles they
# hold; the DPO advises and the approver decides. `edited` and `advised` principals are tested below.
TEAM = {"owner", "reviewer_in_team", "dpo_in_team", "approver_in_team"}
ALLOWED = {
    (S.DRAFT, Action.SUBMIT): TEAM,
    (S.CHANGES_REQUESTED, Action.SUBMIT): TEAM,
    (S.SUBMITTED, Action.WITHDRAW): TEAM,
    (S.SUBMITTED, Action.REQUEST_CHANGES): {"reviewer", "dpo", "approver"},
    (S.AWAITING_SIGN_OFF, Action.REQUEST_CHANGES): {"reviewer", "dpo", "approver"},
    (S.SUBMITTED, Action.SEND_FOR_SIGN_OFF): {"reviewer", "dpo"},
    (S.AWAITING_SIGN_OFF, Action.APPROVE): {"approver"},
    (S.AWAITING_SIGN_OFF, Action.REJECT): {"approver"},
}
# A screening record (no assessment required) is decided by a DPO instead.
SCREENING_DECIDERS = {"dpo"}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_role_state_action_table(principal, action, state):
    expected = principal in ALLOWED.get((state, action), set())
    assert can_transition(PRINCIPALS[principal], StubRevision(state), action, edited=False) is expected


@pytest.mark.parametrize("action", [Action.APPROVE, Action.REJECT])
@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_a_screening_record_is_decided_by_a_dpo(principal, action):
    allowed = can_transition(PRINCIPALS[principal], StubRevision(S.AWAITING_SIGN_OFF), action, edited=False,
                             screening_only=True)
    assert allowed is (principal in SCREENING_DECIDERS)


@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_nobody_reviews_or_approves_their_own_work(state, action):
    """Someone who edited the revision, then left the team, still may not review or decide on it."""
    allowed_after_editing = action in (Action.SUBMIT, Action.WITHDRAW)
    for principal in ("reviewer", "dpo", "approver"):
        expected = allowed_after_editing and principal in ALLOWED[(state, action)]
        assert can_transition(PRINCIPALS[principal], StubRevision(state), action, edited=True) is expected


def test_whoever_gave_the_dpo_advice_does_not_decide():
    both = StubActor(frozenset({Role.DPO, Role.APPROVER}))
    revision = StubRevision(S.AWAITING_SIGN_OFF)
    assert can_transition(both, revision, Action.APPROVE, edited=False) is True
    assert can_transition(both, revision, Action.APPROVE, edited=False, advised=True) is False
    assert "another approver" in independence_problem(both, revision, edited=False, advised=True)


@pytest.mark.parametrize("principal", sorted(TEAM - {"owner"}))
def test_holding_a_role_inside_the_team_is_explained(principal):
    message = independence_problem(PRINCIPALS[principal], StubRevision(S.AWAITING_SIGN_OFF), edited=False)
    assert "member of the team that owns this assessment" in message
    assert independence_problem(PRINCIPALS["owner"], StubRevision(S.AWAITING_SIGN_OFF), edited=False) is None


# Who records each sign-off row of a full assessment (the screening row belongs to screening records).
RECORDED_BY = {
    SignOffKind.MEASURES_APPROVED: {"reviewer", "approver"},
    SignOffKind.RESIDUAL_RISKS_APPROVED: {"reviewer", "approver"},
    SignOffKind.DPO_ADVICE: {"dpo"},
    SignOffKind.ADVICE_DECISION: {"approver"},
    SignOffKind.CONSULTATION_REVIEWED: {"reviewer", "dpo", "approver"},
    SignOffKind.PRIOR_CONSULTATION: {"dpo", "approver"},
    SignOffKind.KEPT_UNDER_REVIEW: {"reviewer", "dpo", "approver"},
    SignOffKind.SCREENING_DECISION: set(),
}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_editing_comments_and_sign_off_by_state(principal, state):
    actor = PRINCIPALS[principal]
    in_team = principal in TEAM
    oversight = principal in ("reviewer", "dpo", "approver") or (in_team and principal != "owner")
    assert can_edit_revision(actor, StubRevision(state)) is (in_team and state in (S.DRAFT, S.CHANGES_REQUESTED))
    open_state = state in (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.AWAITING_SIGN_OFF)
    assert can_comment(actor, StubRevision(state)) is (open_state and (in_team or oversight))
    for kind in SignOffKind:
        may = state is S.AWAITING_SIGN_OFF and principal in RECORDED_BY[kind]
        assert can_record_sign_off(actor, StubRevision(state), kind, edited=False) is may
        assert can_record_sign_off(actor, StubRevision(state), kind, edited=True) is False
        screening = state is S.AWAITING_SIGN_OFF and kind is SignOffKind.SCREENING_DECISION and principal == "dpo"
        assert can_record_sign_off(actor, StubRevision(state), kind, edited=False, screening_only=True) is screening


@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_who_sees_which_dashboard_queue(principal):
    from dpia.permissions import follows_reviews_due, gives_dpo_advice, reviews_work, takes_decisions

    actor = PRINCIPALS[principal]
    assert reviews_work(actor) is (principal in {"reviewer", "dpo", "reviewer_in_team", "dpo_in_team"})
    assert gives_dpo_advice(actor) is (principal in {"dpo", "dpo_in_team"})
    assert takes_decisions(actor) is (principal in {"approver", "approver_in_team"})
    assert follows_reviews_due(actor) is (principal in {"dpo", "dpo_in_team", "approver", "approver_in_team"})


@pytest.mark.parametrize("role", list(Role))
def test_who_records_and_reads_foi_records(role):
    """FOI records hold requesters' names: FOI officers and the DPO record them, administrators also read."""
    from dpia.permissions import can_read_foi, can_record_foi, follows_foi_deadlines

    actor = StubActor(frozenset({role}), frozenset({1}))
    assert can_record_foi(actor) is (role in {Role.FOI_OFFICER, Role.DPO})
    assert follows_foi_deadlines(actor) is (role in {Role.FOI_OFFICER, Role.DPO})
    assert can_read_foi(actor) is (role in {Role.FOI_OFFICER, Role.DPO, Role.ADMIN})
    assert can_read_foi(None) is False


def test_an_foi_officer_sees_every_assessment_but_reviews_nothing():
    officer = StubActor(frozenset({Role.FOI_OFFICER}), frozenset())
    assert can_view_assessment(officer, StubAssessment(2))
    for state in S:
        assert not can_comment(officer, StubRevision(state)) and not can_edit_revision(officer, StubRevision(state))
        for action in Action:
            assert can_transition(officer, StubRevision(state), action, edited=False) is False
