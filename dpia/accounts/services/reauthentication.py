"""Re-authentication: a signed-in person proves again who they are before a sensitive action."""

from __future__ import annotations

from datetime import datetime, timedelta

from dpia.accounts.models import User, UserSession
from dpia.accounts.services.mfa import verify_totp
from dpia.accounts.services.sessions import mark_authenticated
from dpia.accounts.services.sign_in import SignInRefused, authenticate
from dpia.core.audit.services import record_event
from dpia.core.extensions import db
from dpia.core.security_log import log_security_event


def is_recent(session_row: UserSession, *, now: datetime, window: timedelta) -> bool:
    """Whether the person proved who they are within `window` (at sign-in or by re-authenticating)."""
    return now - session_row.authenticated_at <= window


def reauthenticate(user: User, session_row: UserSession, *, password: str, code: str | None, now: datetime,
                   max_failures: int, window: timedelta) -> bool:
    """Check the password, and the TOTP code when the person has one; on success the session counts as
    freshly authenticated. Every attempt is audited and counts towards the sign-in and MFA throttles.

    :raise ThrottledError: too many recent wrong passwords or codes.
    """
    try:
        authenticate(email=user.email, password=password, now=now, max_failures=max_failures, window=window)
    except SignInRefused:
        ok = False
    else:
        ok = not user.has_totp or verify_totp(user, code or "", now=now)
    if ok:
        mark_authenticated(session_row, now=now)
    record_event(actor=user, now=now, action="auth.reauthenticated" if ok else "auth.reauthentication_failed",
                 object_type="user", object_id=user.id)
    log_security_event("reauthenticated", outcome="success" if ok else "failure", actor=user.id,
                       object=f"user:{user.id}")
    db.session.flush()
    return ok
