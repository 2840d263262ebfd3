"""Personal access tokens: stored only as a hash, bounded lifetimes and scopes, revocation, and the
per-token rate limit counted in the database (also under concurrent requests on real connections)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.api.models import ApiToken, ApiUsage
from dpia.api.rules import bearer_token, page_request, retry_after, window_start
from dpia.api.services.tokens import authenticate, create_token, hash_token, revoke_token
from dpia.core.clock import set_clock
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.extensions import db
from tests import factories, log_canaries
from tests.api.conftest import bearer, issue_token
from tests.databases import backends


def test_only_the_hash_and_a_short_prefix_are_stored(db):
    person = factories.create_user()
    made = create_token(actor=person, now=factories.NOW, name="Intranet", scopes=["assessments:read"], days=90)
    log_canaries.remember(made.secret)
    row = db.session.get(ApiToken, made.row.id)
    assert made.secret.startswith("dpia_") and len(made.secret) == 48
    assert row.token_hash == hash_token(made.secret) and made.secret not in (row.token_hash, row.visible_prefix)
    assert made.secret.startswith(row.visible_prefix) and len(row.visible_prefix) == 13
    assert row.expires_at == factories.NOW + timedelta(days=90)
    assert row.scopes == ["assessments:read"] and row.rate_limit_per_minute == 60


@pytest.mark.parametrize(("changes", "message"), [
    ({"days": 0}, "from 1 to 365 days"), ({"days": 366}, "from 1 to 365 days"),
    ({"scopes": []}, "at least one"), ({"scopes": ["assessments:write"]}, "from the list"),
    ({"name": "  "}, "Enter a name"), ({"name": "x" * 101}, "100 characters"), ({"rate_limit": 0}, "limit"),
])
def test_bad_tokens_are_refused(db, changes, message):
    values = {"name": "Intranet", "scopes": ["assessments:read"], "days": 90, **changes}
    with pytest.raises(ValidationError, match=message):
        create_token(actor=factories.create_user(), now=factories.NOW, **values)


def test_only_the_owner_revokes_a_token_and_twice_is_harmless(db):
    owner, other = factories.create_user(), factories.create_user()
    secret = issue_token(owner)
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(secret)))
    with pytest.raises(NotFoundError):
        revoke_token(actor=other, now=factories.NOW, token_id=token_id)
    first = revoke_token(actor=owner, now=factories.NOW, token_id=token_id).revoked_at
    assert revoke_token(actor=owner, now=factories.NOW + timedelta(hours=1), token_id=token_id).revoked_at == first
    with pytest.raises(NotFoundError):
        revoke_token(actor=owner, now=factories.NOW, token_id=token_id + 1000)


def test_authenticate_counts_each_request_in_its_window(db):
    secret = issue_token(factories.create_user(), limit=2)
    now = factories.NOW.replace(second=10)
    counts = [authenticate(secret, now=now)[2] for _ in range(3)]
    assert [usage.used for usage in counts] == [1, 2, 3]
    assert [usage.exceeded for usage in counts] == [False, False, True]
    assert counts[2].retry_after == 50 and counts[0].remaining == 1
    later = authenticate(secret, now=now + timedelta(minutes=1))[2]
    assert later.used == 1 and not later.exceeded
    assert db.session.scalar(select(func.count()).select_from(ApiUsage)) == 1  # the old window is cleared


def test_last_use_is_recorded(db):
    secret = issue_token(factories.create_user())
    token, _, _ = authenticate(secret, now=factories.NOW)
    db.session.refresh(token)
    assert token.last_used_at == factories.NOW


def test_rules_of_windows_headers_and_pages():
    moment = factories.NOW.replace(second=59, microsecond=500)
    assert window_start(moment) == factories.NOW.replace(second=0)
    assert retry_after(moment) == 1
    assert bearer_token(None) is None and bearer_token("Basic x") == "" and bearer_token("bearer  abc ") == "abc"
    assert page_request({}) == (1, 20) and page_request({"page": "3", "per_page": "100"}) == (3, 100)
    for bad in ({"page": "0"}, {"per_page": "101"}, {"page": "²"}, {"extra": "1"}):
        with pytest.raises(ValidationError):
            page_request(bad)


def test_over_the_limit_is_a_429_with_retry_after(client, db, clock):
    secret = issue_token(factories.create_user(), limit=3)
    statuses = [client.get("/api/assessments", headers=bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/assessments", headers=bearer(secret))
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == str(retry_after(factories.CLOCK))
    assert refused.headers["RateLimit-Remaining"] == "0"
    clock.set(factories.CLOCK + timedelta(minutes=1))
    assert client.get("/api/assessments", headers=bearer(secret)).status_code == 200


def test_refused_requests_still_count(client, db, clock):
    """A 404 is rolled back like any error, but its count stands (a client cannot probe for free)."""
    secret = issue_token(factories.create_user(), limit=2)
    assert client.get("/api/assessments/NOPE", headers=bearer(secret)).status_code == 404
    assert client.get("/api/assessments/NOPE", headers=bearer(secret)).status_code == 404
    assert client.get("/api/assessments", headers=bearer(secret)).status_code == 429


@pytest.fixture(params=backends())
def race_app(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[Flask, str]]:  # noqa: ANN001
    with factories.own_database_app(request.param, tmp_path) as app:
        with app.app_context():
            secret = issue_token(factories.create_user(Role.REVIEWER, mfa=False), limit=5)
        set_clock(app, factories.SettableClock(factories.CLOCK))  # all twelve in one window
        yield app, secret


def test_concurrent_requests_each_get_their_own_count(race_app):
    """Twelve requests at once on real connections against a limit of 5: the atomic upsert lets
    exactly 5 through, and the window's row holds all 12, on SQLite and PostgreSQL."""
    app, secret = race_app
    start = threading.Barrier(12, timeout=10)
    statuses: list[int] = []

    def call() -> None:
        client = app.test_client()
        start.wait()
        statuses.append(client.get("/api/assessments", headers=bearer(secret)).status_code)

    threads = [threading.Thread(target=call) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * 5 + [429] * 7
    with app.app_context():
        assert db.session.scalar(select(func.sum(ApiUsage.requests))) == 12
        db.session.remove()


def test_an_operator_changes_a_tokens_limit_and_revokes_a_persons_tokens(app, db):
    from tests.cli import run

    person = factories.create_user(email="reports@example.test")
    secret = issue_token(person)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    result = run(app, "api-token-limit", str(token.id), "600")
    assert result.exit_code == 0 and "600 requests a minute" in result.output
    db.session.refresh(token)
    assert token.rate_limit_per_minute == 600
    assert run(app, "api-token-limit", str(token.id), "0").exit_code == 1
    assert run(app, "api-token-limit", "999999", "10").exit_code == 1
    result = run(app, "revoke-api-tokens", "reports@example.test")
    assert result.exit_code == 0 and "Revoked 1 API token of" in result.output
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert run(app, "revoke-api-tokens", "nobody@example.test").exit_code == 1
