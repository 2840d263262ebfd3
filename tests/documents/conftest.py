"""Fixtures for stored exports: a draft of the all-types questionnaire with its author signed in, spies
on the PDF and Word builders, and the worker run the way `flask dpia worker --once` runs it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.core.clock import set_clock
from dpia.core.extensions import db
from dpia.documents.docx import builder as docx_builder
from dpia.documents.models import StoredExport
from dpia.documents.pdf import builder
from dpia.documents.services import exports
from tests import factories
from tests.cli import run
from tests.web import as_user


@dataclass
class BuilderSpy:
    """Counts a builder's calls (the PDF's unless told), and fails them while `error` is set."""

    calls: int = 0
    error: Exception | None = None
    real: Callable[..., bytes] = field(default=builder.build_pdf)

    def __call__(self, *args, **kwargs) -> bytes:  # noqa: ANN002, ANN003
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.real(*args, **kwargs)


@pytest.fixture()
def builds(monkeypatch: pytest.MonkeyPatch) -> BuilderSpy:
    spy = BuilderSpy()
    monkeypatch.setattr(exports, "build_pdf", spy)
    return spy


@pytest.fixture()
def docx_builds(monkeypatch: pytest.MonkeyPatch) -> BuilderSpy:
    """The same spy on the Word builder."""
    spy = BuilderSpy(real=docx_builder.build_docx)
    monkeypatch.setattr(exports, "build_docx", spy)
    return spy


@dataclass
class Draft:
    publisher: factories.Publisher
    revision: Revision
    author: User
    client: FlaskClient

    @property
    def url(self) -> str:
        return f"/assessments/{self.revision.assessment.reference}/revisions/{self.revision.number}.pdf"

    def edit(self, aims: str) -> None:
        self.publisher.answer(self.revision, aims=aims)
        factories.commit()


@pytest.fixture()
def draft(app: Flask, db: object, clock: factories.SettableClock) -> Draft:
    publisher = factories.Publisher()
    revision = publisher.draft(title="Number plate cameras on the bypass", aims="Read number plates")
    author = publisher.author(revision.assessment.team)
    factories.commit()
    return Draft(publisher, revision, author, as_user(app, author))


@pytest.fixture()
def work(app: Flask, db: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], str]:
    """`flask dpia worker --once`; returns what it printed."""
    monkeypatch.setitem(app.config, "MAIL_INBOX_DIR", str(tmp_path / "inbox"))

    def once() -> str:
        result = run(app, "worker", "--once")
        assert result.exit_code == 0, result.output
        return result.output

    return once


@pytest.fixture(scope="session")
def exports_database_app(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a database of its own whose transactions really commit, for races between sessions."""
    with factories.own_database_app(backend, tmp_path_factory.mktemp(f"exports-{backend}")) as app:
        yield app


@pytest.fixture()
def committed_draft(exports_database_app: Flask) -> Iterator[tuple[Flask, Revision, User]]:
    """A committed draft and its author, with an app context open; its exports are deleted afterwards."""
    app = exports_database_app
    set_clock(app, factories.SettableClock(factories.CLOCK))
    with app.app_context():
        publisher = factories.Publisher()
        revision = publisher.draft(title="Cameras at the ferry port", aims="Read plates at the port")
        author = publisher.author(revision.assessment.team)
        db.session.commit()
        yield app, revision, author
        db.session.rollback()
        db.session.execute(delete(StoredExport))
        db.session.commit()
    set_clock(app, None)
