"""The session cookie is re-issued only when the server's session row moves on.

Flask re-signs and re-sends a permanent session's cookie on every response so that its expiry
follows the idle timeout. The idle timeout is the server's to enforce (`live_session` reads the
row's `last_seen_at`, written at most once a minute), so the cookie follows the row instead: it is
sent when the session changed or when `last_seen_at` was just written. Its expiry then matches the
server's idle deadline, and the other requests skip the signing work and the `Set-Cookie` header.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from dpia.core import clock

_REFRESH = "refresh_session_cookie"


def refresh_session_cookie() -> None:
    """Send the cookie again with this response (its expiry starts over from now)."""
    g.setdefault(_REFRESH, True)


class SessionCookie(SecureCookieSessionInterface):
    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        """The idle deadline by the application's clock, the one `live_session` checks."""
        return clock.now() + app.permanent_session_lifetime if session.permanent else None

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        return session.modified or (session.permanent and bool(g.get(_REFRESH)))
