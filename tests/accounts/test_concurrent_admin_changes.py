"""Two administrators creating the same team at the same moment, on real connections: the database's
unique name lets one through, and the other gets the conflict page, never an error page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from dpia.accounts.models import Team
from dpia.accounts.rules import Role
from dpia.core.extensions import db
from tests import factories
from tests.databases import backends
from tests.races import run_at_once
from tests.web import csrf_token, sign_in


@pytest.fixture(params=backends())
def race_app(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[Flask, list[str]]]:  # noqa: ANN001
    with factories.own_database_app(request.param, tmp_path) as app:
        with app.app_context():
            emails = [factories.create_user(Role.ADMIN, name=name).email for name in ("Ada One", "Bo Two")]
            db.session.commit()
        yield app, emails


def test_of_two_admins_creating_one_team_at_once_one_wins_and_the_other_sees_a_conflict(race_app):
    app, emails = race_app
    clients, tokens = [], []
    for email in emails:
        client = app.test_client()
        assert sign_in(client, email, factories.PASSWORD).status_code == 302
        clients.append(client)
        tokens.append(csrf_token(client, "/admin/teams"))

    responses: dict[int, int] = {}

    def create(n: int) -> None:
        responses[n] = clients[n].post("/admin/teams", data={"name": "Roads policing",
                                                             "csrf_token": tokens[n]}).status_code

    # Both must find the name free before either inserts (SQLite queues writers instead).
    concurrent = run_at_once(app, [lambda: create(0), lambda: create(1)], inserting=Team)

    assert sorted(responses.values()) == ([302, 409] if concurrent else [302, 400])
    with app.app_context():
        assert db.session.scalar(select(func.count(Team.id)).where(Team.name == "Roads policing")) == 1
        db.session.remove()
