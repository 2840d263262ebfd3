from dataclasses import dataclass

import pytest

from dpia.accounts.rules import Role
from dpia.core.errors import PermissionDeniedError
from dpia.core.permissions import require
from dpia.permissions import can_list_all_assessments, can_manage_users, can_view_assessment


@dataclass(frozen=True)
class FakeActor:
    role_set: frozenset
    team_ids: frozenset = frozenset()


@dataclass
class FakeAssessment:
    team_id: int


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
    actor = FakeActor(frozenset(roles), frozenset(teams))
    assert can_view_assessment(actor, FakeAssessment(team_of_assessment)) is expected


def test_anonymous_may_view_nothing():
    assert can_view_assessment(None, FakeAssessment(1)) is False
    assert can_list_all_assessments(None) is False


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_manage_users(role):
    assert can_manage_users(FakeActor(frozenset({role}))) is (role is Role.ADMIN)


def test_require_raises_when_not_allowed():
    require(True)
    with pytest.raises(PermissionDeniedError):
        require(False)
