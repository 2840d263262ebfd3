"""Personal access tokens: making one (shown once), listing and revoking one's own, and checking a
token presented to the API, with its request counted against the token's limit."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from dpia.accounts.models import User
from dpia.api.models import ApiToken, ApiUsage
from dpia.api.rules import (
    DEFAULT_RATE_LIMIT,
    MAX_RATE_LIMIT,
    TOKEN_PREFIX,
    TOKEN_RANDOM_BYTES,
    VISIBLE_CHARACTERS,
    check_name,
    expiry_for,
    parse_scopes,
    retry_after,
    window_start,
)
from dpia.core.audit.services import record_event
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.core.security_log import log_security_event
from dpia.permissions import can_manage_api_token

LAST_USED_RESOLUTION = timedelta(minutes=1)  # last use is written at most once a minute per token


def hash_token(token: str) -> str:
    return sha256(token.encode("ascii", "replace"))


@dataclass(frozen=True)
class NewToken:
    """A token just made: the row, and the secret itself, which is never stored and shown once."""

    row: ApiToken
    secret: str


def create_token(*, actor: User, now: datetime, name: str, scopes: Iterable[str], days: int,
                 rate_limit: int = DEFAULT_RATE_LIMIT) -> NewToken:
    """Make a token for `actor`, readable by the API as `actor`, until `days` from now.

    :raise ValidationError: a bad name, scope, lifetime or limit.
    """
    if not 1 <= rate_limit <= MAX_RATE_LIMIT:
        raise ValidationError(f"The limit must be from 1 to {MAX_RATE_LIMIT} requests a minute")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_RANDOM_BYTES)
    row = ApiToken(user_id=actor.id, name=check_name(name), token_hash=hash_token(secret),
                   visible_prefix=secret[:len(TOKEN_PREFIX) + VISIBLE_CHARACTERS],
                   scopes=[scope.value for scope in parse_scopes(scopes)], rate_limit_per_minute=rate_limit,
                   created_at=now, expires_at=expiry_for(days, now))
    db.session.add(row)
    db.session.flush()
    record_event(actor=actor, now=now, action="api.token_created", object_type="api_token", object_id=row.id,
                 summary={"name": row.name, "scopes": row.scopes, "expires_at": row.expires_at.isoformat()})
    return NewToken(row, secret)


def tokens_of(actor: User) -> list[ApiToken]:
    """The person's tokens, newest first (revoked and expired ones too, so they can see what ended)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(*, actor: User, now: datetime, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at once. Revoking twice changes nothing.

    :raise NotFoundError: no such token, or it is someone else's (the same answer).
    """
    row = db.session.get(ApiToken, token_id)
    if row is None or not can_manage_api_token(actor, row):
        raise NotFoundError("token")
    if row.revoked_at is None:
        row.revoked_at = now
        db.session.flush()
        record_event(actor=actor, now=now, action="api.token_revoked", object_type="api_token", object_id=row.id)
    return row


def revoke_all_tokens_of(user: User, *, now: datetime) -> int:
    """Revoke every live token of `user` (an operator ending someone's API access from the command line)."""
    result = db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                .values(revoked_at=now))
    count = result.rowcount or 0
    record_event(actor=None, now=now, action="api.tokens_revoked", object_type="user", object_id=user.id,
                 summary={"tokens": count})
    return count


def set_rate_limit(*, now: datetime, token_id: int, limit: int) -> ApiToken:
    """Change one token's requests-per-minute limit (an operator's decision, from the command line).

    :raise NotFoundError: no such token.
    :raise ValidationError: the limit is out of range.
    """
    if not 1 <= limit <= MAX_RATE_LIMIT:
        raise ValidationError(f"The limit must be from 1 to {MAX_RATE_LIMIT} requests a minute")
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise NotFoundError("token")
    previous, row.rate_limit_per_minute = row.rate_limit_per_minute, limit
    db.session.flush()
    record_event(actor=None, now=now, action="api.token_limit_changed", object_type="api_token", object_id=row.id,
                 summary={"from": previous, "to": limit})
    return row


# -- checking a presented token -------------------------------------------------------------------

class TokenRefused(Exception):  # noqa: N818 - a refusal, not a fault
    """The token is unknown, expired, revoked, or its owner's account is deactivated."""


@dataclass(frozen=True)
class Usage:
    """The token's request count in the current window, and what that means for the caller."""

    limit: int
    used: int
    retry_after: int

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def authenticate(secret: str, *, now: datetime) -> tuple[ApiToken, User, Usage]:
    """The live token with this secret, its owner, and this request counted in the token's window.

    The token is found by its hash, so no comparison leaks timing. Counting comes first and is one
    `INSERT ... SELECT ... ON CONFLICT DO UPDATE ... RETURNING`: it adds the window's row or raises its
    count inside the database, so concurrent requests on any number of servers each get a distinct
    count (on PostgreSQL the row lock orders them), and on SQLite the request's first statement is a
    write, which waits for the write lock instead of failing on a stale read. The first request of a
    window clears the token's older windows.

    :raise TokenRefused: no such token, or it may no longer be used.
    """
    digest = hash_token(secret)
    start = window_start(now)
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ApiUsage).from_select(
        ["token_id", "window_start", "requests"],
        select(ApiToken.id, literal(start, ApiUsage.window_start.type), literal(1))
        .where(ApiToken.token_hash == digest),
    ).on_conflict_do_update(
        index_elements=[ApiUsage.token_id, ApiUsage.window_start],
        set_={"requests": ApiUsage.requests + 1},
    ).returning(ApiUsage.token_id, ApiUsage.requests)
    counted = db.session.execute(statement).first()
    if counted is None:
        log_security_event("api_token_refused", outcome="denied", reason="unknown")
        raise TokenRefused("unknown")
    row = db.session.scalar(select(ApiToken).where(ApiToken.id == counted.token_id)
                            .options(joinedload(ApiToken.user)))
    assert row is not None  # noqa: S101 - just counted, in this transaction
    reason = ("revoked" if row.revoked_at is not None else "expired" if now >= row.expires_at
              else "account deactivated" if not row.user.is_active else None)
    if reason:
        log_security_event("api_token_refused", outcome="denied", actor=row.user_id, object=f"api_token:{row.id}",
                           reason=reason)
        raise TokenRefused(reason)
    if counted.requests == 1:
        db.session.execute(delete(ApiUsage).where(ApiUsage.token_id == row.id, ApiUsage.window_start < start))
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
    return row, row.user, Usage(row.rate_limit_per_minute, counted.requests, retry_after(now))
