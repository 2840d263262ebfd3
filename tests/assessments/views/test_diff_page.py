"""The compare-revisions page, on the demo: revision 2 replaces "no fixed period" for alert images with
30-day rules for confirmed and for incorrect alerts, and records the first deployment."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dpia.accounts.models import User
from dpia.accounts.rules import Role
from dpia.assessments.models import Answer, Assessment, Revision
from dpia.assessments.services.content import load_content, revision_definition
from dpia.assessments.services.diff import diff_between
from dpia.assessments.services.rows import insert_rows
from dpia.demo.services import DEMO_PASSWORD, DEMO_REFERENCE, load_demo
from tests import factories

PATH = f"/assessments/{DEMO_REFERENCE}/diff"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture()
def demo(db):
    assessment = load_demo(now=NOW)
    db.session.commit()
    return assessment


@pytest.fixture()
def dpo(demo, db):
    return db.session.scalar(select(User).where(User.email == "dpo@demo.test"))


@pytest.fixture()
def signed_in(client, dpo, login_as):
    return login_as(dpo, password=DEMO_PASSWORD)


def revision(db, number):
    return db.session.scalar(select(Revision).join(Assessment).where(Assessment.reference == DEMO_REFERENCE,
                                                                     Revision.number == number))


def inside(tag, text, body):
    """Whether `text` appears inside one `<tag ...>...</tag>` element of `body`."""
    return re.search(rf"<{tag}\b[^>]*>(?:(?!</{tag}>).)*{re.escape(text)}(?:(?!</{tag}>).)*</{tag}>", body,
                     re.DOTALL) is not None


def test_demo_diff_shows_the_new_retention_rule_as_added(signed_in):
    response = signed_in.get(f"{PATH}?from=1&to=2")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Changes from revision 1 to revision 2" in body
    assert "Retention rules: 2 added, 1 removed" in body
    assert "Row 3 added: Alert images and match data, for confirmed alerts" in body
    assert "Row 4 added: Alert images and match data, for incorrect alerts" in body
    assert "Row 3 removed: Alert images and match data (confirmed and incorrect alerts)" in body
    assert inside("ins", "30 days", body)
    # The rules both revisions have are matched, not shown as removed and added again.
    section = body.split('id="section-lfr-data"')[1].split('id="section-')[0]
    assert re.findall(r"Row \d+ removed", section) == ["Row 3 removed"] and "3 unchanged" in section


def test_demo_diff_marks_the_scope_text_change(signed_in):
    body = signed_in.get(f"{PATH}?from=1&to=2").get_data(as_text=True)
    scope = body.split('id="diff-processing.scope"')[1].split('class="dpia-diff__question"')[0]
    assert "Revision 1" in scope and "Revision 2" in scope
    assert inside("ins", "30 days", scope)
    assert inside("del", "no fixed retention period", scope)
    assert '<span class="govuk-visually-hidden">added: </span>' in scope
    assert '<span class="govuk-visually-hidden">removed: </span>' in scope


def test_demo_diff_summaries(db, demo):
    diff = diff_between(load_content(revision(db, 1)), load_content(revision(db, 2)))
    summaries = {section.key: section.summary for section in diff.sections}
    assert summaries["lfr-data"] == "Retention rules: 2 added, 1 removed"
    assert summaries["processing"] == "1 answer changed"
    assert summaries["necessity"] == "1 answer changed"
    assert summaries["risks"] == "No changes"  # rows keep their identity from one revision to the next
    assert summaries["lfr-risks"] == "Risks: 1 changed"  # the residual risk of keeping wrong matches falls
    assert summaries["measures"] == "Measures: 1 changed"
    assert summaries["lfr-deployments"] == "Record of deployments: 1 added"
    assert [s.key for s in diff.changed_sections] == ["processing", "necessity", "measures", "review", "lfr-data",
                                                      "lfr-risks", "lfr-deployments"]


def test_defaults_compare_the_latest_revision_with_the_one_before(signed_in):
    body = signed_in.get(PATH).get_data(as_text=True)
    assert "Changes from revision 1 to revision 2" in body
    assert '<option value="1" selected>' in body and '<option value="2" selected>' in body


def test_comparing_backwards_shows_the_rule_as_removed(signed_in):
    body = signed_in.get(f"{PATH}?from=2&to=1").get_data(as_text=True)
    assert "Retention rules: 1 added, 2 removed" in body
    assert inside("del", "30 days", body)


def test_assessment_page_links_to_the_comparison(signed_in):
    body = signed_in.get(f"/assessments/{DEMO_REFERENCE}").get_data(as_text=True)
    assert f'href="{PATH}">Compare revisions</a>' in body


@pytest.mark.parametrize("query", ["from=x&to=2", "from=1&to=two", "from=2&to=2", "from=1.5&to=2"])
def test_bad_revision_numbers_are_a_400(signed_in, query):
    response = signed_in.get(f"{PATH}?{query}")
    assert response.status_code == 400
    assert "Choose" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["from=1&to=3", "from=0&to=2", "from=-1&to=1"])
def test_missing_revisions_are_a_404(signed_in, query):
    assert signed_in.get(f"{PATH}?{query}").status_code == 404


def test_unknown_assessment_is_a_404(signed_in):
    assert signed_in.get("/assessments/DPIA-1999-001/diff?from=1&to=2").status_code == 404


def test_people_outside_the_team_without_an_oversight_role_get_a_404(demo, client, login_as):
    outsider = factories.create_user(Role.TEAM_MEMBER, teams=(factories.create_team(),))
    login_as(outsider)
    assert client.get(f"{PATH}?from=1&to=2").status_code == 404
    assert client.get(f"{PATH}?from=x").status_code == 404  # no hint that the reference exists


def test_team_members_can_compare(demo, client, login_as, db):
    author = db.session.scalar(select(User).where(User.email == "author@demo.test"))
    login_as(author, password=DEMO_PASSWORD)
    assert client.get(f"{PATH}?from=1&to=2").status_code == 200


def test_single_revision_has_no_link_and_nothing_to_compare(client, login_as, db):
    team = factories.create_team()
    factories.create_assessment(team, reference="DPIA-2026-900", version=factories.create_questionnaire_version())
    login_as(factories.create_user(teams=(team,)))
    assert "Compare revisions" not in client.get("/assessments/DPIA-2026-900").get_data(as_text=True)
    assert client.get("/assessments/DPIA-2026-900/diff").status_code == 404


def test_answers_are_escaped(signed_in, db):
    answer = db.session.scalar(select(Answer).where(Answer.revision_id == revision(db, 2).id,
                                                    Answer.question_key == "processing.scope"))
    answer.value = 'Faces <script>alert("x")</script> kept for <b>30 days</b>'
    db.session.commit()
    body = signed_in.get(f"{PATH}?from=1&to=2").get_data(as_text=True)
    assert "<script>alert" not in body and "<b>30" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body
    assert inside("ins", "&lt;b&gt;30", body)


def add_rows(db, number, count):
    rev = revision(db, number)
    definition = revision_definition(rev)
    actor = db.session.scalar(select(User).where(User.email == "author@demo.test"))
    for key, make in {
        "lfr.retention": lambda i: {"data_category": f"Extra data {i}", "period_days": i, "trigger": "other",
                                    "justification": "Because.", "deletion_method": "manual"},
        "lfr.risks": lambda i: {"description": f"Extra risk {i}", "likelihood": "possible", "severity": "severe"},
        "lfr.deployments": lambda i: {"date": "2017-07-01", "end": "2017-07-01", "location": f"Site {i}",
                                      "alerts": 10 + i, "confirmed": i, "incorrect": 10},
    }.items():
        insert_rows(rev, definition.question(key), [make(i) for i in range(count)], definition, now=NOW,
                    actor=actor)


def test_statement_count_does_not_grow_with_rows(signed_in, db, count_queries):
    signed_in.get(f"{PATH}?from=1&to=2")
    db.session.expire_all()  # start from a cold session, as the request after the commit below does
    with count_queries() as few:
        assert signed_in.get(f"{PATH}?from=1&to=2").status_code == 200
    add_rows(db, 1, 10)
    add_rows(db, 2, 10)
    db.session.commit()
    with count_queries() as many:
        body = signed_in.get(f"{PATH}?from=1&to=2").get_data(as_text=True)
    assert "Retention rules: 2 added, 1 removed" in body  # the ten extra rules match by their wording
    assert many.count == few.count


def more_revisions(assessment, count):
    """`count` more (superseded) revisions of `assessment`, each with an audit event."""
    from dpia.core.audit.services import record_event
    from dpia.review.rules.states import RevisionState

    first = assessment.revisions[0]
    start = len(assessment.revisions)
    for number in range(start + 1, start + count + 1):
        added = Revision(assessment=assessment, number=number, state=RevisionState.SUPERSEDED, regime=first.regime,
                         questionnaire_version=first.questionnaire_version, created_at=NOW)
        factories.db_session().add(added)
        factories.db_session().flush()
        record_event(actor=None, now=NOW, action="section.save", object_type="revision", object_id=added.id,
                     summary={})
    factories.commit()


def test_statement_count_does_not_grow_with_revisions(client, db, login_as, count_queries):
    team = factories.create_team()
    assessment = factories.create_assessment(team, revisions=2)
    reference = assessment.reference
    login_as(factories.create_user(teams=(team,)))
    path = f"/assessments/{reference}/diff?from=1&to=2"
    with count_queries() as few:
        assert client.get(path).status_code == 200
    more_revisions(assessment, 28)
    with count_queries() as many:
        body = client.get(path).get_data(as_text=True)
    assert body.count('<option value="30"') == 2  # every revision can be chosen, on both sides
    assert many.count == few.count
