"""Accounts and signing in."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from dpia.domain.errors import DomainError, ThrottledError, ValidationError
from dpia.domain.passwords import MAX_LENGTH, password_problems
from dpia.domain.permissions import can_manage_users, require
from dpia.domain.roles import Role
from dpia.extensions import db
from dpia.models import LoginAttempt, Membership, Team, User, UserRole
from dpia.services.audit import record_event
from dpia.services.passwords import burn_verification_time, hash_password, needs_rehash, verify_password


class SignInRefused(DomainError):
    """The email address or password is wrong. Deliberately says no more than that."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def account_key(email: str) -> str:
    """Key the throttle by a hash, so the attempts table holds no email addresses."""
    return hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()


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
    problems += password_problems(password, email=email)
    role_set = set(roles)
    if not role_set:
        problems.append("Give the account at least one role")
    if email and find_user_by_email(email) is not None:
        problems.append("An account with that email address already exists")
    if problems:
        raise ValidationError("; ".join(problems))
    user = User(email=email, name=name, password_hash=hash_password(password), active=True,
                created_at=now)
    user.role_rows = [UserRole(role=role) for role in sorted(role_set)]
    user.memberships = [
        Membership(team=get_or_create_team(team_name, now=now), created_at=now) for team_name in team_names
    ]
    db.session.add(user)
    db.session.flush()
    record_event(actor=actor, now=now, action="user.create", object_type="user", object_id=user.id,
                 summary={"roles": sorted(r.value for r in role_set), "teams": sorted(team_names)})
    return user


def _recent_failures(key: str, *, now: datetime, window: timedelta) -> int:
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.account_key == key,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at > now - window,
        )
    ) or 0


def authenticate(
    *, email: str, password: str, now: datetime, max_failures: int, window: timedelta
) -> User:
    """Check a sign-in attempt and record it.

    The throttle is per account and stored in the database, so it holds across worker processes:
    after `max_failures` failed attempts inside `window`, every attempt is refused until the window
    has passed, even with the right password. An unknown email costs the same time as a wrong
    password and gets the same answer.

    :raise ThrottledError: too many recent failures for this account.
    :raise SignInRefused: wrong email or password, or a deactivated account.
    """
    key = account_key(email)
    # Attempts older than a day will never be counted again; dropping this account's keeps the table
    # small without a scheduled job (an index lookup on account_key, attempted_at).
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.account_key == key,
                                                  LoginAttempt.attempted_at < now - timedelta(days=1)))
    if len(password) > MAX_LENGTH:
        # Refuse before hashing: hashing megabytes of "password" is a denial of service.
        db.session.add(LoginAttempt(account_key=key, attempted_at=now, succeeded=False))
        raise SignInRefused()
    if _recent_failures(key, now=now, window=window) >= max_failures:
        db.session.add(LoginAttempt(account_key=key, attempted_at=now, succeeded=False))
        db.session.flush()
        record_event(actor=None, now=now, action="auth.sign_in_throttled", object_type="account",
                     object_id=key[:16])
        raise ThrottledError("Too many attempts to sign in to this account. Wait a minute and try again.")

    user = find_user_by_email(email)
    if user is None:
        burn_verification_time(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    db.session.add(LoginAttempt(account_key=key, attempted_at=now, succeeded=ok))
    if not ok:
        db.session.flush()
        record_event(actor=None, now=now, action="auth.sign_in_failed", object_type="account",
                     object_id=key[:16])
        raise SignInRefused()
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user



def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))
