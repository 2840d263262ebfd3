"""Fixtures: one migrated database per backend per test session, each test in a rolled-back
transaction, a client, the app's clock, the demo data, `login_as` that signs in through the real
sign-in form, and `count_queries`. Helpers live in tests/factories.py and tests/web.py."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from flask import Flask, request_finished
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from dpia.accounts.models import User
from dpia.core.clock import set_clock, utcnow
from dpia.core.extensions import db as _db
from dpia.demo.services import DEMO_PASSWORD, load_demo
from tests import factories, log_canaries
from tests.databases import backends, fresh_database
from tests.web import StatementCounter, sign_in


@pytest.fixture(scope="session", params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(backend, tmp_path_factory.mktemp(backend)) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """An app on a database built by the real migrations, not `create_all`."""
    app = factories.make_app(database_url)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture()
def db(app: Flask) -> Iterator[object]:
    """Run the test inside a transaction that is rolled back afterwards.

    Code under test commits as usual; each commit only releases a savepoint.
    """
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        # A plain sessionmaker: Flask-SQLAlchemy's own session would pick the engine, not this connection.
        session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
                                 scopefunc=_app_ctx_id)
        original = _db.session
        _db.session = session
        try:
            yield _db
        finally:
            session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture()
def clock(app: Flask) -> Iterator[factories.SettableClock]:
    """Set the application's clock to `factories.CLOCK` for the test (move it with `clock.set`)."""
    settable = factories.SettableClock(factories.CLOCK)
    set_clock(app, settable)
    yield settable
    set_clock(app, None)


@pytest.fixture()
def client(app: Flask, db: object) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def demo(app: Flask, db: object) -> None:
    """The demonstration data (`flask dpia demo`), loaded at the real time and committed."""
    load_demo(now=utcnow())
    _db.session.commit()


@pytest.fixture()
def login_as(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Sign `user` in through the real form (and the code step, for enrolled accounts); returns the client."""

    def _login(user: User, password: str = factories.PASSWORD) -> FlaskClient:
        response = sign_in(client, user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login


@pytest.fixture()
def count_queries(app: Flask, db: object) -> Callable[[], AbstractContextManager[StatementCounter]]:
    """`with count_queries() as counter:` counts the SQL statements issued inside the block."""

    @contextmanager
    def counting() -> Iterator[StatementCounter]:
        counter = StatementCounter()
        engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


# -- no secrets in logs (security.md L2) ----------------------------------------------------------

_log_capture = log_canaries.LogCapture()
for _secret in (factories.PASSWORD, DEMO_PASSWORD):
    log_canaries.remember(_secret)


def _attach_log_capture() -> None:
    """Capture every record at every level. Migrations' logging set-up (alembic.ini) replaces the
    root logger's handlers and level, so this is repeated around each test."""
    root = logging.getLogger()
    if _log_capture not in root.handlers:
        root.addHandler(_log_capture)
    root.setLevel(logging.DEBUG)


@pytest.fixture(scope="session", autouse=True)
def suite_log_capture() -> Iterator[log_canaries.LogCapture]:
    """Fail the run if any log record written during it holds a secret the run has seen."""
    request_finished.connect(log_canaries.remember_response_secrets)
    _attach_log_capture()
    yield _log_capture
    request_finished.disconnect(log_canaries.remember_response_secrets)
    found = log_canaries.leaks(_log_capture.texts, log_canaries.remembered())
    if found:
        pytest.fail(f"{len(found)} log records hold a secret (security.md L2):\n" + "\n".join(found[:20]),
                    pytrace=False)


@pytest.fixture(autouse=True)
def _keep_capturing_logs(suite_log_capture: log_canaries.LogCapture) -> Iterator[None]:
    _attach_log_capture()
    yield
    _attach_log_capture()


@pytest.fixture(autouse=True)
def _empty_listing_cache() -> None:
    """Each test's database starts its register version afresh under the same fixed clock, so two tests
    can share a version key with different listings: every test starts with no rendered listing (and
    no kept section questions, so no test leans on another's)."""
    from dpia.assessments.views import _SECTION_QUESTIONS
    from dpia.publication.views.register import _LISTINGS

    _LISTINGS.clear()
    _SECTION_QUESTIONS.clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `postgresql_only` (a real server process to kill, say) keeps only its PostgreSQL
    instances; the SQLite ones are deselected, so the run has no skipped tests."""
    sqlite_only = [item for item in items if item.get_closest_marker("postgresql_only")
                   and "sqlite" in getattr(getattr(item, "callspec", None), "params", {}).values()]
    if sqlite_only:
        config.hook.pytest_deselected(items=sqlite_only)
        items[:] = [item for item in items if item not in sqlite_only]
