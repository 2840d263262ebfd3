"""Fixtures for the review services' tests: a team's author, a reviewer, a DPO and an approver, and a
draft revision complete enough to submit."""

import pytest

from dpia.accounts.rules import Role
from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import load_content
from tests import factories

NOW = factories.NOW


@pytest.fixture()
def people(db):
    team = factories.create_team()
    return {
        "team": team,
        "author": factories.create_user(teams=(team,), name="Alex Author"),
        "reviewer": factories.create_user(Role.REVIEWER, name="Riley Reviewer"),
        "dpo": factories.create_user(Role.DPO, name="Dana Protection"),
        "approver": factories.create_user(Role.APPROVER, name="Avery Approver"),
    }


@pytest.fixture()
def revision(db, people):
    assessment = factories.create_assessment(people["team"], version=factories.create_questionnaire_version())
    revision = assessment.revisions[0]
    save_section(actor=people["author"], now=NOW, content=load_content(revision), section_key="basics",
                 raw={"basics.aims": "Find people", "basics.name": "Trial", "basics.children": "no"},
                 expected_lock=0)
    factories.complete(revision, people["author"])
    return revision
