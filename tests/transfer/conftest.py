"""Fixtures for the transfer tests: a valid export file of the demo's published assessment, and one of an
assessment with evidence files, each made once per backend in a database (and attachment store) of its
own, so each test starts from an empty database, an empty store (`attachments_dir`) and the file."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dpia.core.extensions import db as _db
from dpia.demo.services import PUBLISHED_REFERENCE, load_demo
from tests import factories
from tests.attachments import conftest as attachments_conftest
from tests.factories import own_database_app
from tests.transfer.builders import EVIDENCE, NOW, build_evidence, export

# The attachments tests' fixture: files stored by a test go to a directory of its own.
attachments_dir = attachments_conftest.attachments_dir


@pytest.fixture(scope="session")
def published_file(backend, tmp_path_factory) -> bytes:
    with own_database_app(backend, tmp_path_factory.mktemp("demo")) as source, source.app_context():
        load_demo(now=NOW)
        _db.session.commit()
        return export(PUBLISHED_REFERENCE)


@pytest.fixture()
def valid_file(db, published_file) -> bytes:
    """The export of the demo's published assessment, for a test database that does not hold it yet."""
    return published_file


@pytest.fixture()
def valid_document(valid_file) -> dict[str, Any]:
    """The same file as a document, to be spoiled by a test."""
    return json.loads(valid_file)


@pytest.fixture(scope="session")
def evidence_export(backend, tmp_path_factory) -> bytes:
    store = tmp_path_factory.mktemp("evidence-files")
    with own_database_app(backend, tmp_path_factory.mktemp("evidence"), ATTACHMENTS_DIR=str(store)) as source, \
            source.app_context():
        build_evidence(factories.Publisher())
        _db.session.commit()
        return export(EVIDENCE)


@pytest.fixture()
def evidence_file(db, attachments_dir, evidence_export) -> bytes:
    """The export of an assessment with two revisions of two evidence files each, for an empty database
    whose attachment store is the test's own (empty) directory."""
    return evidence_export
