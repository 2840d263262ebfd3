"""Finding and creating accounts and teams, and listing them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from dpia.accounts.models import Membership, Team, User, UserRole
from dpia.accounts.rules import Role, password_problems
from dpia.accounts.services.passwords import hash_password
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_manage_users


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_or_create_team(name: str, *, now: datetime) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, created_at=now)
        db.session.add(team)
        db.session.flush()
    return team


def create_user(
    *,
    actor: User | None,
    now: datetime,
    email: str,
    name: str,
    password: str,
    roles: Iterable[Role],
    team_names: Iterable[str] = (),
) -> User:
    """Create an account. `actor` is None only for the command line, which is trusted.

    :raise ValidationError: the email is taken, a field is empty, or the password breaks the policy.
    """
    if actor is not None:
        require(can_manage_users(actor), "Only administrators can create accounts")
    email = normalise_email(email)
    name = name.strip()
    problems: list[str] = []
    if not email or "@" not in email:
        problems.append("Enter an email address in the correct format, like name@example.org")
    if not name:
        problems.append("Enter the person's name")
    problems += password_problems(password, email=email, name=name)
    role_set = set(roles)
    if not role_set:
        problems.append("Give the account at least one role")
    if email and find_user_by_email(email) is not None:
        problems.append("An account with that email address already exists")
    if problems:
        raise ValidationError("; ".join(problems))
    user = User(email=email, name=name, password_hash=hash_password(password), active=True,
                created_at=now, password_changed_at=now)
    user.role_rows = [UserRole(role=role) for role in sorted(role_set)]
    user.memberships = [
        Membership(team=get_or_create_team(team_name, now=now), created_at=now) for team_name in team_names
    ]
    db.session.add(user)
    db.session.flush()
    record_event(actor=actor, now=now, action="user.create", object_type="user", object_id=user.id,
                 summary={"roles": sorted(r.value for r in role_set), "teams": sorted(team_names)})
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def user_names(user_ids: Iterable[int]) -> dict[int, str]:
    """People's names by account id, in one statement (columns only: no relationships are loaded)."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {user_id: name for user_id, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))}
