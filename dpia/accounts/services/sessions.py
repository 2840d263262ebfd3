"""Server-side sessions: starting one, finding the live one behind a cookie (idle and absolute
timeouts), ending one or all of a person's, and listing them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from dpia.accounts.models import User, UserSession
from dpia.core.audit.services import record_event
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.core.security_log import log_security_event
from dpia.core.transaction import outside_a_transaction

# `last_seen_at` is written at most this often, so browsing does not write on every request; the
# idle timeout is therefore exact to within this much.
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


def hash_token(token: str) -> str:
    return sha256(token.encode("ascii", "replace"))


def start_session(user: User, *, now: datetime, mfa_satisfied: bool, method: str = "password",
                  user_agent: str | None = None, ip_address: str | None = None) -> str:
    """Open a session for `user` and return the token to put in the cookie.

    `mfa_satisfied` says whether a second factor was proven. A person with a staff role whose
    session has none can reach the enrolment pages and sign-out, nothing else (the MFA gate).
    """
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=hash_token(token), user_id=user.id, created_at=now, last_seen_at=now,
                               authenticated_at=now, mfa_satisfied=mfa_satisfied, method=method,
                               user_agent=(user_agent or "")[:300] or None, ip_address=ip_address))
    record_event(actor=user, now=now, action="auth.sign_in", object_type="user", object_id=user.id,
                 summary={"method": method})
    log_security_event("sign_in", outcome="success", actor=user.id, object=f"user:{user.id}", method=method)
    db.session.flush()
    return token


# Every signed-in page runs this, so it is built once: one statement, the person's roles and teams in
# the same join (otherwise two more), and no statement building or cache-key work on each page.
_SESSION_LOOKUP = (select(UserSession, User)
                   .join(User, User.id == UserSession.user_id)
                   .where(UserSession.token_hash == bindparam("token_hash"))
                   .options(joinedload(User.role_rows), joinedload(User.memberships)))


def live_session(token: str, user_id: str, *, now: datetime,
                 limits: SessionLimits) -> tuple[User, UserSession] | None:
    """The signed-in user and their session row, if the session is live, belongs to them and has
    timed out neither for idleness nor in absolute terms. A session found idle or too old is ended."""
    row = db.session.execute(_SESSION_LOOKUP, {"token_hash": hash_token(token)}).unique().first()
    if row is None:
        return None
    session_row, user = row
    if session_row.ended_at is not None or str(user.id) != user_id or not user.active:
        return None
    if session_row.created_at + limits.absolute < now or session_row.last_seen_at + limits.idle < now:
        _write_if_free(session_row, "ended_at", now)
        log_security_event("session_expired", outcome="ended", actor=user.id, object=f"session:{session_row.id}")
        return None
    if now - session_row.last_seen_at >= LAST_SEEN_RESOLUTION:
        _write_if_free(session_row, "last_seen_at", now)
    return user, session_row


def _write_if_free(session_row: UserSession, column: str, value: datetime) -> None:
    """Write one column of the session row now, in a savepoint, or not at all.

    Looking a session up happens on every page, most of them read-only: on SQLite such a request
    starts a plain BEGIN, and a write there fails at once when another connection has just written
    (SQLITE_BUSY; the busy timeout cannot help). The page must not fail for bookkeeping: the next
    request writes it instead, and an expired session is refused whether or not it was marked ended.
    """
    statement = update(UserSession).where(UserSession.id == session_row.id).values({column: value})
    try:
        if outside_a_transaction():  # a read-only page on PostgreSQL: the one statement commits alone
            db.session.execute(statement)
        else:
            with db.session.begin_nested():
                db.session.execute(statement)
    except OperationalError:
        return
    set_committed_value(session_row, column, value)


def end_session(token: str, *, actor: User | None, now: datetime) -> None:
    """End one session (sign-out); a copy of its cookie is refused from now on."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    if result.rowcount and actor is not None:
        record_event(actor=actor, now=now, action="auth.sign_out", object_type="user", object_id=actor.id)
        log_security_event("sign_out", outcome="success", actor=actor.id, object=f"user:{actor.id}")


def end_sessions_of(user: User, *, actor: User | None, now: datetime, reason: str,
                    keep_session_id: int | None = None) -> int:
    """End every live session of `user` (but `keep_session_id`, the caller's own, when given).

    Used on deactivation, password change, MFA reset and "sign out everywhere". Returns how many
    sessions were ended; the audit row and the security log say why.
    """
    condition = [UserSession.user_id == user.id, UserSession.ended_at.is_(None)]
    if keep_session_id is not None:
        condition.append(UserSession.id != keep_session_id)
    ended = db.session.execute(update(UserSession).where(*condition).values(ended_at=now)).rowcount or 0
    record_event(actor=actor, now=now, action="auth.sessions_ended", object_type="user", object_id=user.id,
                 summary={"reason": reason, "sessions": ended})
    log_security_event("sessions_ended", outcome="success", actor=actor.id if actor else None,
                       object=f"user:{user.id}", reason=reason, sessions=ended)
    return ended


def end_one_session(user: User, session_id: int, *, now: datetime) -> bool:
    """End one of `user`'s own sessions from the sessions page; False if it was not theirs or live."""
    ended = db.session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now)
    ).rowcount
    if ended:
        record_event(actor=user, now=now, action="auth.sessions_ended", object_type="user", object_id=user.id,
                     summary={"reason": "signed out one session", "sessions": 1})
        log_security_event("sessions_ended", outcome="success", actor=user.id, object=f"session:{session_id}",
                           reason="own", sessions=1)
    return bool(ended)


def live_sessions_of(user: User, *, now: datetime, limits: SessionLimits) -> list[UserSession]:
    """The person's sessions that are still live, newest activity first."""
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
               UserSession.created_at > now - limits.absolute, UserSession.last_seen_at > now - limits.idle)
        .order_by(UserSession.last_seen_at.desc())
    )
    return list(rows)


def mark_authenticated(session_row: UserSession, *, now: datetime) -> None:
    """The person has just proved who they are again (re-authentication)."""
    session_row.authenticated_at = now
    session_row.last_seen_at = now


def mark_mfa_satisfied(session_row: UserSession, *, now: datetime) -> None:
    """The person has just enrolled in MFA in this session, which now may do everything."""
    session_row.mfa_satisfied = True
    session_row.authenticated_at = now
