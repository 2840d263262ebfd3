"""Attempts counted by the throttles (passwords, TOTP codes, reset requests), kept in the database so
the limits hold across worker processes and servers. Each throttle has its own hashed key."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from dpia.accounts.models import LoginAttempt
from dpia.core.extensions import db

# Attempts older than this are never counted again.
KEPT_FOR = timedelta(days=1)


def prune_attempts(key: str, *, now: datetime) -> None:
    """Drop the key's attempts too old to count: the table stays small without a scheduled job
    (an index lookup on account_key, attempted_at)."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.account_key == key,
                                                  LoginAttempt.attempted_at < now - KEPT_FOR))


def recent_attempts(key: str, *, now: datetime, window: timedelta, failed_only: bool = True) -> int:
    """How many attempts (by default only failed ones) the key made inside the window."""
    condition = [LoginAttempt.account_key == key, LoginAttempt.attempted_at > now - window]
    if failed_only:
        condition.append(LoginAttempt.succeeded.is_(False))
    return db.session.scalar(select(func.count(LoginAttempt.id)).where(*condition)) or 0


def record_attempt(key: str, *, now: datetime, succeeded: bool) -> None:
    db.session.add(LoginAttempt(account_key=key, attempted_at=now, succeeded=succeeded))
