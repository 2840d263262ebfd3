"""Conditions of approval through the services: given with the approval, checked, open on the dashboards of
the team and of the approver until someone marks them done."""

from datetime import date

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.services.content import load_content
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import PermissionDeniedError, ValidationError
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.conditions import ConditionInput, conditions_of, mark_condition_done, open_conditions
from dpia.review.services.workflow import transition
from tests import factories
from tests.factories import sign_all, to_sign_off

NOW = factories.NOW
EVALUATION = ConditionInput("Commission an independent evaluation", "Head of LFR", date(2027, 3, 31))


@pytest.fixture()
def signed(db, revision, people):
    to_sign_off(revision, people)
    sign_all(revision, people)
    return revision


def approve(revision, people, *conditions):
    return transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE,
                      conditions=conditions)


def test_an_approval_carries_its_conditions_in_order(db, signed, people):
    later = ConditionInput("Publish the watchlist criteria", "Project lead", date(2027, 6, 30))
    assert approve(signed, people, EVALUATION, later) is RevisionState.APPROVED
    assert [(c.position, c.action, c.owner, c.due_on) for c in conditions_of(signed)] == [
        (1, "Commission an independent evaluation", "Head of LFR", date(2027, 3, 31)),
        (2, "Publish the watchlist criteria", "Project lead", date(2027, 6, 30))]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "revision.approve")).one()
    assert event.summary["conditions"] == 2


@pytest.mark.parametrize(("condition", "problem"), [
    (ConditionInput(" ", "Head of LFR", date(2027, 3, 31)), "Condition 1: say what must be done"),
    (ConditionInput("Evaluate", "", date(2027, 3, 31)), "Condition 1: say who owns it"),
    (ConditionInput("Evaluate", "Head of LFR", None), "Condition 1: give the date it is due"),
    (ConditionInput("Evaluate", "Head of LFR", date(2017, 1, 1)), "Condition 1: the due date has already passed"),
])
def test_each_condition_needs_an_action_an_owner_and_a_date_to_come(db, signed, people, condition, problem):
    with pytest.raises(ValidationError, match=problem):
        approve(signed, people, condition)
    assert signed.state is RevisionState.AWAITING_SIGN_OFF and conditions_of(signed) == []


def test_only_an_approval_has_conditions(db, signed, people):
    with pytest.raises(ValidationError, match="Only an approval"):
        transition(actor=people["approver"], now=NOW, content=load_content(signed), action=Action.REJECT,
                   note="No", conditions=[EVALUATION])


def test_an_open_condition_is_on_the_team_and_approver_dashboards_until_done(db, signed, people):
    approve(signed, people, EVALUATION)
    today = NOW.date()
    for who in ("author", "approver"):
        assert [c.action for c in open_conditions(people[who], today=today).items] == [EVALUATION.action], who
    other_approver = factories.create_user(Role.APPROVER)
    assert open_conditions(other_approver, today=today).items == []  # not theirs to check
    assert open_conditions(people["dpo"], today=today).items == []
    assert open_conditions(people["author"], today=date(2027, 4, 1)).items[0].overdue
    condition = conditions_of(signed)[0]
    with pytest.raises(PermissionDeniedError):
        mark_condition_done(actor=people["reviewer"], now=NOW, revision=signed, condition=condition)
    mark_condition_done(actor=people["author"], now=NOW, revision=signed, condition=condition, note="Commissioned")
    assert condition.done_at == NOW and condition.done_by_id == people["author"].id
    assert open_conditions(people["author"], today=today).total == 0
    assert open_conditions(people["approver"], today=today).total == 0
