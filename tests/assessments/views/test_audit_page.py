"""The audit trail page: an assessment's events, newest first, only for people who may see it."""

import re
from datetime import timedelta

from dpia.accounts.rules import Role
from dpia.core.audit.services import record_event
from tests import factories, web

PAGINATION = re.compile(r'<nav\b[^>]*\baria-label="Audit log pages"')  # the pages' navigation landmark


def audit_url(assessment, page=None):
    return f"/assessments/{assessment.reference}/audit" + ("" if page is None else f"?page={page}")


def revision_event(revision, actor, *, minutes=0, action="section.save", summary=None):
    return record_event(actor=actor, now=factories.NOW + timedelta(minutes=minutes), action=action,
                        object_type="revision", object_id=revision.id, summary=summary or {})


def table_rows(body):
    return len(web.table_rows(body)) - 1  # less the header


def test_lists_events_for_the_assessment_and_its_revisions_newest_first(client, db, login_as):
    team = factories.create_team()
    author = factories.create_user(teams=(team,), name="Alice Author")
    assessment = factories.create_assessment(team, revisions=2)
    first, second = assessment.revisions
    record_event(actor=author, now=factories.NOW, action="assessment.create", object_type="assessment",
                 object_id=assessment.id, summary={"reference": assessment.reference})
    revision_event(first, author, minutes=1, summary={"section": "screening", "changed": ["purpose", "scope"]})
    revision_event(second, None, minutes=2, action="revision.upgrade", summary={"to_version": 2})
    other = factories.create_assessment(team)
    revision_event(other.revisions[0], author, minutes=3, summary={"section": "other-assessment-marker"})
    # Same id, different kind of object: not about this assessment.
    record_event(actor=author, now=factories.NOW, action="user.create", object_type="user",
                 object_id=assessment.id, summary={"marker": "user-event-marker"})
    record_event(actor=author, now=factories.NOW, action="auth.sign_in", object_type="revision",
                 object_id="not-a-revision-id")

    login_as(author)
    response = client.get(audit_url(assessment))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert table_rows(body) == 3
    newest, middle, oldest = (body.index(a) for a in ("revision.upgrade", "section.save", "assessment.create"))
    assert newest < middle < oldest
    assert "Revision 2" in body and "Revision 1" in body
    assert "System" in body and "Alice Author" in body
    assert "changed: purpose, scope" in body and "section: screening" in body
    assert "27 Nov 2026 12:01:00" in body
    assert "other-assessment-marker" not in body and "user-event-marker" not in body


def test_show_page_links_to_the_audit_trail(client, db, login_as):
    team = factories.create_team()
    assessment = factories.create_assessment(team)
    login_as(factories.create_user(teams=(team,)))
    assert f'href="{audit_url(assessment)}"' in client.get(f"/assessments/{assessment.reference}").get_data(
        as_text=True)


def test_another_teams_member_gets_404(client, db, login_as):
    assessment = factories.create_assessment(factories.create_team())
    revision_event(assessment.revisions[0], None, summary={"secret": "do not show"})
    login_as(factories.create_user(teams=(factories.create_team(),)))
    response = client.get(audit_url(assessment))
    assert response.status_code == 404
    assert "do not show" not in response.get_data(as_text=True)
    assert client.get("/assessments/DPIA-NO-SUCH/audit").status_code == 404


def test_oversight_roles_see_any_teams_trail(client, db, login_as):
    assessment = factories.create_assessment(factories.create_team())
    revision_event(assessment.revisions[0], None)
    login_as(factories.create_user(Role.DPO))
    assert client.get(audit_url(assessment)).status_code == 200


def test_pages_hold_fifty_events(client, db, login_as):
    team = factories.create_team()
    assessment = factories.create_assessment(team)
    revision = assessment.revisions[0]
    for n in range(55):
        revision_event(revision, None, minutes=n, summary={"n": n})
    login_as(factories.create_user(teams=(team,)))
    first = client.get(audit_url(assessment)).get_data(as_text=True)
    assert table_rows(first) == 50
    assert "n: 54<" in first and "n: 5<" in first and "n: 4<" not in first
    assert f'href="{audit_url(assessment, 2)}"' in first and PAGINATION.search(first)
    second = client.get(audit_url(assessment, 2)).get_data(as_text=True)
    assert table_rows(second) == 5
    assert "n: 4<" in second and "n: 0<" in second
    assert client.get(audit_url(assessment, 3)).status_code == 404
    assert client.get(audit_url(assessment, 0)).status_code == 404


def test_empty_trail_says_so(client, db, login_as):
    team = factories.create_team()
    assessment = factories.create_assessment(team)
    login_as(factories.create_user(teams=(team,)))
    body = client.get(audit_url(assessment)).get_data(as_text=True)
    assert "Nothing has been recorded" in body and not PAGINATION.search(body)


def test_statement_count_does_not_grow_with_events(client, db, login_as, count_queries):
    team = factories.create_team()
    assessment = factories.create_assessment(team, revisions=2)
    login_as(factories.create_user(teams=(team,)))
    revision_event(assessment.revisions[0], factories.create_user(teams=(team,)))
    with count_queries() as few:
        assert client.get(audit_url(assessment)).status_code == 200
    for n in range(40):
        revision_event(assessment.revisions[n % 2], factories.create_user(teams=(team,)), minutes=n,
                       summary={"changed": [f"q{n}"], "nested": {"row": n}})
    with count_queries() as many:
        body = client.get(audit_url(assessment)).get_data(as_text=True)
    assert table_rows(body) == 41
    assert many.count == few.count


def test_summary_text_is_escaped(client, db, login_as):
    team = factories.create_team()
    assessment = factories.create_assessment(team)
    revision_event(assessment.revisions[0], None, action="<b>action</b>",
                   summary={"note": "<script>alert(1)</script>", "<img src=x onerror=alert(2)>": ["<i>x</i>"]})
    login_as(factories.create_user(teams=(team,)))
    body = client.get(audit_url(assessment)).get_data(as_text=True)
    assert "<script>alert(1)" not in body and "<img src=x" not in body and "<i>x</i>" not in body
    assert "note: &lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(2)&gt;: &lt;i&gt;x&lt;/i&gt;" in body
    assert "&lt;b&gt;action&lt;/b&gt;" in body


def test_statement_count_does_not_grow_with_revisions(client, db, login_as, count_queries):
    """The page names each event's revision from the revisions on the page, not from all of them."""
    from dpia.assessments.models import Revision
    from dpia.review.rules.states import RevisionState

    team = factories.create_team()
    assessment = factories.create_assessment(team)
    reference = assessment.reference
    login_as(factories.create_user(teams=(team,)))
    revision_event(assessment.revisions[0], None)
    factories.commit()
    with count_queries() as few:
        assert client.get(f"/assessments/{reference}/audit").status_code == 200
    first = assessment.revisions[0]
    for number in range(2, 80):
        added = Revision(assessment=assessment, number=number, state=RevisionState.SUPERSEDED, regime=first.regime,
                         questionnaire_version=first.questionnaire_version, created_at=factories.NOW)
        factories.db_session().add(added)
        factories.db_session().flush()
        revision_event(added, None, minutes=number)
    factories.commit()
    with count_queries() as many:
        body = client.get(f"/assessments/{reference}/audit").get_data(as_text=True)
    assert table_rows(body) == 50 and "Revision 79" in body and "Revision 30<" in body and "Revision 29<" not in body
    assert many.count == few.count
