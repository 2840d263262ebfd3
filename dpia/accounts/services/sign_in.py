"""Checking a password sign-in, with a per-account throttle kept in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from dpia.accounts.models import User
from dpia.accounts.rules import MAX_LENGTH
from dpia.accounts.services.attempts import prune_attempts, recent_attempts, record_attempt
from dpia.accounts.services.passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from dpia.accounts.services.users import find_user_by_email, normalise_email
from dpia.core.audit.services import record_event
from dpia.core.errors import DomainError, ThrottledError
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.core.security_log import log_security_event


class SignInRefused(DomainError):
    """The email address or password is wrong. Deliberately says no more than that."""


def account_key(email: str) -> str:
    """Key the throttle by a hash, so the attempts table holds no email addresses."""
    return sha256(normalise_email(email))


def _log_refusal(key: str, *, outcome: str, reason: str) -> None:
    """One security-log line per refused attempt, naming the account by its key, never by the
    typed e-mail address (which may be someone's password typed in the wrong box)."""
    log_security_event("sign_in", outcome=outcome, object=f"account:{key[:16]}", reason=reason)


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
    prune_attempts(key, now=now)
    if len(password) > MAX_LENGTH:
        # Refuse before hashing: hashing megabytes of "password" is a denial of service.
        record_attempt(key, now=now, succeeded=False)
        _log_refusal(key, outcome="failure", reason="too_long")
        raise SignInRefused()
    if recent_attempts(key, now=now, window=window) >= max_failures:
        record_attempt(key, now=now, succeeded=False)
        db.session.flush()
        record_event(actor=None, now=now, action="auth.sign_in_throttled", object_type="account",
                     object_id=key[:16])
        _log_refusal(key, outcome="throttled", reason="too_many_failures")
        raise ThrottledError("Too many attempts to sign in to this account. Wait a minute and try again.")

    user = find_user_by_email(email)
    if user is None:
        burn_verification_time(password)
        ok, reason = False, "unknown_account"
    else:
        password_right = verify_password(user.password_hash, password)
        ok = password_right and user.active
        reason = "deactivated" if password_right else "wrong_password"
    record_attempt(key, now=now, succeeded=ok)
    if not ok:
        db.session.flush()
        record_event(actor=None, now=now, action="auth.sign_in_failed", object_type="account",
                     object_id=key[:16])
        _log_refusal(key, outcome="failure", reason=reason)
        raise SignInRefused()
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user



