"""Users, their roles and their teams."""

from dpia.accounts.rules import Role
from tests import factories


def test_roles_and_teams(db):
    team = factories.create_team("Records")
    user = factories.create_user(Role.DPO, Role.REVIEWER, teams=(team,))
    assert user.role_set == {Role.DPO, Role.REVIEWER}
    assert user.team_ids == {team.id}
