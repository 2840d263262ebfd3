"""What the register lists as upcoming, and when a plan turns overdue."""

from datetime import UTC, datetime

from dpia.publication.services.register import overdue_publications, upcoming
from tests.factories import approve, decide


def test_overdue_appears_in_upcoming_for_each_kind_of_plan(db, setup):
    approve(setup)
    decide(setup, planned="2018-Q2")
    within = datetime(2018, 6, 30, 23, tzinfo=UTC)
    after = datetime(2018, 7, 1, 1, tzinfo=UTC)
    assert [i.overdue for i in upcoming(within)] == [False]
    assert [i.overdue for i in upcoming(after)] == [True]
    assert [i.reference for i in overdue_publications(after)] == ["DPIA-2026-400"]
