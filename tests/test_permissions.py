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
# Anything not listed must be refused. `edited` principals are tested separately below.
ALLOWED = {
    (S.DRAFT, Action.SUBMIT): {"owner", "dpo_in_team"},
    (S.CHANGES_REQUESTED, Action.SUBMIT): {"owner", "dpo_in_team"},
    (S.SUBMITTED, Action.WITHDRAW): {"owner", "dpo_in_team"},
    (S.SUBMITTED, Action.REQUEST_CHANGES): {"reviewer", "dpo", "dpo_in_team"},
    (S.AWAITING_SIGN_OFF, Action.REQUEST_CHANGES): {"reviewer", "dpo", "dpo_in_team"},
    (S.SUBMITTED, Action.SEND_FOR_SIGN_OFF): {"reviewer", "dpo", "dpo_in_team"},
    (S.AWAITING_SIGN_OFF, Action.APPROVE): {"dpo", "dpo_in_team"},
    (S.AWAITING_SIGN_OFF, Action.REJECT): {"dpo", "dpo_in_team"},
}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_role_state_action_table(principal, action, state):
    expected = principal in ALLOWED.get((state, action), set())
    assert can_transition(PRINCIPALS[principal], StubRevision(state), action, edited=False) is expected


@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_nobody_reviews_or_approves_their_own_work(state, action):
    dpo_who_edited = PRINCIPALS["dpo_in_team"]
    allowed_after_editing = action in (Action.SUBMIT, Action.WITHDRAW)
    assert can_transition(dpo_who_edited, StubRevision(state), action, edited=True) is allowed_after_editing


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_editing_comments_and_sign_off_by_state(principal, state):
    actor = PRINCIPALS[principal]
    in_team = principal in ("owner", "dpo_in_team")
    oversight = principal in ("reviewer", "dpo", "dpo_in_team")
    assert can_edit_revision(actor, StubRevision(state)) is (in_team and state in (S.DRAFT, S.CHANGES_REQUESTED))
    open_state = state in (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.AWAITING_SIGN_OFF)
    assert can_comment(actor, StubRevision(state)) is (open_state and (in_team or oversight))
    for kind in SignOffKind:
        may = state is S.AWAITING_SIGN_OFF and (
            principal in ("dpo", "dpo_in_team") if kind is SignOffKind.DPO_ADVICE else oversight)
        assert can_record_sign_off(actor, StubRevision(state), kind, edited=False) is may
        assert can_record_sign_off(actor, StubRevision(state), kind, edited=True) is False
