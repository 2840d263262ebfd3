"""Server-side sign-in sessions: the cookie carries a token, the database says if it is live."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from dpia.extensions import db
from dpia.models import User, UserSession
from dpia.services.audit import record_event


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


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
