"""Helpers for the read API's tests: a token for a person, and requests that carry it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from dpia.accounts.models import User
from dpia.api.rules import Scope
from dpia.api.services.tokens import create_token
from dpia.core.extensions import db
from tests import factories, log_canaries

ALL_SCOPES = tuple(scope.value for scope in Scope)


def issue_token(user: User, *, scopes: tuple[str, ...] = ALL_SCOPES, days: int = 90, limit: int = 6000,
                name: str = "Intranet register") -> str:
    """Make and commit a token for `user`; returns the secret (remembered by the log canary)."""
    made = create_token(actor=user, now=factories.NOW, name=name, scopes=scopes, days=days, rate_limit=limit)
    db.session.commit()
    log_canaries.remember(made.secret)
    return made.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def api_get(client: FlaskClient) -> Callable[..., Any]:
    """`api_get(path, secret, **query)`: a GET with the token, through the test client."""

    def get(path: str, secret: str | None, **query: Any):  # noqa: ANN202
        return client.get(path, headers=bearer(secret) if secret else {}, query_string=query)

    return get
