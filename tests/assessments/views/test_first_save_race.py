"""Two people saving a section nobody has saved yet, at the same moment, on real connections: one save
wins and the other gets the conflict page with their text kept, never an error page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from dpia.assessments.models import Answer, SectionSave
from dpia.core.extensions import db
from tests import factories
from tests.assessments.views.test_filling_in import form_data
from tests.databases import backends
from tests.races import run_at_once
from tests.web import sign_in

PATH = "/assessments/DPIA-2026-300/revisions/1/sections/basics"


@pytest.fixture(params=backends())
def race_app(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[Flask, list[str]]]:  # noqa: ANN001
    """An app on a database of its own (every request really commits), with two team members' emails."""
    with factories.own_database_app(request.param, tmp_path) as app:
        with app.app_context():
            team = factories.create_team()
            factories.create_assessment(team, reference="DPIA-2026-300",
                                        version=factories.create_questionnaire_version())
            emails = [factories.create_user(teams=(team,), name=name).email for name in ("Ann One", "Ben Two")]
            db.session.commit()
        yield app, emails


def test_the_loser_of_a_first_save_race_sees_the_conflict_page_with_their_text(race_app):
    app, emails = race_app
    clients, forms = [], []
    for n, email in enumerate(emails):
        client = app.test_client()
        assert sign_in(client, email, factories.PASSWORD).status_code == 302
        clients.append(client)
        forms.append(form_data(client, PATH, **{"basics.aims": f"Aims typed by person {n}", "basics.name": "X"}))
    assert {form["lock_version"] for form in forms} == {"0"}

    responses: dict[int, object] = {}

    def save(n: int) -> None:
        responses[n] = clients[n].post(PATH, data=forms[n])

    # Both saves must find the section unsaved before either inserts its counter.
    concurrent = run_at_once(app, [lambda: save(0), lambda: save(1)], inserting=SectionSave)

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [302, 409]
    loser = next(n for n, response in responses.items() if response.status_code == 409)
    body = responses[loser].get_data(as_text=True)
    assert "saved this section after you opened it" in body
    assert f"Aims typed by person {loser}" in body
    if concurrent:  # the loser's insert met the winner's counter: the unique-key path, not the counter check
        assert "Someone else saved this section after you opened it" in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SectionSave)) == 1
        aims = db.session.scalar(select(Answer.value).where(Answer.question_key == "basics.aims"))
        assert aims == f"Aims typed by person {1 - loser}"
