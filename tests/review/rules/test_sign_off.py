"""Approval guards on plain values: which sign-offs approval needs, and what each sign-off's details need."""

import pytest

from dpia.review.rules.sign_off import SignOffKind, SignOffRecord, approval_problems, clean_details

HASH = "a" * 64


def record(kind, content=HASH, **details):
    return SignOffRecord(kind, content, details)


COMPLETE = [record(SignOffKind.MEASURES_APPROVED), record(SignOffKind.RESIDUAL_RISKS_APPROVED),
            record(SignOffKind.DPO_ADVICE, recommendation="proceed", summary="Fine"),
            record(SignOffKind.ADVICE_DECISION, decision="accepted"),
            record(SignOffKind.KEPT_UNDER_REVIEW, next_review_date="2018-04-30")]


def texts(problems):
    return [str(p) for p in problems]


def test_complete_sign_off_allows_approval():
    assert approval_problems(COMPLETE, HASH, needs_prior_consultation=False) == []


@pytest.mark.parametrize("missing", [r.kind for r in COMPLETE])
def test_every_step_7_row_is_needed(missing):
    records = [r for r in COMPLETE if r.kind is not missing]
    problems = approval_problems(records, HASH, needs_prior_consultation=False)
    assert [p.sign_off for p in problems] == [missing.value]
    assert len(problems) == 1 and "Record" in str(problems[0])


def test_consultation_responses_are_needed_only_when_views_were_sought():
    problems = approval_problems(COMPLETE, HASH, needs_prior_consultation=False, views_sought=True)
    assert [p.sign_off for p in problems] == [SignOffKind.CONSULTATION_REVIEWED.value]
    reviewed = [*COMPLETE, record(SignOffKind.CONSULTATION_REVIEWED, departs_from_views=False)]
    assert approval_problems(reviewed, HASH, needs_prior_consultation=False, views_sought=True) == []


def test_a_screening_record_needs_only_the_screening_decision():
    assert [p.sign_off for p in approval_problems([], HASH, needs_prior_consultation=False, screening_only=True)] \
        == [SignOffKind.SCREENING_DECISION.value]
    decided = [record(SignOffKind.SCREENING_DECISION, screening_reasons="No high-risk indicator applies")]
    assert approval_problems(decided, HASH, needs_prior_consultation=False, screening_only=True) == []


def test_a_change_after_sign_off_invalidates_it():
    problems = approval_problems(COMPLETE, "b" * 64, needs_prior_consultation=False)
    assert len([p for p in texts(problems) if "signed for different content" in p]) == len(COMPLETE)


def test_re_signing_replaces_the_stale_row():
    records = [*COMPLETE, *(record(r.kind, content="b" * 64, **r.details) for r in COMPLETE)]
    assert approval_problems(records, "b" * 64, needs_prior_consultation=False) == []


def test_advice_not_to_proceed_must_be_overruled_with_reasons():
    advice = [*(r for r in COMPLETE if r.kind is not SignOffKind.DPO_ADVICE),
              record(SignOffKind.DPO_ADVICE, recommendation="do_not_proceed", summary="No")]
    assert any("overruled" in p for p in texts(approval_problems(advice, HASH, needs_prior_consultation=False)))
    overruled = [*advice, record(SignOffKind.ADVICE_DECISION, decision="overruled", reasons="Public safety")]
    assert approval_problems(overruled, HASH, needs_prior_consultation=False) == []
    _, errors = clean_details(SignOffKind.ADVICE_DECISION, {"decision": "overruled", "reasons": " "})
    assert errors == {"reasons": "Give the reasons for overruling the DPO's advice"}


def test_departing_from_consultation_views_needs_reasons():
    _, errors = clean_details(SignOffKind.CONSULTATION_REVIEWED, {"departs_from_views": "yes"})
    assert "departure_reasons" in errors
    details, errors = clean_details(SignOffKind.CONSULTATION_REVIEWED, {"departs_from_views": "no"})
    assert errors == {} and details == {"departs_from_views": False}


def test_residual_high_risk_needs_the_prior_consultation_outcome():
    problems = approval_problems(COMPLETE, HASH, needs_prior_consultation=True)
    assert [p.sign_off for p in problems] == [SignOffKind.PRIOR_CONSULTATION.value]
    assert "Art. 36" in str(problems[0]) and "s.65" in str(problems[0])
    consulted = [*COMPLETE, record(SignOffKind.PRIOR_CONSULTATION, submitted_on="2017-05-02", outcome="no_objection")]
    assert approval_problems(consulted, HASH, needs_prior_consultation=True) == []
    banned = [*COMPLETE, record(SignOffKind.PRIOR_CONSULTATION, submitted_on="2017-05-02", outcome="limited_or_banned")]
    assert approval_problems(banned, HASH, needs_prior_consultation=True)


@pytest.mark.parametrize(("kind", "raw", "field"), [
    (SignOffKind.DPO_ADVICE, {"summary": "x"}, "recommendation"),
    (SignOffKind.DPO_ADVICE, {"recommendation": "proceed"}, "summary"),
    (SignOffKind.KEPT_UNDER_REVIEW, {"next_review_date": "next spring"}, "next_review_date"),
    (SignOffKind.PRIOR_CONSULTATION, {"submitted_on": "2017-05-02"}, "outcome"),
])
def test_sign_off_details_say_what_is_missing(kind, raw, field):
    _, errors = clean_details(kind, raw)
    assert field in errors
