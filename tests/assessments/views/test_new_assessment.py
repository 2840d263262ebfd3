"""Starting an assessment from the dashboard."""

from datetime import UTC

from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.models import Assessment, RetentionRule
from dpia.questionnaires.services import load_builtin_questionnaires
from tests import factories
from tests.web import csrf_token


def test_team_member_starts_an_assessment_with_an_add_on(client, db, login_as):
    load_builtin_questionnaires(now=factories.NOW)
    team = factories.create_team("Roads Policing")
    login_as(factories.create_user(teams=(team,)))
    page = client.get("/assessments/new").get_data(as_text=True)
    assert "Live facial recognition" in page and 'checked' in page  # the only team is preselected
    response = client.post("/assessments/new", data={
        "csrf_token": csrf_token(client, "/assessments/new"), "title": "ANPR camera upgrade",
        "team_id": str(team.id), "regime": "dpa_2018_part_3", "add_ons": ["lfr-add-on"]})
    assert response.status_code == 302
    assessment = db.session.scalar(select(Assessment).where(Assessment.title == "ANPR camera upgrade"))
    assert assessment.reference.startswith("DPIA-") and assessment.team == team
    revision = assessment.revisions[0]
    assert [a.questionnaire_version.questionnaire.key for a in revision.add_ons] == ["lfr-add-on"]
    prefilled = db.session.scalars(select(RetentionRule).where(RetentionRule.revision_id == revision.id)).all()
    assert any(rule.period_days == 30 for rule in prefilled)  # the add-on's starting rows
    assert response.headers["Location"].endswith(f"/assessments/{assessment.reference}/revisions/1")


def test_errors_keep_what_was_typed(client, db, login_as):
    load_builtin_questionnaires(now=factories.NOW)
    team = factories.create_team()
    login_as(factories.create_user(teams=(team,)))
    response = client.post("/assessments/new", data={"csrf_token": csrf_token(client, "/assessments/new"),
                                                     "title": "Half typed", "team_id": str(team.id)})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Select the law that applies" in body and 'value="Half typed"' in body


def test_someone_without_a_team_cannot_start_one(client, db, login_as):
    login_as(factories.create_user(Role.DPO))
    assert client.get("/assessments/new").status_code == 403
    assert "Start an assessment" not in client.get("/").get_data(as_text=True)


def test_references_count_up_within_the_year(db):
    from datetime import datetime

    from dpia.assessments.services.assessments import next_reference

    factories.create_assessment(reference="DPIA-2031-009")
    assert next_reference(datetime(2031, 1, 1, tzinfo=UTC)) == "DPIA-2031-010"
    assert next_reference(datetime(2032, 1, 1, tzinfo=UTC)) == "DPIA-2032-001"
