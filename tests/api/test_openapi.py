"""The OpenAPI document: valid OpenAPI 3.1, generated from the routes (none missing), and the live
app answering as it says (schemathesis, every check, a bounded and repeatable run)."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from sqlalchemy import select

from dpia.accounts.models import User
from dpia.core.extensions import db
from tests.api.conftest import bearer, issue_token


def test_the_document_is_valid_openapi_3_1_and_public(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any departure from the OpenAPI 3.1 schema


def test_every_api_route_is_in_the_document(app, client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")]
    assert len(rules) >= 11
    for rule in rules:
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        assert path in paths, f"{rule.endpoint} ({rule.rule}) is missing from the document"
        operation = paths[path]["get"]
        assert operation["operationId"] == rule.endpoint.removeprefix("api.")
        assert {p["name"] for p in operation["parameters"] if p["in"] == "path"} == set(rule.arguments)
    assert len(paths) == len(rules)


def test_each_operation_names_the_scope_it_needs(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    publication = paths["/api/assessments/{reference}/revisions/{number}/publication"]["get"]
    assert publication["security"] == [{"token": ["publication:read"]}]
    assert paths["/api/assessments"]["get"]["security"] == [{"token": ["assessments:read"]}]
    assert paths["/api/openapi.json"]["get"]["security"] == []


@pytest.fixture()
def fuzz_token(demo) -> str:
    dpo = db.session.scalar(select(User).where(User.email == "dpo@demo.test"))
    return issue_token(dpo)


# Bounded and repeatable: a fixed number of examples, derandomized, no example database.
FUZZ = settings(max_examples=40, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))


def test_schemathesis_finds_no_failure(app, fuzz_token):
    """Every operation with every check schemathesis has, positive and negative data: once on the
    demo's real revision (so answers are full documents) and once with any reference and number."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    statuses: list[int] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for path_parameters in ({"reference": "DPIA-2017-004", "number": 2}, None):

            @given(case=schema.as_strategy(generation_mode=mode, path_parameters=path_parameters))
            @FUZZ
            def run(case) -> None:  # noqa: ANN001
                statuses.append(case.call_and_validate(headers=bearer(fuzz_token)).status_code)

            run()
    assert {200, 404} <= set(statuses)
