"""What administrators do to accounts and teams: invite, edit roles and teams, deactivate and
reactivate, sign someone out everywhere, create and rename teams.

No function here takes a password: an administrator never chooses someone else's. Each change is
audited, and changes to access also go to the security log.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from dpia.accounts.models import ExternalIdentity, Membership, Team, User, UserRole, UserSession
from dpia.accounts.rules import Role
from dpia.accounts.services.sessions import SessionLimits, end_sessions_of
from dpia.accounts.services.tokens import LinkPath, send_invitation
from dpia.accounts.services.users import find_user_by_email, normalise_email
from dpia.core.audit.services import record_event
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.core.security_log import log_security_event
from dpia.permissions import can_deactivate, can_manage_users, can_set_roles

ONLY_ADMINS = "Only administrators can manage accounts and teams"


class AccountProblem(ValidationError):
    """Input an administrator must correct; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class AccountStatus(enum.StrEnum):
    ACTIVE = "Active"
    INVITED = "Invited"  # has not yet chosen a password or signed in with single sign-on
    DEACTIVATED = "Deactivated"


@dataclass(frozen=True)
class AccountSummary:
    """One account as the administrators' pages show it."""

    user: User
    status: AccountStatus
    team_names: list[str]
    live_sessions: int


def _status(user: User, *, uses_sso: bool) -> AccountStatus:
    if not user.active:
        return AccountStatus.DEACTIVATED
    if user.password_hash is None and not uses_sso:
        return AccountStatus.INVITED
    return AccountStatus.ACTIVE


def _team_names() -> dict[int, str]:
    return dict(db.session.execute(select(Team.id, Team.name)).all())


def _live_session_counts(user_ids: Iterable[int], *, now: datetime, limits: SessionLimits) -> dict[int, int]:
    rows = db.session.execute(
        select(UserSession.user_id, func.count(UserSession.id))
        .where(UserSession.user_id.in_(list(user_ids)), UserSession.ended_at.is_(None),
               UserSession.created_at > now - limits.absolute, UserSession.last_seen_at > now - limits.idle)
        .group_by(UserSession.user_id)
    )
    return dict(rows.all())


def account_summaries(users: list[User], *, now: datetime, limits: SessionLimits) -> list[AccountSummary]:
    """Status, team names and live session counts for `users`, in a fixed number of statements."""
    ids = [user.id for user in users]
    sso_ids = set(db.session.scalars(select(ExternalIdentity.user_id).where(ExternalIdentity.user_id.in_(ids))))
    names = _team_names()
    sessions = _live_session_counts(ids, now=now, limits=limits)
    return [AccountSummary(user=user, status=_status(user, uses_sso=user.id in sso_ids),
                           team_names=sorted(names[team_id] for team_id in user.team_ids),
                           live_sessions=sessions.get(user.id, 0))
            for user in users]


def list_accounts(*, now: datetime, limits: SessionLimits) -> list[AccountSummary]:
    return account_summaries(list(db.session.scalars(select(User).order_by(User.name, User.id))),
                             now=now, limits=limits)


