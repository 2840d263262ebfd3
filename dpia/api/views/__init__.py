"""The read API's blueprint: every call is authenticated by a personal access token, never by the
session cookie, answers JSON (errors too, as `application/problem+json`) and is never cached.

`dpia.core.security` lets this blueprint's endpoints past the session sign-in check, so the
blueprint checks the token itself, before any view runs: missing, unknown, expired or revoked
tokens and deactivated accounts get 401; a token without the endpoint's scope gets 403; a token
over its limit for the minute gets 429 with `Retry-After`. Endpoints without a documented operation
(see `spec.documented`) are refused, so the API is deny-by-default as the pages are.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from dpia.api.rules import bearer_token, looks_like_token
from dpia.api.services.tokens import TokenRefused, Usage, authenticate
from dpia.core import clock
from dpia.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from dpia.core.security_log import log_security_event
from dpia.core.transaction import keep_changes_on_error, rollback

bp = Blueprint("api", __name__, url_prefix="/api")

REALM = 'Bearer realm="dpia"'
PROBLEM = "application/problem+json"
# Endpoints that need no token: the description of the API.
OPEN_ENDPOINTS = frozenset({"api.openapi"})


def problem(status: int, detail: str, **headers: str) -> Response:
    """An RFC 9457 problem document."""
    titles = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
              405: "Method not allowed", 429: "Too many requests", 500: "Internal server error",
              503: "Service unavailable"}
    response = jsonify({"type": "about:blank", "title": titles.get(status, "Error"), "status": status,
                        "detail": detail})
    response.status_code = status
    response.mimetype = PROBLEM
    response.headers.update(headers)
    return response


def routing_problem() -> Response | None:
    """An address under /api that matches no route, or a method it does not take, answered as JSON
    (run from an app-wide hook: no blueprint is known for such a request, so it would get the HTML page)."""
    error = request.routing_exception
    if error is None:
        return None
    if isinstance(error, MethodNotAllowed):
        return problem(405, "The API only reads: use GET.", Allow=", ".join(sorted(error.valid_methods or ())))
    if isinstance(error, NotFound):
        return problem(404, "There is nothing at this address.")
    return None


def _unauthorized(detail: str, *, presented: bool) -> Response:
    challenge = f'{REALM}, error="invalid_token"' if presented else REALM
    return problem(401, detail, **{"WWW-Authenticate": challenge})


def _operation_of(endpoint: str | None) -> Any:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "api_operation", None)


@bp.before_request
def authenticate_token() -> Response | None:
    """Check the bearer token, count the request against the token's limit, then check the scope."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    operation = _operation_of(request.endpoint)
    if operation is None:  # deny by default: an endpoint nobody documented is not part of the API
        return problem(404, "There is nothing at this address.")
    secret = bearer_token(request.headers.get("Authorization"))
    if secret is None:
        return _unauthorized("Send a personal access token: Authorization: Bearer <token>.", presented=False)
    if not looks_like_token(secret):
        log_security_event("api_token_refused", outcome="denied", reason="malformed")
        return _unauthorized("The token is not a personal access token.", presented=True)
    now = clock.now()
    try:
        token, user, usage = authenticate(secret, now=now)
    except TokenRefused:
        return _unauthorized("The token is unknown, expired or revoked, or its account is deactivated.",
                             presented=True)
    keep_changes_on_error()  # the count stands whatever the answer, a refusal included
    g.api_token, g.api_user, g.api_usage = token, user, usage
    if usage.exceeded:
        return problem(429, f"This token may make {usage.limit} requests a minute. Try again later.",
                       **{"Retry-After": str(usage.retry_after)})
    if operation.scope is not None and operation.scope not in token.scope_set:
        log_security_event("api_scope_refused", outcome="denied", actor=user.id, object=f"api_token:{token.id}")
        challenge = f'{REALM}, error="insufficient_scope", scope="{operation.scope.value}"'
        return problem(403, f"This token does not have the {operation.scope.value} scope.",
                       **{"WWW-Authenticate": challenge})
    return None


@bp.after_request
def api_headers(response: Response) -> Response:
    """Nothing the API answers may be stored by a cache; the token's budget is told on every answer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    usage: Usage | None = g.get("api_usage")
    if usage is not None:
        response.headers["RateLimit-Limit"] = str(usage.limit)
        response.headers["RateLimit-Remaining"] = str(usage.remaining)
        response.headers["RateLimit-Reset"] = str(usage.retry_after)
    return response


def http_error(error: HTTPException) -> Response:
    code = error.code or 500
    custom = error.description if error.description != type(error).description else None
    headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
    return problem(code, custom or error.name, **headers)


# Flask prefers the app's handler for a status code over a blueprint's catch-all one, so the codes the
# app renders as HTML pages are claimed here one by one.
bp.register_error_handler(HTTPException, http_error)
for _code in (400, 401, 403, 404, 405, 406, 409, 413, 415, 429, 500, 503):
    bp.register_error_handler(_code, http_error)


@bp.errorhandler(NotFoundError)
def not_found(error: NotFoundError) -> Response:
    return problem(404, "There is nothing at this address, or you may not see it.")


@bp.errorhandler(PermissionDeniedError)
def forbidden(error: PermissionDeniedError) -> Response:
    log_security_event("authorisation_denied", outcome="denied", actor=getattr(g.get("api_user"), "id", None),
                       object=request.path, method=request.method)
    return problem(403, str(error))


@bp.errorhandler(ValidationError)
def bad_request(error: ValidationError) -> Response:
    return problem(400, str(error))


@bp.errorhandler(OperationalError)
def database_unavailable(error: OperationalError) -> Response:
    current_app.logger.error("database unavailable: %s", type(error.orig).__name__)
    rollback()
    return problem(503, "The service is unavailable. Try again in a few minutes.", **{"Retry-After": "30"})


@bp.errorhandler(Exception)
def unexpected(error: Exception) -> Response:
    if current_app.testing:
        raise error  # let the test runner show the traceback, as the pages do
    current_app.logger.exception("unhandled error in the API")
    rollback()
    return problem(500, "Sorry, there is a problem with the service.")


from dpia.api.views import endpoints, spec  # noqa: E402, F401 - registers the routes on `bp`
