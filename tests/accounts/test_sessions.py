"""Session lifetimes (security.md S4): 30 minutes idle, 12 hours absolute, both checked on the server,
whatever the cookie says; and the live-session query behind the sessions page."""

from datetime import timedelta

from sqlalchemy import select

from dpia.accounts.models import UserSession
from dpia.accounts.rules import Role
from dpia.accounts.services.sessions import SessionLimits, live_sessions_of
from tests import factories
from tests.web import as_user, csrf_token

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)


def signed_in_client(app, clock):
    user = factories.create_user(Role.TEAM_MEMBER)
    return user, as_user(app, user)


def goes_to_sign_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_session_idle_for_30_minutes_and_a_second_needs_sign_in(app, db, clock):
    _, client = signed_in_client(app, clock)
    clock.set(factories.CLOCK + IDLE + timedelta(seconds=1))
    assert goes_to_sign_in(client)


def test_a_session_used_within_30_minutes_stays_signed_in(app, db, clock):
    _, client = signed_in_client(app, clock)
    clock.set(factories.CLOCK + IDLE)
    assert client.get("/").status_code == 200
    # Activity moves the idle deadline on: 29 more minutes is fine, 31 is not.
    clock.set(factories.CLOCK + IDLE + timedelta(minutes=29))
    assert client.get("/").status_code == 200
    clock.set(factories.CLOCK + IDLE + timedelta(minutes=29) + IDLE + timedelta(seconds=1))
    assert goes_to_sign_in(client)


def test_an_active_session_ends_12_hours_after_sign_in(app, db, clock):
    _, client = signed_in_client(app, clock)
    moment = factories.CLOCK
    while moment + timedelta(minutes=20) < factories.CLOCK + ABSOLUTE:
        moment += timedelta(minutes=20)
        clock.set(moment)
        assert client.get("/").status_code == 200, moment
    clock.set(factories.CLOCK + ABSOLUTE + timedelta(seconds=1))
    assert goes_to_sign_in(client)


def test_a_timed_out_session_is_ended_for_good(app, db, clock):
    """Once found idle, the row is ended: winding the clock back (or a copied cookie) cannot revive it."""
    user, client = signed_in_client(app, clock)
    clock.set(factories.CLOCK + IDLE + timedelta(seconds=1))
    assert goes_to_sign_in(client)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.ended_at is not None
    clock.set(factories.CLOCK)
    assert goes_to_sign_in(client)


def test_browsing_writes_last_seen_at_most_once_a_minute(app, db, clock):
    user, client = signed_in_client(app, clock)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    clock.set(factories.CLOCK + timedelta(seconds=30))
    client.get("/")
    db.session.refresh(row)
    assert row.last_seen_at == factories.CLOCK
    clock.set(factories.CLOCK + timedelta(seconds=90))
    client.get("/")
    db.session.refresh(row)
    assert row.last_seen_at == factories.CLOCK + timedelta(seconds=90)


def test_live_sessions_leave_out_ended_and_timed_out_ones(app, db, clock):
    user = factories.create_user(Role.TEAM_MEMBER)
    first, second, third = (as_user(app, user) for _ in range(3))
    clock.set(factories.CLOCK + timedelta(minutes=20))
    second.get("/")
    third.post("/sign-out", data={"csrf_token": csrf_token(third, "/")})
    limits = SessionLimits(idle=IDLE, absolute=ABSOLUTE)
    now = factories.CLOCK + timedelta(minutes=40)
    live = live_sessions_of(user, now=now, limits=limits)
    # The first is idle past 30 minutes, the third signed out: only the second is live.
    assert [row.last_seen_at for row in live] == [factories.CLOCK + timedelta(minutes=20)]
    clock.set(now)
    assert goes_to_sign_in(first)


def test_a_busy_database_does_not_fail_the_page_for_session_bookkeeping(app, db, clock):
    """SQLite refuses a write in a read-only request when another connection has just written: the
    page is still served, and the next request records the activity instead."""
    from sqlalchemy import event

    from dpia.core.extensions import db as database

    user, client = signed_in_client(app, clock)
    clock.set(factories.CLOCK + timedelta(minutes=5))

    def busy(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE user_session"):
            raise database.engine.dialect.dbapi.OperationalError("database is locked")

    event.listen(database.engine, "before_cursor_execute", busy)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(database.engine, "before_cursor_execute", busy)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.last_seen_at == factories.CLOCK
    assert client.get("/").status_code == 200
    db.session.refresh(row)
    assert row.last_seen_at == factories.CLOCK + timedelta(minutes=5)


def session_cookie(response) -> str | None:
    """The Set-Cookie header for the session cookie, if the response sends one."""
    return next((header for header in response.headers.getlist("Set-Cookie")
                 if header.startswith("dpia_session=")), None)


def test_the_cookie_is_sent_again_only_when_the_idle_deadline_moves_on(app, db, clock):
    """Re-signing the cookie on every page was work for nothing: it follows the server's row instead,
    whose last_seen_at moves on at most once a minute, and its expiry is the server's idle deadline."""
    _, client = signed_in_client(app, clock)
    client.get("/")  # the first page may add the CSRF token to the session
    clock.set(factories.CLOCK + timedelta(seconds=30))
    assert session_cookie(client.get("/")) is None
    clock.set(factories.CLOCK + timedelta(seconds=90))
    sent = session_cookie(client.get("/"))
    assert sent is not None
    assert "Expires=Tue, 01 Dec 2026 12:31:30 GMT" in sent  # 90 seconds after sign-in, plus 30 minutes
    clock.set(factories.CLOCK + timedelta(seconds=100))
    assert session_cookie(client.get("/")) is None
