"""Overdue plans and the FOI s.22 test, on plain values."""

from datetime import UTC, date, datetime

import pytest

from dpia.core.partial_dates import parse_partial_date
from dpia.foi.rules import IntentionRecord, s22_finding
from dpia.publication.rules import Exemption, Scope, current_plan, is_overdue, withheld_notice


@pytest.mark.parametrize(("plan", "last_on_time", "first_overdue"), [
    ("2018-06-15", date(2018, 6, 15), date(2018, 6, 16)),
    ("2018-06", date(2018, 6, 30), date(2018, 7, 1)),
    ("2018-Q2", date(2018, 6, 30), date(2018, 7, 1)),
    ("2019-Q4", date(2019, 12, 31), date(2020, 1, 1)),
])
def test_overdue_after_the_last_day_of_a_date_month_or_quarter(plan, last_on_time, first_overdue):
    parsed = parse_partial_date(plan)
    assert not is_overdue(parsed, last_on_time, published=False)
    assert is_overdue(parsed, first_overdue, published=False)
    assert not is_overdue(parsed, first_overdue, published=True)


def test_undecided_is_never_overdue():
    assert not is_overdue(parse_partial_date("not yet decided"), date(2099, 1, 1), published=False)


def test_slippage_replaces_the_plan():
    assert current_plan("2018-Q2", []).canonical == "2018-Q2"
    assert current_plan("2018-Q2", ["2018-Q4", "2019-03"]).canonical == "2019-03"


def test_notice_cites_the_section():
    assert withheld_notice(Exemption.S31_3, "Tactics") == "Withheld under FOI Act s.31(3): Tactics"


def record(recorded, planned="2018-Q2", history=()):
    return IntentionRecord(2, date(2017, 12, 11), "Data Protection Officer", recorded, Scope.REDACTED, planned,
                           "Publication scheme", tuple(history))


def at(y, m, d):
    return datetime(y, m, d, 10, tzinfo=UTC)


def test_intention_recorded_before_the_request_counts():
    finding = s22_finding([record(at(2017, 12, 12))], received=date(2018, 3, 15), today=date(2026, 11, 27),
                          published_on=None)
    assert finding.intention_existed
    assert finding.plan_on_request_date == "2018-Q2"
    assert finding.overdue_now


def test_intention_recorded_after_the_request_does_not():
    finding = s22_finding([record(at(2018, 3, 16))], received=date(2018, 3, 15), today=date(2026, 11, 27),
                          published_on=None)
    assert not finding.intention_existed and finding.intention is None


def test_same_day_counts_and_later_slippage_is_reported_separately():
    history = [(at(2018, 7, 2), "2018-Q4", "Sign-off delayed")]
    finding = s22_finding([record(at(2018, 3, 15), history=history)], received=date(2018, 3, 15),
                          today=date(2018, 8, 1), published_on=None)
    assert finding.intention_existed
    assert (finding.plan_on_request_date, finding.plan_now) == ("2018-Q2", "2018-Q4")
    assert not finding.overdue_now  # the new plan has not run out yet


def test_published_is_not_overdue():
    finding = s22_finding([record(at(2017, 12, 12))], received=date(2018, 3, 15), today=date(2026, 11, 27),
                          published_on=at(2018, 6, 1))
    assert finding.published_on and not finding.overdue_now
