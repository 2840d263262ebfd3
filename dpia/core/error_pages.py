"""Error pages: generic text, no tracebacks, the right status code; with the database down, the 503
page, made without asking the database anything."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from dpia.core.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ThrottledError,
    ValidationError,
)
from dpia.core.extensions import login_manager
from dpia.core.security_log import log_security_event
from dpia.core.transaction import rollback

log = logging.getLogger(__name__)

ERROR_TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    409: "Someone else changed this first",
    413: "What you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}
ERROR_HELP = {
    400: "Go back, check what you entered and try again.",
    403: "If you think you should have access, ask your administrator.",
    404: "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
    405: "Go back and use the buttons on the page.",
    409: "Reload the page to see the latest version, then make your change again.",
    413: "Make the text or file smaller and try again.",
    429: "Wait a minute and try again.",
    500: "Try again later. What you were doing has not been saved.",
    503: "Try again in a few minutes.",
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    if code == 503:
        _show_as_signed_out()
    return (
        render_template("errors/error.html", code=code, title=ERROR_TITLES.get(code, ERROR_TITLES[500]),
                        detail=detail, help_text=ERROR_HELP.get(code, ERROR_HELP[500])),
        code,
    )


def _show_as_signed_out() -> None:
    """The database is unavailable, so the page must not ask it who is signed in (the user loader reads
    the session row; a rolled-back account's name would be reloaded): the 503 page is the signed-out one."""
    g._login_user = login_manager.anonymous_user()  # Flask-Login's per-request user


def _database_unavailable(error: OperationalError) -> tuple[str, int]:
    log.error("database unavailable: %s", type(error.orig).__name__)
    rollback()
    return render_error(503)


def _actor_id() -> int | None:
    """The signed-in account's id, if any (Flask-Login keeps it as a string)."""
    if not current_user.is_authenticated:
        return None
    identifier = current_user.get_id()
    return int(identifier) if identifier and identifier.isdigit() else None


def _loggable_path() -> str:
    """The request path without its query string, and with the value of any route variable named
    like a token or secret (a single-use link's) replaced by the variable's name."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if any(word in name for word in ("token", "secret")) and isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


def _log_refused(event: str, **details: str) -> None:
    log_security_event(event, outcome="denied", actor=_actor_id(), object=_loggable_path(),
                       method=request.method, **details)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        _log_refused("csrf_failed", reason=error.description)
        return render_error(400, "The form had expired or did not come from this service. "
                                 "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if isinstance(getattr(error, "original_exception", None), OperationalError):
            # An error page (e.g. the CSRF one) needed the database to say who is signed in: it is down.
            return _database_unavailable(error.original_exception)
        # `abort(400, "message")` carries a message written for the user; werkzeug's defaults are not.
        custom = error.description if error.description != type(error).description else None
        if error.code == 403:
            _log_refused("authorisation_denied")
        return render_error(error.code, custom)

    @app.errorhandler(PermissionDeniedError)
    def permission_denied(error: PermissionDeniedError):
        _log_refused("authorisation_denied")
        rollback()
        return render_error(403, str(error) or None)

    @app.errorhandler(NotFoundError)
    def not_found(error: NotFoundError):
        rollback()
        return render_error(404)

    @app.errorhandler(ValidationError)
    def invalid(error: ValidationError):
        rollback()
        return render_error(400, str(error))

    @app.errorhandler(ConflictError)
    def conflict(error: ConflictError):
        rollback()
        return render_error(409, str(error))

    @app.errorhandler(InvalidTransitionError)
    def invalid_transition(error: InvalidTransitionError):
        rollback()
        return render_error(409, str(error))

    @app.errorhandler(ThrottledError)
    def throttled(error: ThrottledError):
        return render_error(429, str(error))

    app.errorhandler(OperationalError)(_database_unavailable)

    @app.errorhandler(IntegrityError)
    def concurrent_change(error: IntegrityError):
        """Two requests checked the same thing was free (a team name, an e-mail address, an identity) and
        both wrote it: the database's unique constraint let one through. The other gets the conflict page,
        on PostgreSQL as on SQLite, whichever service made the write, rather than a 500."""
        log.warning("a concurrent change won: %s", type(error.orig).__name__)
        rollback()
        return render_error(409)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if app.testing:
            raise error  # let the test runner show the traceback
        log.exception("unhandled error")
        rollback()
        return render_error(500)
