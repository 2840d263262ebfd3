"""One transaction per request and per CLI command.

Views and commands never commit. A request's work is committed once, after the view has answered
without an error (a status below 400); anything else rolls it back. A few answers must keep their
changes although they are errors: a refused sign-in still counts towards the throttle, so its view
calls `keep_changes_on_error()`. Work that must only happen once the change is durable (waking the
worker, sending a message) is registered with `after_commit` and runs after the commit succeeds; a
rollback discards it.

A view that calls a service and wants to show a page when it fails wraps the call in `attempt()`:
a savepoint, so a failed flush leaves the rest of the request's session usable.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, Response, g
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from dpia.core.extensions import db

log = logging.getLogger(__name__)

_HOOKS = "dpia.after_commit"
_KEEP = "dpia_keep_changes_on_error"
F = TypeVar("F", bound=Callable[..., Any])


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction has committed; never if it rolls back."""
    db.session.info.setdefault(_HOOKS, []).append(callback)


def commit() -> None:
    """Commit the unit of work and run its after-commit callbacks (the edges call this, nothing else)."""
    db.session.commit()
    for callback in db.session.info.pop(_HOOKS, []):
        callback()


def rollback() -> None:
    """Undo the unit of work; its after-commit callbacks are dropped."""
    db.session.info.pop(_HOOKS, None)
    try:
        db.session.rollback()
    except DBAPIError:  # the connection itself may be gone; the pool replaces it
        log.warning("rollback failed: %s", "the database connection was lost")


def reads_outside_a_transaction() -> None:
    """On PostgreSQL, run this request's statements in autocommit: no BEGIN and no COMMIT round trip.

    Only for requests that read and never write (the public register's pages). At READ COMMITTED
    every statement takes its own snapshot anyway, so nothing a page sees changes; a request that
    wrote here would commit each statement on its own, so writers must never call this.
    Call it before the request's first statement; SQLite is left as it is.
    """
    session = db.session()
    bind = session.get_bind()
    # Only a connection the session takes from the engine itself; one it was handed (bound to a
    # caller's transaction) keeps its transaction.
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def keep_changes_on_error() -> None:
    """Commit this request's changes even though its answer is an error (e.g. a throttled sign-in)."""
    setattr(g, _KEEP, True)


@contextmanager
def attempt() -> Iterator[None]:
    """Run a service call inside a savepoint: when it raises, only its own writes (and the after-commit
    work it registered) are undone, and the session stays usable for the page that explains the failure."""
    hooks = db.session.info.setdefault(_HOOKS, [])
    registered = len(hooks)
    try:
        with db.session.begin_nested():
            yield
    except BaseException:
        del hooks[registered:]
        raise


def _finish_request(response: Response) -> Response:
    from dpia.core.error_pages import render_error

    if response.status_code >= 400 and not g.get(_KEEP):
        rollback()
        return response
    try:
        commit()
    except OperationalError:
        log.error("commit failed: the database is unavailable")
        rollback()
        body, code = render_error(503)
        return Response(body, status=code, mimetype="text/html")
    except (IntegrityError, StaleDataError):
        # Someone else's change reached the database first (two first saves of one record).
        rollback()
        body, code = render_error(409)
        return Response(body, status=code, mimetype="text/html")
    return response


def _end_request(error: BaseException | None) -> None:
    if error is not None:
        rollback()


def init_app(app: Flask) -> None:
    """Commit or roll back every request exactly once.

    Registered after the other `after_request` hooks so that it runs first (Flask runs them in
    reverse), and so an error page made from a failed commit still gets the security headers.
    """
    app.after_request(_finish_request)
    app.teardown_request(_end_request)


def in_transaction(function: F) -> F:
    """Wrap a CLI command: commit once when it returns, roll back when it raises or exits."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = function(*args, **kwargs)
        except BaseException:
            rollback()
            raise
        commit()
        return result

    return wrapper  # type: ignore[return-value]
