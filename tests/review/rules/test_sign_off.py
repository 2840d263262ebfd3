"""Approval guards on plain values: which sign-offs approval needs, and what each sign-off's details need."""

import pytest

from dpia.review.rules.sign_off import SignOffKind, SignOffRecord, approval_problems, clean_details

HASH = "a" * 64


def record(kind, content=HASH, **details):
    return SignOffRecord(kind, content, details)


COMPLETE = [record(SignOffKind.DPO_ADVICE, recommendation="proceed", summary="Fine"),
            record(SignOffKind.KEPT_UNDER_REVIEW, next_review_date="2018-04-30")]


def test_complete_sign_off_allows_approval():
    assert approval_problems(COMPLETE, HASH, needs_prior_consultation=False) == []


def test_approval_needs_dpo_advice_and_a_reviewer():
    problems = approval_problems([], HASH, needs_prior_consultation=False)
    assert any("DPO's advice" in p for p in problems)
    assert any("under review" in p for p in problems)


def test_a_change_after_sign_off_invalidates_it():
    problems = approval_problems(COMPLETE, "b" * 64, needs_prior_consultation=False)
    assert len([p for p in problems if "signed for different content" in p]) == 2


def test_re_signing_replaces_the_stale_row():
    records = [*COMPLETE, record(SignOffKind.DPO_ADVICE, content="b" * 64, recommendation="proceed", summary="x"),
               record(SignOffKind.KEPT_UNDER_REVIEW, content="b" * 64, next_review_date="2018-04-30")]
    assert approval_problems(records, "b" * 64, needs_prior_consultation=False) == []


def test_advice_not_to_proceed_must_be_overruled_with_reasons():
    advice = [record(SignOffKind.DPO_ADVICE, recommendation="do_not_proceed", summary="No"), COMPLETE[1]]
    assert any("overruled" in p for p in approval_problems(advice, HASH, needs_prior_consultation=False))
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
    assert any("Art. 36" in p and "s.65" in p for p in problems)
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
