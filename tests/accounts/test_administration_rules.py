"""Who may deactivate an account or set its roles (dpia/permissions.py): administrators, but never
against themselves in a way that would leave them shut out."""

from dataclasses import dataclass

import pytest

from dpia.accounts.rules import Role
from dpia.permissions import can_deactivate, can_set_roles


@dataclass(frozen=True)
class Person:
    id: int
    role_set: frozenset = frozenset()
    team_ids: frozenset = frozenset()


ADMIN = Person(1, frozenset({Role.ADMIN}))
OTHER = Person(2, frozenset({Role.TEAM_MEMBER}))


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.ADMIN])
def test_only_administrators_deactivate_or_set_roles(role):
    actor = Person(3, frozenset({role}))
    assert not can_deactivate(actor, OTHER)
    assert not can_set_roles(actor, OTHER, frozenset({Role.TEAM_MEMBER}))
    assert not can_deactivate(None, OTHER)


def test_an_administrator_deactivates_others_but_not_themselves():
    assert can_deactivate(ADMIN, OTHER)
    assert not can_deactivate(ADMIN, ADMIN)


def test_an_administrator_keeps_their_own_administrator_role():
    assert can_set_roles(ADMIN, OTHER, frozenset({Role.DPO}))
    assert can_set_roles(ADMIN, ADMIN, frozenset({Role.ADMIN, Role.DPO}))
    assert not can_set_roles(ADMIN, ADMIN, frozenset({Role.DPO}))
