"""The review state machine: the transition table is the machine, and only the system supersedes."""

from dpia.permissions import can_transition
from dpia.review.rules.states import TRANSITIONS, Action, RevisionState, next_state
from tests.factories import PRINCIPALS, StubRevision

S = RevisionState


def test_the_table_is_the_machine():
    assert next_state(S.DRAFT, Action.APPROVE) is None
    assert next_state(S.APPROVED, Action.SUPERSEDE) is S.SUPERSEDED
    assert set(TRANSITIONS.values()) == set(S)  # every state, draft included (withdraw), can be reached
    # The system supersedes; no person can.
    assert not any(can_transition(p, StubRevision(S.APPROVED), Action.SUPERSEDE, edited=False)
                   for p in PRINCIPALS.values())
