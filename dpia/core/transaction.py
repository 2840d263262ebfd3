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

from flask import Flask, Response, current_app, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dpia.core.extensions import db

log = logging.getLogger(__name__)

_HOOKS = "dpia.after_commit"
_KEEP = "dpia_keep_changes_on_error"
_READS_ONLY = "dpia_reads_only"
_AUTOCOMMIT = "AUTOCOMMIT"
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

    Only for requests that read and never write (see `reads_only`). At READ COMMITTED every
    statement takes its own snapshot anyway, so nothing a page sees changes; a request that wrote
    here would commit each statement on its own, so an ORM flush is refused (`_refuse_flush`).
    Call it before the request's first statement; SQLite is left as it is.
    """
    session = db.session()
    bind = session.get_bind()
    # Only a connection the session takes from the engine itself; one it was handed (bound to a
    # caller's transaction) keeps its transaction.
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": _AUTOCOMMIT})


def outside_a_transaction() -> bool:
    """Whether the current unit of work runs in autocommit, where a savepoint cannot be taken and a
    single statement commits on its own (the one bookkeeping write a read-only page may make)."""
    session = db.session()
    return (session.in_transaction()
            and session.connection().get_execution_options().get("isolation_level") == _AUTOCOMMIT)


def reads_only(view: F) -> F:
    """Mark a view whose GET and HEAD answers only read: on PostgreSQL they run outside a transaction,
    signed in or not (two round trips fewer). Its other methods keep their transaction. Put it under
    the route decorator."""
    setattr(view, _READS_ONLY, True)
    return view


def _read_marked_views_outside_a_transaction() -> None:
    if request.method in ("GET", "HEAD") and getattr(current_app.view_functions.get(request.endpoint or ""),
                                                      _READS_ONLY, False):
        reads_outside_a_transaction()


def _refuse_flush(session: Session, _context: object, _instances: object) -> None:
    """An ORM write in autocommit would commit row by row, without its audit row: a programming
    error in a view marked `reads_only`, caught before anything is written."""
    if outside_a_transaction():
        raise RuntimeError("a view marked reads_only tried to write; remove the mark or the write")


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
    # First of all the before-request hooks: the sign-in check's session lookup is the first statement.
    app.before_request_funcs.setdefault(None, []).insert(0, _read_marked_views_outside_a_transaction)
    if not event.contains(db.session, "before_flush", _refuse_flush):  # one session class for every app
        event.listen(db.session, "before_flush", _refuse_flush)


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
