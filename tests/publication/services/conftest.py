"""Fixtures for the publication services' tests."""

import pytest

from tests import factories


@pytest.fixture()
def setup(db):
    return factories.create_publication_setup()
