"""The state machine and its role rules, exhaustively: every role x state x action."""

from dataclasses import dataclass

import pytest

from dpia.accounts.rules import Role
from dpia.assessments.rules.content import canonical_document
from dpia.core.hashing import canonical_json, sha256
from dpia.permissions import can_comment, can_edit_revision, can_record_sign_off, can_transition
from dpia.review.rules.sign_off import SignOffKind, SignOffRecord, approval_problems, clean_details
from dpia.review.rules.states import TRANSITIONS, Action, RevisionState, next_state

S = RevisionState


@dataclass(frozen=True)
class Actor:
    role_set: frozenset
    team_ids: frozenset


@dataclass(frozen=True)
class Owned:
    team_id: int = 1


@dataclass(frozen=True)
class Rev:
    state: RevisionState
    assessment: Owned = Owned()


PRINCIPALS = {
    "owner": Actor(frozenset({Role.TEAM_MEMBER}), frozenset({1})),
    "other_team": Actor(frozenset({Role.TEAM_MEMBER}), frozenset({2})),
    "reviewer": Actor(frozenset({Role.REVIEWER}), frozenset()),
    "dpo": Actor(frozenset({Role.DPO}), frozenset()),
    "admin": Actor(frozenset({Role.ADMIN}), frozenset()),
    "dpo_in_team": Actor(frozenset({Role.DPO, Role.TEAM_MEMBER}), frozenset({1})),
}

# The specification, written out: which principal may take which action from which state.
# Anything not listed must be refused. `edited` principals are tested separately below.
ALLOWED = {
    (S.DRAFT, Action.SUBMIT): {"owner", "dpo_in_team"},
    (S.CHANGES_REQUESTED, Action.SUBMIT): {"owner", "dpo_in_team"},
    (S.SUBMITTED, Action.WITHDRAW): {"owner", "dpo_in_team"},
    (S.SUBMITTED, Action.REQUEST_CHANGES): {"reviewer", "dpo", "dpo_in_team"},
    (S.AWAITING_SIGN_OFF, Action.REQUEST_CHANGES): {"reviewer", "dpo", "dpo_in_team"},
    (S.SUBMITTED, Action.SEND_FOR_SIGN_OFF): {"reviewer", "dpo", "dpo_in_team"},
    (S.AWAITING_SIGN_OFF, Action.APPROVE): {"dpo", "dpo_in_team"},
    (S.AWAITING_SIGN_OFF, Action.REJECT): {"dpo", "dpo_in_team"},
}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_role_state_action_table(principal, action, state):
    expected = principal in ALLOWED.get((state, action), set())
    assert can_transition(PRINCIPALS[principal], Rev(state), action, edited=False) is expected


@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_nobody_reviews_or_approves_their_own_work(state, action):
    dpo_who_edited = PRINCIPALS["dpo_in_team"]
    allowed_after_editing = action in (Action.SUBMIT, Action.WITHDRAW)
    assert can_transition(dpo_who_edited, Rev(state), action, edited=True) is allowed_after_editing


def test_the_table_is_the_machine():
    assert next_state(S.DRAFT, Action.APPROVE) is None
    assert next_state(S.APPROVED, Action.SUPERSEDE) is S.SUPERSEDED
    assert set(TRANSITIONS.values()) == set(S)  # every state, draft included (withdraw), can be reached
    # The system supersedes; no person can.
    assert not any(can_transition(p, Rev(S.APPROVED), Action.SUPERSEDE, edited=False) for p in PRINCIPALS.values())


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_editing_comments_and_sign_off_by_state(principal, state):
    actor = PRINCIPALS[principal]
    in_team = principal in ("owner", "dpo_in_team")
    oversight = principal in ("reviewer", "dpo", "dpo_in_team")
    assert can_edit_revision(actor, Rev(state)) is (in_team and state in (S.DRAFT, S.CHANGES_REQUESTED))
    open_state = state in (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.AWAITING_SIGN_OFF)
    assert can_comment(actor, Rev(state)) is (open_state and (in_team or oversight))
    for kind in SignOffKind:
        may = state is S.AWAITING_SIGN_OFF and (
            principal in ("dpo", "dpo_in_team") if kind is SignOffKind.DPO_ADVICE else oversight)
        assert can_record_sign_off(actor, Rev(state), kind, edited=False) is may
        assert can_record_sign_off(actor, Rev(state), kind, edited=True) is False


# -- approval guards --------------------------------------------------------------------------

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


def test_canonical_hash_is_stable_and_sensitive():
    def document(answers, rows=None):
        return canonical_document(questionnaires=[{"key": "uk-dpia", "version": 2, "content_hash": "h"}],
                                  question_keys=["a", "b"], answers=answers, rows=rows or {})
    base = sha256(canonical_json(document({"a": "x", "b": 1})))
    assert base == sha256(canonical_json(document({"b": 1, "a": "x"})))  # order does not matter
    assert base == sha256(canonical_json(document({"a": "x", "b": 1, "not.a.question": "ignored"})))
    assert base != sha256(canonical_json(document({"a": "x ", "b": 1})))
    with_row = sha256(canonical_json(document({"a": "x", "b": 1}, {"t": [("uid1", {"period_days": 30})]})))
    assert with_row != base
    assert with_row != sha256(canonical_json(document({"a": "x", "b": 1}, {"t": [("uid1", {"period_days": 31})]})))
