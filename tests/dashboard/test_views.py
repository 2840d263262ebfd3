"""The dashboard lists exactly the assessments a user may see, in a bounded number of queries."""

import re

from dpia.accounts.rules import Role
from tests import factories
from tests.web import table_rows

ASSESSMENTS = "Assessments you can see"  # the caption of the dashboard's table


def test_team_member_sees_only_their_teams_assessments(client, db, login_as):
    mine, theirs = factories.create_team(), factories.create_team()
    factories.create_assessment(mine, title="Our CCTV upgrade")
    factories.create_assessment(theirs, title="Their records system")
    login_as(factories.create_user(Role.TEAM_MEMBER, teams=(mine,)))
    body = client.get("/").get_data(as_text=True)
    assert "Our CCTV upgrade" in body
    assert "Their records system" not in body


def test_dpo_sees_every_assessment_with_latest_revision(client, db, login_as):
    factories.create_assessment(title="First project", revisions=3)
    factories.create_assessment(title="Second project")
    login_as(factories.create_user(Role.DPO))
    body = client.get("/").get_data(as_text=True)
    assert "First project" in body and "Second project" in body
    rows = table_rows(body, ASSESSMENTS)
    assert rows[0][3] == "Latest revision"
    assert next(row for row in rows if row[1] == "First project")[3] == "3"


def test_navigation_depends_on_role(client, db, login_as):
    login_as(factories.create_user(Role.TEAM_MEMBER))
    assert 'href="/admin/users"' not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/users").status_code == 403


def test_admin_sees_users_page(client, db, login_as):
    admin = factories.create_user(Role.ADMIN, name="Ada Admin")
    login_as(admin)
    body = client.get("/").get_data(as_text=True)
    assert 'href="/admin/users"' in body
    users_page = client.get("/admin/users").get_data(as_text=True)
    assert "Ada Admin" in users_page and "Administrator" in users_page


def test_dashboard_statement_count_does_not_grow_with_assessments(client, db, login_as, count_queries):
    login_as(factories.create_user(Role.DPO))
    factories.create_assessment(revisions=2)
    with count_queries() as few:
        assert client.get("/").status_code == 200
    for _ in range(10):
        factories.create_assessment(revisions=3)
    with count_queries() as many:
        body = client.get("/").get_data(as_text=True)
    assert len(table_rows(body, ASSESSMENTS)) == 12  # header + 11 assessments
    assert many.count == few.count <= 9


def test_dpo_sees_queues_and_reviews_due(client, db, login_as):
    from datetime import date, timedelta

    from dpia.review.rules.states import RevisionState

    waiting = factories.create_assessment(title="Waiting project", state=RevisionState.SUBMITTED)
    waiting.revisions[0].submitted_at = factories.NOW
    overdue = factories.create_assessment(title="Overdue project", state=RevisionState.APPROVED)
    overdue.revisions[0].next_review_on = date(2018, 4, 30)
    soon = factories.create_assessment(title="Soon project", state=RevisionState.APPROVED)
    soon.revisions[0].next_review_on = date.today() + timedelta(days=10)
    later = factories.create_assessment(title="Later project", state=RevisionState.APPROVED)
    later.revisions[0].next_review_on = date.today() + timedelta(days=90)
    db.session.commit()
    login_as(factories.create_user(Role.DPO))
    body = client.get("/").get_data(as_text=True)
    queue = body[body.index("Waiting for review or sign-off"):body.index("Reviews due")]
    assert "Waiting project" in queue
    due = body[body.index("Reviews due"):re.search(r"<h2\b[^>]*>Assessments</h2>", body).start()]
    assert "Overdue project" in due and "Overdue</strong>" in due
    assert "Soon project" in due and "Later project" not in due


def test_author_sees_unresolved_comments(client, db, login_as):
    from dpia.review.models import Comment

    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    assessment = factories.create_assessment(team, title="Commented project")
    reviewer = factories.create_user(Role.REVIEWER)
    db.session.add_all([Comment(revision_id=assessment.revisions[0].id, author_id=reviewer.id, body=f"Point {n}",
                                created_at=factories.NOW) for n in range(2)])
    db.session.commit()
    login_as(author)
    body = client.get("/").get_data(as_text=True)
    assert "Unresolved comments on your team" in body and "2 unresolved comments" in body
    assert "Waiting for review or sign-off" not in body  # not a reviewer


def approved_with_conditions(approver, team, count):
    """An approved assessment of `team`, approved by `approver` with `count` open conditions."""
    from datetime import date

    from dpia.review.models import ApprovalCondition
    from dpia.review.rules.states import RevisionState

    revision = factories.create_assessment(team, state=RevisionState.APPROVED).revisions[0]
    revision.approved_by_id, revision.approved_at = approver.id, factories.NOW
    factories.db_session().add_all(
        ApprovalCondition(revision_id=revision.id, position=n, action=f"Condition {n}", owner="Lead",
                          due_on=date(2030, 1, 1), created_at=factories.NOW, created_by_id=approver.id)
        for n in range(1, count + 1))
    factories.db_session().flush()


def test_approver_dashboard_statement_count_does_not_grow_with_conditions(client, db, login_as, count_queries):
    team = factories.create_team()
    approver = factories.create_user(Role.APPROVER, teams=(team,))
    login_as(approver)
    approved_with_conditions(approver, team, 1)
    with count_queries() as few:
        assert client.get("/").status_code == 200
    for _ in range(10):
        approved_with_conditions(approver, team, 3)
    with count_queries() as many:
        body = client.get("/").get_data(as_text=True)
    assert body.count("Condition 3") == 6  # the first 20 of 31, soonest due first
    assert "Showing the first 20 of 31" in body
    assert many.count == few.count


def test_reviews_due_are_counted_only_as_far_as_the_cap(client, db, login_as, monkeypatch):
    """Every approved revision comes due, so on an old register the queue is most of the table: it is
    read soonest first only as far as the cap, and says there are more."""
    from datetime import date, timedelta

    from dpia.review.rules.states import RevisionState
    from dpia.review.services import queues

    monkeypatch.setattr(queues, "REVIEWS_COUNTED", 3)
    for n in range(5):
        due = factories.create_assessment(title=f"Due project {n}", state=RevisionState.APPROVED)
        due.revisions[0].next_review_on = date(2018, 1, 1) + timedelta(days=n)
    db.session.commit()
    page = queues.reviews_due(date.today(), per_page=2)
    assert (page.total, page.more, [item.title for item in page.items]) == (3, True, ["Due project 0",
                                                                                     "Due project 1"])
    assert [item.title for item in queues.reviews_due(date.today(), number=2, per_page=2).items] == ["Due project 2"]
    monkeypatch.setattr(queues, "REVIEWS_COUNTED", 10)
    assert (queues.reviews_due(date.today(), per_page=2).total, queues.reviews_due(date.today()).more) == (5, False)
    monkeypatch.setattr(queues, "REVIEWS_COUNTED", 3)
    login_as(factories.create_user(Role.DPO))
    assert "of more than 3." in client.get("/").get_data(as_text=True)
