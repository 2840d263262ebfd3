"""The FOI rules on plain values: the s.22 limbs, answers, NCND provisions and the working-day deadline."""

from datetime import UTC, date, datetime

import pytest

from dpia.foi.rules import (
    ABSOLUTE_EXEMPTIONS,
    WHOLE,
    Answer,
    IntentionRecord,
    ItemAnswer,
    NcndProvision,
    Outline,
    add_working_days,
    answer_problems,
    due_date,
    due_soon_horizon,
    needs_public_interest_test,
    part_coverage,
    reasonableness,
    s22_finding,
    s22_statement,
)
from dpia.publication.rules import Exemption, Scope


def record(recorded, planned="2018-Q2", history=(), revision=2, published=None):
    return IntentionRecord(revision, date(2017, 12, 11), "Data Protection Officer", recorded, Scope.REDACTED, planned,
                           "Publication scheme", tuple(history), published)


def at(y, m, d, hour=10, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=UTC)


# -- (a) the intention existed before the request ---------------------------------------------------------

def test_intention_recorded_before_the_request_counts():
    finding = s22_finding([record(at(2017, 12, 12))], received=at(2018, 3, 15), today=date(2026, 11, 27))
    assert finding.intention_existed
    assert finding.plan_on_request_date == "2018-Q2"
    assert finding.overdue_now


def test_an_intention_recorded_later_on_the_same_day_does_not_count():
    finding = s22_finding([record(at(2018, 3, 15, 15))], received=at(2018, 3, 15, 10), today=date(2018, 3, 16))
    assert not finding.intention_existed and finding.intention is None
    assert s22_finding([record(at(2018, 3, 15, 9, 59))], received=at(2018, 3, 15, 10),
                       today=date(2018, 3, 16)).intention_existed


def test_a_slippage_recorded_after_receipt_is_reported_separately():
    history = [(at(2018, 7, 2), "2018-Q4", "Sign-off delayed")]
    finding = s22_finding([record(at(2018, 3, 1), history=history)], received=at(2018, 3, 15),
                          today=date(2018, 8, 1))
    assert (finding.plan_on_request_date, finding.plan_now) == ("2018-Q2", "2018-Q4")
    assert not finding.overdue_now


def test_a_request_after_revision_1_was_published_concerns_the_revision_waiting():
    records = [record(at(2017, 5, 1), planned="2017-06", revision=1, published=at(2017, 6, 1)),
               record(at(2017, 12, 12), revision=2)]
    finding = s22_finding(records, received=at(2018, 3, 15), today=date(2018, 3, 16))
    assert finding.intention.revision_number == 2
    assert finding.already_published == (1,)
    lines = dict(s22_statement(finding))
    assert lines["Revision the request concerns"] == "Revision 2"
    assert "section 21" in lines["Already published when the request arrived"]
    # Revision 1 alone, once published, cannot carry s.22 at all.
    assert not s22_finding(records[:1], received=at(2018, 3, 15), today=date(2018, 3, 16)).intention_existed


def test_published_is_not_overdue():
    finding = s22_finding([record(at(2017, 12, 12), published=at(2018, 6, 1))], received=at(2018, 3, 15),
                          today=date(2026, 11, 27))
    assert finding.published_on and not finding.overdue_now


# -- (b) within the publication's scope -------------------------------------------------------------------

OUTLINE = Outline(sections=(("basics", ("basics.aims", "basics.summary")), ("watch", ("watch.criteria",))),
                  labels={"question:watch.criteria": "Question: Criteria"},
                  redacted_sections=frozenset({"watch"}), summary_questions=frozenset({"basics.summary"}))


def test_redacted_parts_are_not_covered():
    assert part_coverage("question:basics.aims", Scope.REDACTED, OUTLINE).covered
    assert not part_coverage("section:watch", Scope.REDACTED, OUTLINE).covered
    withheld = part_coverage("question:watch.criteria", Scope.FULL, OUTLINE)
    assert not withheld.covered and "Criteria" in withheld.reason
    assert not part_coverage(WHOLE, Scope.REDACTED, OUTLINE).covered


def test_a_summary_covers_only_the_summary():
    assert part_coverage("question:basics.summary", Scope.SUMMARY, OUTLINE).covered
    assert not part_coverage("question:basics.aims", Scope.SUMMARY, OUTLINE).covered
    assert not part_coverage("section:basics", Scope.SUMMARY, OUTLINE).covered
    assert not part_coverage("question:nowhere", Scope.FULL, OUTLINE).covered


# -- (c) reasonable in all the circumstances --------------------------------------------------------------

def test_a_near_plan_for_a_revision_awaiting_sign_off_is_reasonable():
    finding = s22_finding([record(at(2017, 12, 12))], received=at(2018, 3, 15), today=date(2018, 4, 1))
    result = reasonableness(finding, today=date(2018, 4, 1), state_label="Awaiting sign-off", ready=True)
    assert result.reasonable and all(c.weighs_for_withholding for c in result.circumstances)


