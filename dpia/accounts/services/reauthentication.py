"""Re-authentication: a signed-in person proves again who they are before a sensitive action."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from dpia.accounts.models import ExternalIdentity, User, UserSession
from dpia.accounts.services.mfa import verify_totp
from dpia.accounts.services.sessions import mark_authenticated
from dpia.accounts.services.sign_in import SignInRefused, authenticate
from dpia.core.audit.services import record_event
from dpia.core.extensions import db
from dpia.core.security_log import log_security_event


def is_recent(session_row: UserSession, *, now: datetime, window: timedelta) -> bool:
    """Whether the person proved who they are within `window` (at sign-in or by re-authenticating)."""
    return now - session_row.authenticated_at <= window


def record_reauthentication_required(user: User, *, endpoint: str, now: datetime) -> None:
    """A sensitive action was attempted from a session that had not proved itself recently: it was held
    back and the person asked to confirm it's them (security.md A5: the attempt is on record)."""
    record_event(actor=user, now=now, action="auth.reauthentication_required", object_type="user",
                 object_id=user.id, summary={"endpoint": endpoint})
    log_security_event("reauthentication_required", outcome="denied", actor=user.id, object=f"user:{user.id}",
                       endpoint=endpoint)
    db.session.flush()


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


# How far the provider's clock may run behind ours when it says when the person signed in there.
PROVIDER_CLOCK_SKEW = timedelta(minutes=1)


def hold_action(session_row: UserSession, *, action: str, fields: list[tuple[str, str]]) -> None:
    """Keep a sensitive action (its address and every typed field) while the person re-authenticates
    at the identity provider; a cookie could not hold long sign-off notes."""
    session_row.pending_action = json.dumps({"action": action, "fields": fields})
    db.session.flush()


def take_held_action(session_row: UserSession) -> tuple[str, list[tuple[str, str]]] | None:
    """The held action, once: it is cleared as it is handed back."""
    if not session_row.pending_action:
        return None
    held = json.loads(session_row.pending_action)
    session_row.pending_action = None
    db.session.flush()
    return str(held["action"]), [(str(name), str(value)) for name, value in held["fields"]]


def reauthenticate_through_provider(user: User, session_row: UserSession, *, issuer: str, subject: str,
                                    signed_in_at: datetime | None, asked_at: datetime, now: datetime) -> bool:
    """Accept the identity provider's word that the person signed in again, if it is about the account
    signed in here (its linked identity) and the sign-in there happened after we asked for it (the
    ID token's `auth_time`). Audited either way."""
    linked_to = db.session.scalar(select(ExternalIdentity.user_id).where(
        ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject))
    ok = linked_to == user.id and signed_in_at is not None and signed_in_at >= asked_at - PROVIDER_CLOCK_SKEW
    if ok:
        mark_authenticated(session_row, now=now)
    else:
        session_row.pending_action = None
    record_event(actor=user, now=now, action="auth.reauthenticated" if ok else "auth.reauthentication_failed",
                 object_type="user", object_id=user.id, summary={"method": "oidc"})
    log_security_event("reauthenticated", outcome="success" if ok else "failure", actor=user.id,
                       object=f"user:{user.id}", method="oidc")
    db.session.flush()
    return ok
