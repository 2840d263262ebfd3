"""The FOI s.22 test, on plain values: was an intention to publish recorded before the request?"""

from datetime import UTC, date, datetime

from dpia.foi.rules import IntentionRecord, s22_finding
from dpia.publication.rules import Scope


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
