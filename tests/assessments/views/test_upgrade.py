"""Moving a draft onto a newer questionnaire version through the pages."""

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.models import Answer, Revision
from dpia.questionnaires.rules.schema import parse
from dpia.questionnaires.services import load_definition
from tests import factories
from tests.web import csrf_token

BASE = "/assessments/DPIA-2026-200/revisions/1"


@pytest.fixture()
def setup(db):
    v1 = factories.create_questionnaire_version()
    text = (factories.FIXTURES / "all-types.yaml").read_text()
    text = text.replace('version: "1"', 'version: "2"')
    text = text.replace("      - {key: basics.notice, label: Privacy notice, type: url}\n", "")
    text = text.replace("      - {key: basics.owner, label: Information asset owner, type: person}",
                        "      - {key: basics.owner, label: Information asset owner, type: person}\n"
                        "      - {key: basics.budget, label: Budget holder, type: short_text, required: true}")
    v2 = load_definition(parse(text, "v2.yaml"), now=factories.NOW).version
    team = factories.create_team()
    assessment = factories.create_assessment(team, reference="DPIA-2026-200", version=v1)
    revision = assessment.revisions[0]
    for key, value in {"basics.aims": "Keep me", "basics.notice": "https://example.org/old"}.items():
        db.session.add(Answer(revision=revision, question_key=key, value=value, updated_at=factories.NOW))
    author = factories.create_user(teams=(team,))
    db.session.commit()
    return author, revision, v2


def test_preview_then_apply(client, login_as, setup, db):
    author, revision, v2 = setup
    login_as(author)
    assert "Version 2 of this questionnaire is available" in client.get(BASE).get_data(as_text=True)
    preview = client.get(f"{BASE}/upgrade").get_data(as_text=True)
    assert "Move to version 2 of the questionnaire" in preview
    assert "Project aims" in preview  # carried
    assert "Privacy notice" in preview  # dropped
    assert "Budget holder" in preview  # newly required
    response = client.post(f"{BASE}/upgrade", data={"csrf_token": csrf_token(client, f"{BASE}/upgrade"),
                                                    "lock_version": str(revision.lock_version)})
    assert response.status_code == 302
    db.session.expire_all()
    upgraded = db.session.get(Revision, revision.id)
    assert upgraded.questionnaire_version_id == v2.id
    keys = set(db.session.scalars(select(Answer.question_key).where(Answer.revision_id == revision.id)))
    assert keys == {"basics.aims"}
    assert "is available" not in client.get(BASE).get_data(as_text=True)


def test_stale_preview_is_refused(client, login_as, setup, db):
    author, revision, _ = setup
    login_as(author)
    response = client.post(f"{BASE}/upgrade", data={"csrf_token": csrf_token(client, f"{BASE}/upgrade"),
                                                    "lock_version": "99"})
    assert response.status_code == 409
    assert db.session.scalar(select(Answer.question_key).where(Answer.question_key == "basics.notice"))


def test_only_the_team_may_upgrade(client, login_as, setup):
    login_as(factories.create_user(Role.DPO))
    assert client.get(f"{BASE}/upgrade").status_code == 403
