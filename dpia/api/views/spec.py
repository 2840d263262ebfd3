"""The OpenAPI 3.1 document, built by apispec from the routes themselves.

Each endpoint declares its operation (summary, scope, response schema) with `documented`, next to
the view; the document walks `app.url_map`, so a route cannot be added, renamed or given a new
parameter without the document following, and an undocumented endpoint is refused by the blueprint.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from apispec import APISpec
from flask import Flask, current_app, jsonify

from dpia.api.rules import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, Scope
from dpia.api.views import PROBLEM, bp

F = TypeVar("F", bound=Callable[..., Any])
MAX_INT = 2**31 - 1
REFERENCE = {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
             "examples": ["DPIA-2017-004"]}
PATH_PARAMETERS = {
    "reference": {"description": "The assessment's reference", "schema": REFERENCE},
    "number": {"description": "The revision's number", "schema": {"type": "integer", "minimum": 1,
                                                                   "maximum": MAX_INT}},
}
PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "required": False, "description": "Which page, from 1",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
    {"name": "per_page", "in": "query", "required": False, "description": "Items per page",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}},
]
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}},
}
ERRORS = {
    "400": "A query parameter is not valid",
    "401": "No token, or a token that is unknown, expired or revoked, or whose account is deactivated",
    "403": "The token lacks the scope this endpoint needs",
    "404": "No such thing, or the token's owner may not see it (the same answer)",
    "429": "The token has made more requests this minute than its limit",
}


@dataclass(frozen=True)
class Operation:
    """One documented GET operation."""

    summary: str
    response: dict[str, Any]
    scope: Scope | None = Scope.ASSESSMENTS_READ
    paginated: bool = False
    description: str = ""
    tags: tuple[str, ...] = field(default=())


def documented(summary: str, response: dict[str, Any], **options: Any) -> Callable[[F], F]:
    """Declare a view's operation: the blueprint checks its scope, and the document describes it."""

    def decorate(view: F) -> F:
        view.api_operation = Operation(summary, response, **options)  # type: ignore[attr-defined]
        return view

    return decorate


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    """The schema of one page of `item`s, with the links to its neighbours."""
    link = {"type": ["string", "null"], "description": "The path and query of that page, or null"}
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "next", "prev"],
        "properties": {"items": {"type": "array", "items": item}, "page": {"type": "integer", "minimum": 1},
                       "per_page": {"type": "integer", "minimum": 1}, "total": {"type": "integer", "minimum": 0},
                       "next": link, "prev": link},
    }


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def _rate_headers() -> dict[str, Any]:
    integer = {"schema": {"type": "integer"}}
    return {"RateLimit-Limit": {"description": "Requests the token may make a minute", **integer},
            "RateLimit-Remaining": {"description": "Requests left in this minute", **integer},
            "RateLimit-Reset": {"description": "Seconds until the minute ends", **integer}}


def _operation(endpoint: str, operation: Operation, arguments: set[str]) -> dict[str, Any]:
    parameters = [{"name": name, "in": "path", "required": True, **copy.deepcopy(PATH_PARAMETERS[name])}
                  for name in sorted(arguments)]
    if operation.paginated:
        parameters += copy.deepcopy(PAGE_PARAMETERS)
    responses: dict[str, Any] = {
        "200": {"description": "OK", "headers": _rate_headers() if operation.scope else {},
                "content": {"application/json": {"schema": operation.response}}},
    }
    errors = ERRORS if operation.scope else {"400": ERRORS["400"]}
    for code, text in errors.items():
        responses[code] = {"description": text,
                           "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    responses.get("401", {})["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}}
    responses.get("429", {})["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "required": True,
                                                           "description": "Seconds to wait"}}
    result: dict[str, Any] = {"operationId": endpoint.removeprefix("api."), "summary": operation.summary,
                              "parameters": parameters, "responses": responses}
    if operation.description:
        result["description"] = operation.description
    if operation.tags:
        result["tags"] = list(operation.tags)
    result["security"] = [{"token": [operation.scope.value]}] if operation.scope else []
    return result


def build_spec(app: Flask) -> dict[str, Any]:
    """The document, from every rule of the `api` blueprint."""
    spec = APISpec(title="dpia read API", version="1.0.0", openapi_version="3.1.0",
                   info={"description": "Read the assessments you may see, with a personal access token. "
                                        "See docs/api.md."})
    spec.components.security_scheme("token", {
        "type": "http", "scheme": "bearer",
        "description": "A personal access token from Your account > API tokens. Scopes: "
                       + ", ".join(f"`{scope.value}` ({scope.label})" for scope in Scope)})
    spec.components.schema("Problem", copy.deepcopy(PROBLEM_SCHEMA))
    rules = sorted((rule for rule in app.url_map.iter_rules()
                    if rule.endpoint.startswith("api.")), key=lambda r: r.rule)
    for rule in rules:
        operation = getattr(app.view_functions[rule.endpoint], "api_operation", None)
        if operation is None:
            raise LookupError(f"{rule.endpoint} has no documented operation")
        spec.path(path=_openapi_path(rule.rule),
                  operations={"get": _operation(rule.endpoint, operation, set(rule.arguments))})
    return spec.to_dict()


@cache
def _document(app: Flask) -> dict[str, Any]:
    return build_spec(app)


@bp.route("/openapi.json")
@documented("This document: the API in OpenAPI 3.1", {"type": "object"}, scope=None, tags=("meta",))
def openapi():
    return jsonify(_document(current_app._get_current_object()))
