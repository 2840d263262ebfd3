"""One transaction per request and per command: committed once at the end of a success, rolled back
otherwise, with after-commit work that runs only once the change is durable."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from dpia.accounts.models import Team
from dpia.core import security
from dpia.core.cli import TransactionalGroup, fail
from dpia.core.errors import ConflictError
from dpia.core.extensions import db
from dpia.core.transaction import after_commit, attempt, keep_changes_on_error, outside_a_transaction, reads_only
from tests import factories
from tests.databases import backends, fresh_database


@pytest.fixture(params=backends())
def app(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator[tuple[Flask, list[str]]]:  # noqa: ANN001
    """An app on a database of its own, with routes that write a team and then succeed or fail."""
    monkeypatch.setattr(security, "PUBLIC_ENDPOINTS",
                        security.PUBLIC_ENDPOINTS | {"ok", "refused", "raises", "throttled", "attempted", "reads",
                                                                 "marked_but_writes"})
    with fresh_database(request.param, tmp_path) as url:
        app = factories.make_app(url, TESTING=False, WTF_CSRF_ENABLED=False)
        woken: list[str] = []

        def write(name: str) -> None:
            db.session.add(Team(name=name, created_at=factories.NOW))
            db.session.flush()
            after_commit(lambda: woken.append(name))

        @app.post("/ok")
        def ok():
            write("ok")
            return "done"

        @app.post("/refused")
        def refused():
            write("refused")
            return "no", 400

        @app.post("/raises")
        def raises():
            write("raises")
            raise RuntimeError("boom")

        @app.post("/throttled")
        def throttled():
            write("throttled")
            keep_changes_on_error()
            return "slow down", 429

        @app.post("/attempted")
        def attempted():
            try:
                with attempt():
                    write("inside")
                    raise ConflictError("someone else was first")
            except ConflictError:
                write("after")
            return "shown"

        @app.route("/reads", methods=["GET", "POST"])
        @reads_only
        def reads():
            db.session.scalars(select(Team.name)).all()
            return "outside" if outside_a_transaction() else "inside"

        @app.get("/marked-but-writes")
        @reads_only
        def marked_but_writes():
            write("marked")
            return "written"

        group = TransactionalGroup("t")

        @group.command("good")
        def good():
            write("command")
            click.echo("made")

        @group.command("bad")
        def bad():
            write("failed command")
            fail("that cannot be done")

        app.cli.add_command(group)
        with app.app_context():
            upgrade()
        yield app, woken
        with app.app_context():
            db.engine.dispose()


def team_names(app: Flask) -> list[str]:
    with app.app_context():
        names = list(db.session.scalars(select(Team.name).order_by(Team.name)))
        db.session.remove()
        return names


def test_a_successful_request_commits_once_and_then_runs_its_after_commit_work(app):
    flask_app, woken = app
    response = flask_app.test_client().post("/ok")
    assert response.status_code == 200
    assert team_names(flask_app) == ["ok"]
    assert woken == ["ok"]


@pytest.mark.parametrize(("path", "status"), [("/refused", 400), ("/raises", 500)])
def test_an_error_answer_rolls_everything_back_and_drops_the_after_commit_work(app, path, status):
    flask_app, woken = app
    assert flask_app.test_client().post(path).status_code == status
    assert team_names(flask_app) == []
    assert woken == []


def test_an_error_that_must_keep_its_changes_says_so(app):
    flask_app, woken = app
    assert flask_app.test_client().post("/throttled").status_code == 429
    assert team_names(flask_app) == ["throttled"]
    assert woken == ["throttled"]


def test_attempt_undoes_only_the_failed_call(app):
    flask_app, woken = app
    assert flask_app.test_client().post("/attempted").status_code == 200
    assert team_names(flask_app) == ["after"]
    assert woken == ["after"]


def test_a_command_commits_once_or_rolls_back_when_it_fails(app):
    flask_app, woken = app
    runner = flask_app.test_cli_runner()
    good = runner.invoke(args=["t", "good"])
    assert good.exit_code == 0 and "made" in good.output
    bad = runner.invoke(args=["t", "bad"])
    assert bad.exit_code == 1 and "Error: that cannot be done" in bad.output
    assert team_names(flask_app) == ["command"]
    assert woken == ["command"]


def test_a_view_marked_reads_only_answers_get_outside_a_transaction_on_postgresql(app):
    """No BEGIN and no COMMIT round trip for its GET; its POST keeps a transaction; SQLite is as it was."""
    flask_app, _woken = app
    client = flask_app.test_client()
    postgresql = flask_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert client.get("/reads").get_data(as_text=True) == ("outside" if postgresql else "inside")
    assert client.post("/reads").get_data(as_text=True) == "inside"


@pytest.mark.postgresql_only  # SQLite keeps its transaction, so the write is allowed there
def test_a_view_marked_reads_only_that_writes_is_stopped_before_it_writes(app):
    """In autocommit a write would commit on its own, without the rest of its unit of work."""
    flask_app, woken = app
    assert flask_app.test_client().get("/marked-but-writes").status_code == 500
    assert team_names(flask_app) == []
    assert woken == []
