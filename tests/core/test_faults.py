"""Faults end in a clear answer: with the database gone, a signed-in page is the 503 page (made without
the database), and a connection lost at the end of a request never turns into a raw error."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from flask import Flask, request, request_finished
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine

from dpia.core import database
from dpia.core.extensions import db
from tests import factories
from tests.databases import POSTGRES_URL, backends
from tests.web import csrf_token, sign_in

UNAVAILABLE = "Sorry, the service is unavailable"


@pytest.fixture(params=backends())
def app(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:  # noqa: ANN001
    """The app as it runs in production (not testing: errors become pages), on a database of its own."""
    with factories.own_database_app(request.param, tmp_path, TESTING=False) as app:
        with app.app_context():
            app.config["FAULT_TEST_EMAIL"] = factories.create_user(name="Pat Person").email
            db.session.commit()
        yield app


@pytest.fixture()
def signed_in(app: Flask):  # noqa: ANN201
    client = app.test_client()
    assert sign_in(client, app.config["FAULT_TEST_EMAIL"], factories.PASSWORD).status_code == 302
    assert "Pat Person" in client.get("/").get_data(as_text=True)
    return client


def _engine(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def terminate_connections(app: Flask) -> None:
    """Kill every server process serving the app's database, from a separate admin connection."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = :name AND pid <> pg_backend_pid()"),
                {"name": _engine(app).url.database})
    finally:
        admin.dispose()


def terminate(pid: int) -> None:
    """Kill one server process, from a separate admin connection, and wait until it has gone: the
    signal is asynchronous, and on a busy machine the next request could otherwise still find the
    process alive (as a restart would not leave it)."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()
    finally:
        admin.dispose()


def take_database_down(app: Flask) -> None:
    """Make the database unreachable: existing connections die, new ones cannot be opened."""
    engine = _engine(app)

    @event.listens_for(engine, "do_connect")
    def _unreachable(_dialect, _record, cargs, cparams) -> None:  # noqa: ANN001
        if engine.dialect.name == "sqlite":
            cargs[0] = "/nonexistent-directory/dpia.sqlite3"
        else:
            cparams.update(host="127.0.0.1", port=_closed_port())

    if engine.dialect.name == "postgresql":
        terminate_connections(app)
    else:
        engine.dispose()


def test_a_signed_in_page_with_the_database_down_is_the_503_page(app, signed_in):
    take_database_down(app)
    response = signed_in.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert UNAVAILABLE in body and "Try again in a few minutes." in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert response.headers["Content-Security-Policy"]  # still a page of the service


@pytest.mark.parametrize("with_token", [True, False])
def test_a_form_post_with_the_database_down_is_the_503_page(app, signed_in, with_token):
    """Without a token the CSRF error page is made first, and it asks who is signed in: still the 503 page."""
    data = {"csrf_token": csrf_token(signed_in, "/account")} if with_token else {}
    take_database_down(app)
    response = signed_in.post("/sign-out", data=data)
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)


@pytest.fixture()
def kill_connection_at(app: Flask) -> Iterator[Callable[..., list[int]]]:
    """`kill_connection_at("commit")`: kill the server process of the request's own connection just
    before it commits (or rolls back, or runs a statement naming `table`), so that step, any rollback
    after it and the session's removal at teardown all meet a dead connection. Returns the killed pids."""
    engine = _engine(app)
    installed: list[tuple[str, Callable[..., None]]] = []

    def install(step: str, table: str | None = None) -> list[int]:
        killed: list[int] = []

        def kill_own_connection(connection: Connection, *details: object) -> None:
            statement = str(details[1]) if len(details) > 1 else ""
            if not killed and (table is None or f"FROM {table}" in statement):
                killed.append(connection.connection.dbapi_connection.info.backend_pid)
                terminate(killed[0])

        event.listen(engine, step, kill_own_connection)
        installed.append((step, kill_own_connection))
        return killed

    yield install
    for step, listener in installed:
        event.remove(engine, step, listener)


@pytest.mark.postgresql_only  # SQLite has no server process to kill
def test_a_connection_killed_at_commit_gives_the_503_page(app, signed_in, kill_connection_at):
    killed = kill_connection_at("commit")
    # A page with a transaction to commit (the dashboard reads outside one, so has no COMMIT to lose).
    response = signed_in.get("/account")
    assert killed, "the request never committed"
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)
    # The pool replaced the dead connection: the next page works.
    assert signed_in.get("/account").status_code == 200


@pytest.mark.postgresql_only  # SQLite has no server process to kill
def test_a_connection_killed_in_the_middle_of_a_page_gives_the_503_page(app, signed_in, kill_connection_at):
    """As in a database restart while the dashboard reads the assessments (the user is loaded by then)."""
    killed = kill_connection_at("before_cursor_execute", table="assessment")
    response = signed_in.get("/")
    assert killed
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)
    assert signed_in.get("/").status_code == 200


@pytest.mark.postgresql_only  # SQLite has no server process to kill
def test_a_connection_killed_at_the_rollback_of_an_error_page_keeps_that_page(app, signed_in, kill_connection_at):
    killed = kill_connection_at("rollback")
    response = signed_in.get("/assessments/DPIA-1999-999")
    assert killed, "the request never rolled back"
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert signed_in.get("/").status_code == 200


@pytest.mark.postgresql_only  # SQLite has no server process to kill
def test_a_connection_lost_at_teardown_does_not_replace_the_page(app, signed_in):
    """A restart between the answer and the end of the request: the page already made is returned."""
    killed: list[int] = []

    def lose_connection(_sender: Flask, response: object) -> None:
        """After the answer is final and committed; something reads again, then the server goes away."""
        if request.path == "/account" and not killed:
            connection = db.session.connection()
            killed.append(connection.connection.dbapi_connection.info.backend_pid)
            terminate(killed[0])

    request_finished.connect(lose_connection, app)
    try:
        response = signed_in.get("/account")
    finally:
        request_finished.disconnect(lose_connection, app)
    assert killed
    assert response.status_code == 200
    assert "Pat Person" in response.get_data(as_text=True)
    assert signed_in.get("/account").status_code == 200


@pytest.mark.postgresql_only  # SQLite has no server to restart
def test_a_restart_while_the_app_is_quiet_costs_no_page(app, signed_in, monkeypatch):
    """Connections that sat idle are pinged before use, so the dead ones a restart left are replaced."""
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)  # every connection counts as idle
    assert signed_in.get("/").status_code == 200
    terminate_connections(app)
    assert signed_in.get("/").status_code == 200


@pytest.mark.postgresql_only
def test_a_connection_back_in_use_at_once_is_not_pinged(app, signed_in, monkeypatch):
    """The round trip a ping costs is paid only after idleness, not on every page."""
    pings: list[object] = []
    dialect = _engine(app).dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(connection) or real_ping(connection))
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 3600.0)
    for _ in range(3):
        assert signed_in.get("/").status_code == 200
    assert pings == []
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)
    assert signed_in.get("/").status_code == 200
    assert pings
