"""What a person does to their own account: change their password, see and end their sessions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from dpia.accounts.models import User
from dpia.accounts.services.passwords import hash_password
from dpia.accounts.services.sessions import end_sessions_of
from dpia.accounts.services.sign_in import authenticate
from dpia.accounts.services.tokens import require_acceptable_password
from dpia.core.audit.services import record_event
from dpia.core.extensions import db
from dpia.core.security_log import log_security_event


def change_password(*, actor: User, now: datetime, current_password: str, new_password: str,
                    keep_session_id: int | None, max_failures: int, window: timedelta) -> int:
    """Replace the person's password after checking their current one, and end their other sessions
    (someone who knew the old password may be signed in elsewhere). Returns how many were ended.

    The current password is checked like a sign-in, throttle included, so a session left open
    cannot be used to guess it.
    :raise SignInRefused: the current password is wrong.
    :raise ThrottledError: too many wrong current passwords lately.
    :raise PasswordRefused: the new password breaks the policy.
    """
    authenticate(email=actor.email, password=current_password, now=now, max_failures=max_failures, window=window)
    require_acceptable_password(new_password, user=actor)
    actor.password_hash = hash_password(new_password)
    actor.password_changed_at = now
    db.session.flush()
    record_event(actor=actor, now=now, action="auth.password_changed", object_type="user", object_id=actor.id)
    log_security_event("password_changed", outcome="success", actor=actor.id, object=f"user:{actor.id}",
                       via="account page")
    return end_sessions_of(actor, actor=actor, now=now, reason="password changed", keep_session_id=keep_session_id)


def end_other_sessions(*, actor: User, now: datetime, keep_session_id: int) -> int:
    """Sign the person out of every browser but this one; returns how many sessions ended."""
    return end_sessions_of(actor, actor=actor, now=now, reason="signed out other sessions",
                           keep_session_id=keep_session_id)


_BROWSERS = (("Edg", "Edge"), ("OPR", "Opera"), ("Firefox", "Firefox"), ("Chrome", "Chrome"),
             ("Safari", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_device(user_agent: str | None) -> str:
    """A User-Agent header as a person recognises it: "Firefox on Windows"."""
    if not user_agent:
        return "Unknown device"
    browser = next((label for token, label in _BROWSERS if re.search(rf"\b{token}/", user_agent)), None)
    system = next((label for token, label in _SYSTEMS if token in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"
