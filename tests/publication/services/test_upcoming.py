"""What the register lists as upcoming, and when a plan turns overdue: worked out in the database, one
statement a page, in the same order and with the same overdue rule as `PartialDate`."""

from datetime import UTC, date, datetime, timedelta

import pytest

from dpia.core.partial_dates import parse_partial_date
from dpia.publication.models import PublicationDecision, Slippage
from dpia.publication.services.upcoming import overdue_publications, upcoming
from dpia.review.rules.states import RevisionState
from tests import factories
from tests.factories import approve, decide


def test_overdue_appears_in_upcoming_for_each_kind_of_plan(db, setup):
    approve(setup)
    decide(setup, planned="2018-Q2")
    within = datetime(2018, 6, 30, 23, tzinfo=UTC)
    after = datetime(2018, 7, 1, 1, tzinfo=UTC)
    assert [i.overdue for i in upcoming(within).items] == [False]
    assert [i.overdue for i in upcoming(after).items] == [True]
    assert [i.reference for i in overdue_publications(after).items] == ["DPIA-2026-400"]


def plans(*planned: str, slipped_to: dict[int, list[str]] | None = None) -> list:
    """One approved revision per plan, each with a decision (and the slippages given), as rows."""
    dpo = factories.create_user()
    references = []
    for index, plan in enumerate(planned):
        revision = factories.create_assessment(reference=f"DPIA-2030-{index:03d}",
                                               state=RevisionState.APPROVED).revisions[0]
        decision = PublicationDecision(revision_id=revision.id, decided_on=date(2018, 1, 1), decided_by="DPO",
                                       scope="full", planned=plan, channel="Web", recorded_at=factories.NOW,
                                       recorded_by_id=dpo.id)
        factories.db_session().add(decision)
        factories.db_session().flush()
        for n, new in enumerate((slipped_to or {}).get(index, []), start=1):
            factories.db_session().add(Slippage(decision_id=decision.id, previous_planned=plan, new_planned=new,
                                                reason="Late", recorded_at=factories.NOW + timedelta(minutes=n),
                                                recorded_by_id=dpo.id))
        references.append(revision)
    factories.db_session().flush()
    return references


PLANS = ("2018-06-30", "2018-06", "2018-02", "2018-Q1", "2018-Q2", "2018-Q4", "2017-12-31", "2019-01-01",
         "undecided", "2018-07-01")
TODAYS = (date(2018, 6, 30), date(2018, 7, 1), date(2018, 3, 31), date(2018, 4, 1), date(2019, 1, 2))


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_overdue_and_order_match_the_partial_date_rules(db, today):
    """The SQL that decides overdue and the order agrees with `PartialDate` for days, months, quarters
    and undecided plans, on either side of a period's end."""
    references = [revision.assessment.reference for revision in plans(*PLANS)]
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    items = upcoming(now).items
    expected = {ref: parse_partial_date(plan).is_overdue(today) for ref, plan in zip(references, PLANS, strict=True)}
    assert {item.reference: item.overdue for item in items} == expected
    keys = [(not item.overdue, item.planned.last_day or date.max) for item in items]
    assert keys == sorted(keys)
    assert items[-1].planned.kind == "undecided"
    assert {i.reference for i in overdue_publications(now, per_page=100).items} == {
        ref for ref, late in expected.items() if late}


def test_the_latest_slippage_is_the_plan_in_force(db):
    [revision] = plans("2018-01", slipped_to={0: ["2018-03", "2030-Q1"]})
    item = upcoming(datetime(2019, 1, 1, tzinfo=UTC)).items[0]
    assert (item.reference, item.planned.canonical, item.slipped, item.overdue) == (
        revision.assessment.reference, "2030-Q1", 2, False)


def test_only_the_latest_decision_of_a_revision_counts(db):
    [revision] = plans("2018-01")
    factories.db_session().add(PublicationDecision(
        revision_id=revision.id, decided_on=date(2018, 2, 1), decided_by="DPO", scope="full", planned="2031-06",
        channel="Web", recorded_at=factories.NOW + timedelta(days=1), recorded_by_id=factories.create_user().id))
    factories.db_session().flush()
    page = upcoming(datetime(2019, 1, 1, tzinfo=UTC))
    assert page.total == 1 and page.items[0].planned.canonical == "2031-06" and not page.items[0].overdue


def test_lapsed_revisions_are_not_planned(db):
    [revision] = plans("2018-01")
    revision.state = RevisionState.SUPERSEDED
    factories.db_session().flush()
    assert upcoming(datetime(2019, 1, 1, tzinfo=UTC)).total == 0


def test_pages_hold_what_was_asked_with_the_total(db):
    plans(*[f"2018-{month:02d}" for month in range(1, 13)])
    now = datetime(2018, 7, 15, tzinfo=UTC)
    first, last = upcoming(now, per_page=5), upcoming(now, number=3, per_page=5)
    assert (first.total, len(first.items), len(last.items), first.pages) == (12, 5, 2, 3)
    assert [i.planned.canonical for i in first.items] == [f"2018-{m:02d}" for m in range(1, 6)]


def test_scheduling_marks_the_decisions_so_the_plan_is_read_from_the_schedule(db):
    """Decided revisions are found by the `scheduled` flag, scheduled ones by `publish_at`: the plan
    shows until its time, then the revision is public and out of the list."""
    publisher = factories.Publisher()
    decided = publisher.draft(title="Decided, not scheduled", reference="DPIA-2031-001")
    publisher.approve(decided)
    decision = publisher.decide(decided)
    scheduled = publisher.draft(title="Scheduled", reference="DPIA-2031-002")
    at = factories.NOW + timedelta(days=3)
    publication = publisher.publish(scheduled, at)
    first = factories.db_session().get(PublicationDecision, publication.decision_id)
    assert decision.scheduled is False and first.scheduled is True
    before, after = at - timedelta(minutes=1), at + timedelta(minutes=1)
    assert {item.reference for item in upcoming(before).items} == {"DPIA-2031-001", "DPIA-2031-002"}
    assert {item.reference for item in upcoming(after).items} == {"DPIA-2031-001"}
