"""The assessment page lists its revisions newest first, 20 to a page, in the same statements whatever
the number of revisions, publications, decisions or events."""

import re
from datetime import date, timedelta

from dpia.accounts.rules import Role
from dpia.core.audit.services import record_event
from dpia.publication.models import Publication, PublicationDecision
from dpia.review.rules.states import RevisionState
from tests import factories, web

PAGINATION = re.compile(r'<nav\b[^>]*\baria-label="Revision pages"')


def with_history(assessment, dpo, *, after: int = 0) -> None:  # noqa: ANN001
    """Give each revision numbered above `after` a decision, a (stub) publication and an audit event."""
    session = factories.db_session()
    for revision in assessment.revisions[after:]:
        decision = PublicationDecision(revision_id=revision.id, decided_on=date(2018, 1, 1), decided_by="DPO",
                                       scope="full", planned="2018-Q1", channel="Web", recorded_at=factories.NOW,
                                       recorded_by_id=dpo.id)
        session.add(decision)
        session.flush()
        session.add(Publication(
            assessment_id=assessment.id, revision_id=revision.id, revision_number=revision.number,
            decision_id=decision.id, publish_at=factories.NOW + timedelta(days=revision.number),
            scheduled_at=factories.NOW, scheduled_by_id=dpo.id, title=assessment.title, team_name="Team",
            summary="", search_text="", html="<p>x</p>", html_sha256="0" * 64, pdf=b"%PDF", pdf_sha256="0" * 64,
            json="{}", json_sha256="0" * 64, content_hash="0" * 64))
        record_event(actor=dpo, now=factories.NOW, action="section.save", object_type="revision",
                     object_id=revision.id, summary={})
    session.flush()


def grow(assessment, count: int) -> None:  # noqa: ANN001
    """Add `count` revisions to the assessment."""
    first = assessment.revisions[0]
    start = len(assessment.revisions)
    for number in range(start + 1, start + count + 1):
        factories.db_session().add(type(first)(assessment=assessment, number=number, state=RevisionState.SUPERSEDED,
                                               regime=first.regime, questionnaire_version=first.questionnaire_version,
                                               created_at=factories.NOW, rationale=f"Change {number}"))
    factories.db_session().flush()


def page(client, reference: str, number=None) -> str:  # noqa: ANN001
    query = "" if number is None else f"?page={number}"
    response = client.get(f"/assessments/{reference}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_statements_do_not_grow_with_revisions_and_publications(client, db, login_as, count_queries):
    dpo = factories.create_user(Role.DPO)
    assessment = factories.create_assessment(revisions=2)
    with_history(assessment, dpo)
    login_as(dpo)
    reference = assessment.reference
    with count_queries() as few:
        page(client, reference)
    grow(assessment, 28)
    with_history(assessment, dpo, after=2)
    with count_queries() as many:
        body = page(client, reference)
    assert len(web.table_rows(body)) == 21  # header and the newest 20
    assert many.count == few.count


def test_revisions_go_newest_first_twenty_to_a_page(client, db, login_as):
    team = factories.create_team()
    assessment = factories.create_assessment(team)
    grow(assessment, 24)
    login_as(factories.create_user(teams=(team,)))
    first = page(client, assessment.reference)
    assert "25 revisions, newest first (page 1 of 2)" in first
    assert first.index("Revision 25<") < first.index("Revision 6<") and "Revision 5<" not in first
    assert PAGINATION.search(first) and f'href="/assessments/{assessment.reference}?page=2"' in first
    second = page(client, assessment.reference, 2)
    assert "Revision 5<" in second and "Revision 1<" in second and "Revision 6<" not in second
    assert "UK GDPR" in second  # the latest revision's law, on any page
    assert "First revision" in second and "Compare revisions" in second
    assert client.get(f"/assessments/{assessment.reference}?page=3").status_code == 404
    assert client.get(f"/assessments/{assessment.reference}?page=0").status_code == 400


def test_a_single_revision_has_no_pages(client, db, login_as):
    team = factories.create_team()
    assessment = factories.create_assessment(team)
    login_as(factories.create_user(teams=(team,)))
    body = page(client, assessment.reference)
    assert "1 revision, newest first</caption>" in body and not PAGINATION.search(body)
    assert "Compare revisions" not in body


def test_people_outside_the_team_get_a_404(client, db, login_as):
    assessment = factories.create_assessment(factories.create_team())
    login_as(factories.create_user(teams=(factories.create_team(),)))
    assert client.get(f"/assessments/{assessment.reference}").status_code == 404
    assert client.get("/assessments/DPIA-NO-SUCH").status_code == 404


def test_only_those_who_may_read_foi_records_are_offered_the_foi_link(app, db):
    """FOI records name requesters: the owning team is not offered a page that would refuse it."""
    team = factories.create_team()
    assessment = factories.create_assessment(team, reference="DPIA-FOI-LINK")
    member = factories.create_user(teams=(team,))
    officer = factories.create_user(Role.FOI_OFFICER)
    db.session.commit()
    foi = f"/assessments/{assessment.reference}/foi"
    assert foi not in web.as_user(app, member).get(f"/assessments/{assessment.reference}").get_data(as_text=True)
    assert web.as_user(app, member).get(foi).status_code == 403
    assert foi in web.as_user(app, officer).get(f"/assessments/{assessment.reference}").get_data(as_text=True)
