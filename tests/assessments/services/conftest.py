"""Fixtures for the assessment services' tests."""

import pytest

from tests import factories


@pytest.fixture()
def setup(db):
    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    assessment = factories.create_assessment(team, version=factories.create_questionnaire_version())
    return author, assessment.revisions[0]