def get_account(user_id: int) -> User:
    """:raise NotFoundError: no account has that id (the page answers 404)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError("No account has that id")
    return user


def get_team(team_id: int) -> Team:
    """:raise NotFoundError: no team has that id (the page answers 404)."""
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFoundError("No team has that id")
    return team


def list_teams() -> list[tuple[Team, int]]:
    """Every team with how many people belong to it, by name."""
    return list(db.session.execute(
        select(Team, func.count(Membership.user_id))
        .outerjoin(Membership, Membership.team_id == Team.id)
        .group_by(Team.id).order_by(Team.name)
    ))


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise AccountProblem("name", f"Enter the {what}")
    return cleaned


def invite_user(*, actor: User, now: datetime, email: str, name: str, roles: frozenset[Role],
                teams: Iterable[Team], lifetime: timedelta, link_path: LinkPath) -> User:
    """Create an account without a password and e-mail its holder a link to choose one.

    :raise AccountProblem: the address is taken, or a field is empty.
    """
    require(can_manage_users(actor), ONLY_ADMINS)
    email = normalise_email(email)
    name = _clean_name(name, "person's full name")
    if not roles:
        raise AccountProblem("roles", "Select at least one role")
    if find_user_by_email(email) is not None:
        raise AccountProblem("email", "An account with that email address already exists")
    team_list = list(teams)
    user = User(email=email, name=name, password_hash=None, active=True, created_at=now)
    user.role_rows = [UserRole(role=role) for role in sorted(roles)]
    user.memberships = [Membership(team=team, created_at=now) for team in team_list]
    db.session.add(user)
    db.session.flush()
    record_event(actor=actor, now=now, action="user.invite", object_type="user", object_id=user.id,
                 summary={"roles": sorted(roles), "teams": sorted(team.id for team in team_list)})
    log_security_event("account_invited", outcome="success", actor=actor.id, object=f"user:{user.id}",
                       roles=sorted(roles))
    send_invitation(user, actor=actor, now=now, lifetime=lifetime, link_path=link_path)
    return user


def resend_invitation(*, actor: User, now: datetime, user: User, lifetime: timedelta, link_path: LinkPath) -> None:
    """Send a new invitation link; the earlier ones stop working.

    :raise ValidationError: the person has already accepted, or the account is deactivated.
    """
    require(can_manage_users(actor), ONLY_ADMINS)
    if not user.active or user.password_hash is not None:
        raise ValidationError("Only an account that is still invited can be sent a new invitation")
    send_invitation(user, actor=actor, now=now, lifetime=lifetime, link_path=link_path)
    record_event(actor=actor, now=now, action="user.invitation_resent", object_type="user", object_id=user.id)


def update_user(*, actor: User, now: datetime, user: User, name: str, roles: frozenset[Role],
                teams: Iterable[Team]) -> None:
    """Change a person's name, roles and teams.

    :raise AccountProblem: the name is empty or no role is selected.
    :raise PermissionDeniedError: an administrator would take their own administrator role away.
    """
    require(can_manage_users(actor), ONLY_ADMINS)
    require(can_set_roles(actor, user, roles), "You cannot remove your own administrator role")
    name = _clean_name(name, "person's full name")
    if not roles:
        raise AccountProblem("roles", "Select at least one role")
    team_list = list(teams)
    before_roles, before_teams = user.role_set, user.team_ids
    after_teams = frozenset(team.id for team in team_list)
    changes: dict[str, object] = {}
    if name != user.name:
        changes["name"] = "changed"
        user.name = name
    if roles != before_roles:
        changes["roles"] = {"added": sorted(roles - before_roles), "removed": sorted(before_roles - roles)}
        user.role_rows = [row for row in user.role_rows if row.role in roles] + [
            UserRole(role=role) for role in sorted(roles - before_roles)]
    if after_teams != before_teams:
        changes["teams"] = {"added": sorted(after_teams - before_teams), "removed": sorted(before_teams - after_teams)}
        user.memberships = [m for m in user.memberships if m.team_id in after_teams] + [
            Membership(team=team, created_at=now) for team in team_list if team.id not in before_teams]
    if not changes:
        return
    db.session.flush()
    record_event(actor=actor, now=now, action="user.update", object_type="user", object_id=user.id, summary=changes)
    if "roles" in changes:
        log_security_event("roles_changed", outcome="success", actor=actor.id, object=f"user:{user.id}",
                           **changes["roles"])  # type: ignore[arg-type]


def deactivate_user(*, actor: User, now: datetime, user: User) -> None:
    """Stop an account signing in and end all of its sessions at once."""
    require(can_deactivate(actor, user), "You cannot deactivate your own account")
    if not user.active:
        return
    user.active = False
    user.deactivated_at = now
    db.session.flush()
    record_event(actor=actor, now=now, action="user.deactivate", object_type="user", object_id=user.id)
    log_security_event("account_deactivated", outcome="success", actor=actor.id, object=f"user:{user.id}")
    end_sessions_of(user, actor=actor, now=now, reason="account deactivated")


def reactivate_user(*, actor: User, now: datetime, user: User) -> None:
    """Let a deactivated account sign in again (its old sessions stay ended)."""
    require(can_deactivate(actor, user), ONLY_ADMINS)
    if user.active:
        return
    user.active = True
    user.deactivated_at = None
    db.session.flush()
    record_event(actor=actor, now=now, action="user.reactivate", object_type="user", object_id=user.id)
    log_security_event("account_reactivated", outcome="success", actor=actor.id, object=f"user:{user.id}")


def sign_out_everywhere(*, actor: User, now: datetime, user: User) -> int:
    """End every session of `user` (a lost laptop, a suspected compromise); returns how many."""
    require(can_manage_users(actor), ONLY_ADMINS)
    ended = end_sessions_of(user, actor=actor, now=now, reason="signed out everywhere by an administrator")
    db.session.flush()
    return ended


def _unique_team_name(name: str, *, except_id: int | None = None) -> str:
    cleaned = _clean_name(name, "team name")
    clash = db.session.scalar(select(Team.id).where(func.lower(Team.name) == cleaned.lower()))
    if clash is not None and clash != except_id:
        raise AccountProblem("name", "A team with that name already exists")
    return cleaned


def create_team(*, actor: User, now: datetime, name: str) -> Team:
    """:raise AccountProblem: the name is empty or taken."""
    require(can_manage_users(actor), ONLY_ADMINS)
    team = Team(name=_unique_team_name(name), created_at=now)
    db.session.add(team)
    db.session.flush()
    record_event(actor=actor, now=now, action="team.create", object_type="team", object_id=team.id,
                 summary={"name": team.name})
    return team


def rename_team(*, actor: User, now: datetime, team: Team, name: str) -> None:
    """:raise AccountProblem: the name is empty or taken by another team."""
    require(can_manage_users(actor), ONLY_ADMINS)
    new_name = _unique_team_name(name, except_id=team.id)
    if new_name == team.name:
        return
    old_name, team.name = team.name, new_name
    db.session.flush()
    record_event(actor=actor, now=now, action="team.rename", object_type="team", object_id=team.id,
                 summary={"from": old_name, "to": new_name})
