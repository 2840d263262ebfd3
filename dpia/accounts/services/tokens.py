"""Single-use links sent by e-mail: invitations and password resets, and what redeeming them does.

The link carries a random token; only its SHA-256 is stored, so a copy of the database opens no
account. A link is redeemed by one conditional UPDATE (unused and unexpired), so of two requests
racing with the same link exactly one wins. Issuing a link makes the person's earlier links of the
same kind stop working.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update

from dpia.accounts.models import AccountToken, User
from dpia.accounts.rules import TokenPurpose, password_problems
from dpia.accounts.services.attempts import prune_attempts, recent_attempts, record_attempt
from dpia.accounts.services.passwords import hash_password
from dpia.accounts.services.sessions import end_sessions_of
from dpia.accounts.services.users import find_user_by_email, normalise_email
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.core.security_log import log_security_event
from dpia.mail.services import queue_message

# A person may ask for this many reset messages within the window; more are answered the same way
# but send nothing, so the form cannot be used to flood someone's inbox.
RESET_REQUESTS_PER_WINDOW = 3
RESET_REQUEST_WINDOW = timedelta(minutes=15)

LinkPath = Callable[[str], str]
"""Turns a raw token into the link's path (the view knows its routes; the message adds BASE_URL)."""


class PasswordRefused(ValidationError):
    """The chosen password breaks the policy; `problems` says each reason, for the field's errors."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def require_acceptable_password(password: str, *, user: User) -> None:
    """:raise PasswordRefused: the password breaks the policy (the person's e-mail and name count against it)."""
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise PasswordRefused(problems)


def _hash(raw: str) -> str:
    return sha256(raw.encode("ascii", "replace"))


def issue_token(user: User, purpose: TokenPurpose, *, now: datetime, lifetime: timedelta,
                created_by: User | None) -> str:
    """Store a new link for `user` and return its raw token (which only the e-mail carries).

    The person's earlier unused links for the same purpose stop working now.
    """
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None), AccountToken.expires_at > now)
        .values(expires_at=now)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=_hash(raw), created_at=now,
                                expires_at=now + lifetime, created_by_id=created_by.id if created_by else None))
    db.session.flush()
    return raw


def _usable(raw: str, purpose: TokenPurpose, now: datetime) -> list[ColumnElement[bool]]:
    return [AccountToken.token_hash == _hash(raw), AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None), AccountToken.expires_at > now]


def peek_token(raw: str, purpose: TokenPurpose, *, now: datetime) -> User | None:
    """The active account a link would open, without using it up (to show the page behind the link)."""
    user = db.session.scalar(select(User).join(AccountToken, AccountToken.user_id == User.id)
                             .where(*_usable(raw, purpose, now)))
    return user if user is not None and user.active else None


def redeem_token(raw: str, purpose: TokenPurpose, *, now: datetime) -> User | None:
    """Use a link up and return its account, or None when it is unknown, used, expired or superseded.

    One statement marks it used only if it still is usable; two concurrent redemptions cannot both
    succeed, because the second UPDATE finds `used_at` set and changes no row.
    """
    user_id = db.session.execute(
        update(AccountToken).where(*_usable(raw, purpose, now)).values(used_at=now)
        .returning(AccountToken.user_id)
    ).scalar_one_or_none()
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def send_invitation(user: User, *, actor: User, now: datetime, lifetime: timedelta, link_path: LinkPath) -> None:
    """E-mail `user` a link to choose their password (replacing any earlier invitation)."""
    raw = issue_token(user, TokenPurpose.INVITATION, now=now, lifetime=lifetime, created_by=actor)
    queue_message(to=user.email, subject="You have been invited to use the service", template="invitation",
                  context={"name": user.name, "link_path": link_path(raw),
                           "hours": int(lifetime.total_seconds() // 3600)}, now=now)


def _reset_key(email: str) -> str:
    # Its own key space in the sign-in attempts table: reset requests never count as failed sign-ins.
    return sha256(f"{TokenPurpose.PASSWORD_RESET}:{normalise_email(email)}")


def request_password_reset(*, email: str, now: datetime, lifetime: timedelta, link_path: LinkPath) -> None:
    """Send a reset link if `email` names an active account with a password; otherwise do nothing.

    The caller answers the same either way. Every request takes the same path through the database
    (prune, count, record the request, look up the account) so that neither the answer nor, as far
    as is reasonable, its timing says whether the account exists.
    """
    key = _reset_key(email)
    prune_attempts(key, now=now)
    requests = recent_attempts(key, now=now, window=RESET_REQUEST_WINDOW, failed_only=False)
    throttled = requests >= RESET_REQUESTS_PER_WINDOW
    record_attempt(key, now=now, succeeded=not throttled)
    user = find_user_by_email(email)
    if throttled or user is None or not user.active or user.password_hash is None:
        # Unknown, deactivated, still invited (their invitation is the way in) or asking too often.
        db.session.flush()
        log_security_event("password_reset_requested", outcome="throttled" if throttled else "not_sent",
                           actor=None, object=f"user:{user.id}" if user else None)
        return
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET, now=now, lifetime=lifetime, created_by=None)
    queue_message(to=user.email, subject="Reset your password", template="password_reset",
                  context={"name": user.name, "link_path": link_path(raw),
                           "minutes": int(lifetime.total_seconds() // 60)}, now=now)
    record_event(actor=None, now=now, action="auth.password_reset_requested", object_type="user", object_id=user.id)
    log_security_event("password_reset_requested", outcome="sent", actor=None, object=f"user:{user.id}")


def _set_password(user: User, password: str, *, now: datetime) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = now


def _choose_password_through_link(raw: str, purpose: TokenPurpose, *, password: str, now: datetime) -> User | None:
    """Set the password a link's holder chose, using the link up; None when the link no longer works.

    The policy is checked before the link is used, so a refused password leaves it usable.
    :raise PasswordRefused: the password breaks the policy.
    """
    user = peek_token(raw, purpose, now=now)
    if user is None:
        return None
    require_acceptable_password(password, user=user)
    if redeem_token(raw, purpose, now=now) is None:
        return None
    _set_password(user, password, now=now)
    return user


def reset_password(raw: str, *, password: str, now: datetime) -> User | None:
    """Set a new password through a reset link and end every session of the person.

    Returns None when the link no longer works (nothing changes then).
    :raise PasswordRefused: the password breaks the policy (the link stays usable).
    """
    user = _choose_password_through_link(raw, TokenPurpose.PASSWORD_RESET, password=password, now=now)
    if user is None:
        return None
    record_event(actor=user, now=now, action="auth.password_reset", object_type="user", object_id=user.id)
    log_security_event("password_changed", outcome="success", actor=user.id, object=f"user:{user.id}",
                       via="reset link")
    end_sessions_of(user, actor=user, now=now, reason="password reset")
    db.session.flush()
    return user


def accept_invitation(raw: str, *, password: str, now: datetime) -> User | None:
    """The invited person chooses their password; returns their account, or None when the link no
    longer works.

    :raise PasswordRefused: the password breaks the policy (the link stays usable).
    """
    user = _choose_password_through_link(raw, TokenPurpose.INVITATION, password=password, now=now)
    if user is None:
        return None
    record_event(actor=user, now=now, action="user.invitation_accepted", object_type="user", object_id=user.id)
    log_security_event("password_changed", outcome="success", actor=user.id, object=f"user:{user.id}",
                       via="invitation")
    db.session.flush()
    return user
