"""Accounts: creating them, hashing and checking passwords, signing in with a throttle, and server-side sessions."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update

from dpia.accounts.models import LoginAttempt, Membership, Team, User, UserRole, UserSession
from dpia.accounts.rules import MAX_LENGTH, Role, password_problems
from dpia.core.audit.services import record_event
from dpia.core.errors import DomainError, ThrottledError, ValidationError
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.core.permissions import require
from dpia.permissions import can_manage_users

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16,
                         type=Type.ID)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash used weaker parameters than today's; rehash at next sign-in."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash() -> str:
    return _hasher.hash("dummy password used to equalise timing for unknown accounts")


def burn_verification_time(password: str) -> None:
    """Spend the same time a real verification would, so unknown accounts are not revealed."""
    verify_password(_dummy_hash(), password)


class SignInRefused(DomainError):
    """The email address or password is wrong. Deliberately says no more than that."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def account_key(email: str) -> str:
    """Key the throttle by a hash, so the attempts table holds no email addresses."""
    return sha256(normalise_email(email))


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


def _hash_token(token: str) -> str:
    return sha256(token.encode("ascii", "replace"))


def start_session(user: User, *, now: datetime) -> str:
    """Open a session for `user` and return the token to put in the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash_token(token), user_id=user.id, created_at=now))
    record_event(actor=user, now=now, action="auth.sign_in", object_type="user", object_id=user.id)
    db.session.flush()
    return token


def user_for_session(token: str, user_id: str, *, now: datetime, max_age: timedelta) -> User | None:
    """Return the signed-in user if the session is live, belongs to them and is young enough."""
    row = db.session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _hash_token(token))
    ).first()
    if row is None:
        return None
    session_row, user = row
    if session_row.ended_at is not None or str(user.id) != user_id or not user.active:
        return None
    if session_row.created_at + max_age < now:
        return None
    return user


def end_session(token: str, *, actor: User | None, now: datetime) -> None:
    """End one session (sign-out); a copy of its cookie is refused from now on."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _hash_token(token), UserSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    if result.rowcount and actor is not None:
        record_event(actor=actor, now=now, action="auth.sign_out", object_type="user", object_id=actor.id)


def user_names(user_ids: Iterable[int]) -> dict[int, str]:
    """People's names by account id, in one statement (columns only: no relationships are loaded)."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {user_id: name for user_id, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))}
