"""Every queue on the dashboard costs the same statements at ten times the data, shows its first items
with its total, and links to its full list, a page at a time, for the people who work it."""

from datetime import date, timedelta

import pytest

from dpia.accounts.rules import Role
from dpia.publication.models import PublicationDecision
from dpia.review.models import ApprovalCondition, Comment, SignOff
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import RevisionState
from tests import factories


def people() -> dict:
    team = factories.create_team()
    return {"team": team,
            "member": factories.create_user(Role.TEAM_MEMBER, teams=(team,)),
            "reviewer": factories.create_user(Role.REVIEWER),
            "dpo": factories.create_user(Role.DPO),
            "approver": factories.create_user(Role.APPROVER)}


def workload(who: dict, units: int) -> None:
    """`units` of every kind of work: a revision in review, one awaiting advice, one awaiting a decision,
    an approved one due for review with an open condition and an overdue publication plan, and an open
    draft with unresolved comments."""
    session = factories.db_session()
    for _ in range(units):
        def revision(state: RevisionState):  # noqa: ANN202
            made = factories.create_assessment(who["team"], state=state).revisions[0]
            made.submitted_at = factories.NOW
            return made

        revision(RevisionState.SUBMITTED)
        revision(RevisionState.AWAITING_SIGN_OFF)
        advised = revision(RevisionState.AWAITING_SIGN_OFF)
        session.add(SignOff(revision_id=advised.id, kind=SignOffKind.DPO_ADVICE, signer_id=who["dpo"].id,
                            signer_name="Dana", signer_position="DPO", signed_at=factories.NOW, details={},
                            content_hash="0" * 64))
        approved = revision(RevisionState.APPROVED)
        approved.approved_by_id, approved.approved_at = who["approver"].id, factories.NOW
        approved.next_review_on = factories.NOW.date() + timedelta(days=5)
        session.add(ApprovalCondition(revision_id=approved.id, position=1, action="Evaluate", owner="Lead",
                                      due_on=date(2030, 1, 1), created_at=factories.NOW,
                                      created_by_id=who["approver"].id))
        session.add(PublicationDecision(revision_id=approved.id, decided_on=date(2018, 1, 1), decided_by="DPO",
                                        scope="full", planned="2018-Q1", channel="Web", recorded_at=factories.NOW,
                                        recorded_by_id=who["dpo"].id))
        draft = revision(RevisionState.DRAFT)
        session.add_all(Comment(revision_id=draft.id, author_id=who["reviewer"].id, body=f"Point {n}",
                                created_at=factories.NOW) for n in range(2))
    session.flush()


HEADINGS = {
    "member": ["Unresolved comments", "Conditions of approval still open", "Assessments"],
    "reviewer": ["Waiting for review or sign-off", "Assessments"],
    "dpo": ["Awaiting your advice", "Waiting for review or sign-off", "Publications overdue", "Reviews due",
            "Assessments"],
    "approver": ["Conditions of approval still open", "Awaiting your decision", "Reviews due", "Assessments"],
}


@pytest.mark.parametrize("role", sorted(HEADINGS))
def test_statements_do_not_grow_with_ten_times_the_work(client, db, login_as, count_queries, role):
    who = people()
    login_as(who[role])
    workload(who, 3)
    with count_queries() as few:
        body = client.get("/").get_data(as_text=True)
    for heading in HEADINGS[role]:
        assert heading in body, heading
    assert "See all" not in body or role != "reviewer"
    workload(who, 27)  # 30 of each: more than a dashboard shows
    with count_queries() as many:
        body = client.get("/").get_data(as_text=True)
    assert many.count == few.count
    assert "See all" in body
    assert 'href="/queues/assessments"' in body


def test_a_queue_shows_its_first_items_its_total_and_a_link_to_the_rest(client, db, login_as):
    who = people()
    workload(who, 25)
    login_as(who["dpo"])
    body = client.get("/").get_data(as_text=True)
    advice = body[body.index("Awaiting your advice"):body.index("Awaiting your decision")
                  if "Awaiting your decision" in body else body.index("Waiting for review")]
    assert advice.count("record the DPO") == 20
    assert "Showing the first 20 of 25" in advice and 'href="/queues/advice"' in advice


def test_the_full_list_goes_a_page_at_a_time(client, db, login_as, count_queries):
    who = people()
    workload(who, 60)
    login_as(who["dpo"])
    with count_queries() as first_page:
        first = client.get("/queues/advice")
    assert first.status_code == 200
    text = first.get_data(as_text=True)
    assert text.count("record the DPO") == 50
    assert "60 in all; page 1 of 2" in text and 'aria-label="Awaiting your advice: pages"' in text
    assert 'href="/queues/advice?page=2"' in text
    with count_queries() as second_page:
        second = client.get("/queues/advice?page=2").get_data(as_text=True)
    assert second.count("record the DPO") == 10
    assert second_page.count == first_page.count
    assert client.get("/queues/advice?page=3").status_code == 404
    assert client.get("/queues/advice?page=x").status_code == 400
    assert client.get("/queues/no-such-queue").status_code == 404


@pytest.mark.parametrize(("role", "key", "status"), [
    ("member", "advice", 403), ("member", "waiting", 403), ("reviewer", "overdue-publications", 403),
    ("approver", "advice", 403), ("reviewer", "waiting", 200), ("approver", "decision", 200),
    ("member", "assessments", 200), ("member", "conditions", 200), ("dpo", "reviews-due", 200),
])
def test_each_queue_is_for_the_people_who_work_it(client, db, login_as, role, key, status):
    who = people()
    workload(who, 1)
    login_as(who[role])
    assert client.get(f"/queues/{key}").status_code == status


def test_a_team_member_sees_only_their_teams_assessments_in_the_full_list(client, db, login_as):
    who = people()
    workload(who, 1)
    factories.create_assessment(factories.create_team(), title="Someone else's project")
    login_as(who["member"])
    body = client.get("/queues/assessments").get_data(as_text=True)
    assert "Someone else" not in body and "5 in all" in body


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/queues/assessments").status_code == 302


def test_the_foi_queue_is_on_the_foi_officers_dashboard_only(app, demo, db, clock):
    """The demo's request (received 15 March 2018) is long overdue under any clock after April 2018, and
    is shown with the overdue count to the FOI officer and the DPO, never to a team member or reviewer."""
    from dpia.demo.services import DEMO_PASSWORD
    from tests.web import sign_in

    for email, shown in (("foi@demo.test", True), ("dpo@demo.test", True), ("author@demo.test", False),
                         ("reviewer@demo.test", False)):
        client = app.test_client()
        assert sign_in(client, email, DEMO_PASSWORD).status_code == 302
        page = client.get("/").get_data(as_text=True)
        assert ("FOI-2018-0412" in page) is shown, email
        assert ("1 overdue, 0 due in the next 5 working days" in page) is shown, email
        assert client.get("/queues/foi-due").status_code == (200 if shown else 403)