@pytest.mark.parametrize(("planned", "history", "today", "ready"), [
    ("undecided", (), date(2018, 4, 1), True),  # no date set
    ("2019-Q4", (), date(2018, 4, 1), True),  # far off
    ("2018-Q2", (), date(2018, 4, 1), False),  # still a draft
    ("2018-Q2", (), date(2018, 8, 1), True),  # overdue now
])
def test_no_date_a_far_date_no_progress_or_overdue_weigh_for_disclosure(planned, history, today, ready):
    finding = s22_finding([record(at(2017, 12, 12), planned=planned, history=history)], received=at(2018, 3, 15),
                          today=today)
    assert not reasonableness(finding, today=today, state_label="Draft", ready=ready).reasonable


def test_repeated_slippage_weighs_for_disclosure():
    history = [(at(2018, 1, 5), "2018-Q2", "Late"), (at(2018, 2, 5), "2018-Q2", "Late again")]
    finding = s22_finding([record(at(2017, 12, 12), history=history)], received=at(2018, 3, 15),
                          today=date(2018, 4, 1))
    result = reasonableness(finding, today=date(2018, 4, 1), state_label="Awaiting sign-off", ready=True)
    assert not result.reasonable and any("slipped 2 times" in c.text for c in result.circumstances)


def test_the_statement_carries_all_four_limbs():
    finding = s22_finding([record(at(2017, 12, 12))], received=at(2018, 3, 15), today=date(2018, 4, 1))
    result = reasonableness(finding, today=date(2018, 4, 1), state_label="Awaiting sign-off", ready=True)
    lines = dict(s22_statement(finding, coverage=[("item 1", part_coverage("section:watch", Scope.REDACTED,
                                                                          OUTLINE))],
                               reasonable=result, officer_conclusion="Reasonable to wait",
                               public_interest=[("Item 1: for disclosure", "Openness")]))
    assert lines["Within the publication: item 1"].startswith("No.")
    assert lines["Reasonable to withhold until publication (computed)"] == "Yes"
    assert lines["FOI officer's conclusion on reasonableness"] == "Reasonable to wait"
    assert lines["Item 1: for disclosure"] == "Openness"
    assert lines["Request received"] == "15 March 2018 at 10:00"


# -- answers and NCND -------------------------------------------------------------------------------------

def test_ncnd_provisions_are_not_redaction_grounds():
    grounds = {e.citation for e in Exemption}
    assert {p.citation for p in NcndProvision} == {"s.23(5)", "s.24(2)", "s.31(3)", "s.40(5)"}
    assert not grounds & {p.citation for p in NcndProvision}
    assert NcndProvision.S31_3.label.startswith("s.31(3): neither confirm nor deny")


def test_absolute_exemptions_ask_for_no_public_interest_test():
    assert {e.citation for e in ABSOLUTE_EXEMPTIONS} == {"s.21", "s.23(1)", "s.40(2)", "s.41"}
    assert answer_problems(ItemAnswer(Answer.WITHHELD, exemption=Exemption.S40_2)) == {}
    problems = answer_problems(ItemAnswer(Answer.WITHHELD, exemption=Exemption.S22))
    assert set(problems) == {"pit_for", "pit_against", "pit_conclusion"}
    assert needs_public_interest_test(ncnd=NcndProvision.S31_3) and not needs_public_interest_test(
        ncnd=NcndProvision.S23_5)


def test_each_answer_asks_for_what_it_needs():
    assert set(answer_problems(ItemAnswer(Answer.PUBLISHED))) == {"published_url"}
    assert answer_problems(ItemAnswer(Answer.PUBLISHED, published_url="https://example.org/x")) == {}
    assert set(answer_problems(ItemAnswer(Answer.WITHHELD))) == {"exemption"}
    assert "ncnd" in answer_problems(ItemAnswer(Answer.NCND))
    assert answer_problems(ItemAnswer(Answer.DISCLOSED)) == {}


# -- 20 working days --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("received", "due"), [
    (date(2018, 3, 1), date(2018, 3, 29)),  # just before Easter
    (date(2018, 3, 8), date(2018, 4, 9)),  # Good Friday 30 March and Easter Monday 2 April not counted
    (date(2018, 3, 15), date(2018, 4, 16)),
    (date(2018, 12, 10), date(2019, 1, 10)),  # Christmas, Boxing Day and New Year's Day not counted
    (date(2018, 12, 24), date(2019, 1, 24)),
    (date(2018, 6, 1), date(2018, 6, 29)),  # an ordinary month: four weeks
    (date(2018, 6, 2), date(2018, 6, 29)),  # received on a Saturday: counting starts on Monday
])
def test_due_date_is_20_working_days_after_receipt(received, due):
    assert due_date(received) == due


def test_due_soon_is_five_working_days_ahead():
    assert due_soon_horizon(date(2018, 3, 26)) == date(2018, 4, 4)  # over Easter
    assert add_working_days(date(2018, 3, 29), 1) == date(2018, 4, 3)
