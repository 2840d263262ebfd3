"""The demonstration tells the case as it happened, and every gate holds on its own content."""

import re

import pytest
from sqlalchemy import select

from dpia.accounts.models import User
from dpia.assessments.models import Assessment, Revision
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.content import load_content
from dpia.core.clock import now
from dpia.demo.services import (
    DEMO_PASSWORD,
    DEMO_REFERENCE,
    DRAFT_REFERENCE,
    PUBLISHED_REFERENCE,
    STADIUM_REFERENCE,
)
from dpia.publication.models import Publication
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.conditions import conditions_of
from dpia.review.services.sign_off import record_sign_off, sign_off_status
from dpia.review.services.workflow import transition
from tests.web import sign_in


def revision(db, reference, number=1):
    return db.session.scalar(select(Revision).join(Assessment).where(Assessment.reference == reference,
                                                                     Revision.number == number))


def user(db, email):
    return db.session.scalar(select(User).where(User.email == email))


def dashboard(app, email):
    client = app.test_client()
    assert sign_in(client, email, DEMO_PASSWORD).status_code == 302
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/").get_data(as_text=True)))


def section(text, heading):
    """The dashboard text from `heading` to the next heading."""
    after = text.split(heading, 1)[1]
    return re.split(r" (?:Unresolved comments|Conditions of approval|Awaiting your|Waiting for review|Publications "
                    r"overdue|Reviews due|Assessments) ", after, maxsplit=1)[0]


def test_revision_2_passes_every_gate_on_its_own_content(app, db, demo):
    """Re-run the gates: nothing blocks revision 2 but the approver's own rows, and once the approver records
    them it can be approved."""
    second = revision(db, DEMO_REFERENCE, 2)
    content = load_content(second)
    assert second.state is RevisionState.AWAITING_SIGN_OFF
    assert content.blockers() == []
    status = sign_off_status(content)
    assert {p.sign_off for p in status.problems} == {SignOffKind.MEASURES_APPROVED.value,
                                                      SignOffKind.RESIDUAL_RISKS_APPROVED.value,
                                                      SignOffKind.ADVICE_DECISION.value}
    approver = user(db, "approver@demo.test")
    for kind, raw in ((SignOffKind.MEASURES_APPROVED, {}), (SignOffKind.RESIDUAL_RISKS_APPROVED, {}),
                      (SignOffKind.ADVICE_DECISION, {"decision": "accepted"})):
        outcome = record_sign_off(actor=approver, now=now(), content=load_content(second), kind=kind,
                                  position="Assistant Chief Constable", notes=None, raw=raw)
        assert outcome.errors == {}
    assert transition(actor=approver, now=now(), content=load_content(second), action=Action.APPROVE) \
        is RevisionState.APPROVED
    assert revision(db, DEMO_REFERENCE, 1).state is RevisionState.SUPERSEDED


@pytest.mark.parametrize("reference", [DEMO_REFERENCE, STADIUM_REFERENCE, PUBLISHED_REFERENCE])
def test_every_revision_past_draft_is_complete(db, demo, reference):
    assert load_content(revision(db, reference)).blockers() == []


def test_the_draft_is_left_incomplete_to_try(db, demo):
    draft = revision(db, DRAFT_REFERENCE)
    assert draft.state is RevisionState.DRAFT and load_content(draft).blockers()


def test_revision_1_was_decided_by_the_approver_with_conditions_and_never_published(db, demo):
    first = revision(db, DEMO_REFERENCE, 1)
    assert first.approved_by_id == user(db, "approver@demo.test").id
    assert first.approved_at.year == 2017 and first.approved_at.month == 4
    conditions = conditions_of(first)
    assert [c.done_at is not None for c in conditions] == [True, False]
    assert db.session.scalar(select(Publication).join(Assessment).where(Assessment.reference == DEMO_REFERENCE)) \
        is None


def test_each_revision_is_under_the_law_in_force_when_it_was_written(db, demo):
    assert revision(db, DEMO_REFERENCE, 1).regime is Regime.DPA_1998
    assert revision(db, DEMO_REFERENCE, 2).regime is Regime.DPA_1998
    assert revision(db, STADIUM_REFERENCE).regime is Regime.DPA_2018_PART_3  # written in September 2018


def test_dashboards_show_a_real_example_of_each_queue(app, demo):
    dpo = dashboard(app, "dpo@demo.test")
    assert "DPIA-2018-014 revision 1" in section(dpo, "Awaiting your advice")
    assert "DPIA-2017-004 revision 2" in section(dpo, "Publications overdue")
    assert "30 April 2018" in section(dpo, "Reviews due")
    approver = dashboard(app, "approver@demo.test")
    assert "DPIA-2017-004 revision 2" in section(approver, "Awaiting your decision")
    assert "independent evaluation" in section(approver, "Conditions of approval still open")
    team = dashboard(app, "author@demo.test")
    open_conditions = section(team, "Conditions of approval still open")
    assert "independent evaluation" in open_conditions and "Overdue" in open_conditions
    assert "retention period" not in open_conditions  # marked done in October 2017


@pytest.mark.parametrize("path", [f"/assessments/{DEMO_REFERENCE}/revisions/1",
                                  f"/assessments/{DEMO_REFERENCE}/revisions/2",
                                  f"/assessments/{STADIUM_REFERENCE}/revisions/1"])
def test_the_task_list_of_a_revision_past_the_gates_says_it_is_complete(app, demo, path):
    """Never "approved" beside "incomplete": the task list's headline is the gates' own verdict."""
    client = app.test_client()
    assert sign_in(client, "author@demo.test", DEMO_PASSWORD).status_code == 302
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(path).get_data(as_text=True)))
    assert " Complete " in text and "Incomplete" not in text
    sections, total = re.search(r"(\d+) of (\d+) sections done", text).groups()
    assert sections == total
