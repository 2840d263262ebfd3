"""Revision states, what each state allows, and the one transition table that moves between them.

Who may take each action, and the guards on approval, live in `dpia.permissions` and `sign_off`; the
service `dpia.review.services.workflow.transition` applies all three and writes the audit row.
"""

from __future__ import annotations

import enum


class RevisionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    AWAITING_SIGN_OFF = "awaiting_sign_off"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    # What each state allows. Every page, service and template asks these, never a list of states.
    @property
    def is_open(self) -> bool:
        """Still being worked on (comments are open); the last approved revision stays the record."""
        return self in OPEN_STATES

    @property
    def is_editable(self) -> bool:
        """The team may change the content, or move it onto a newer questionnaire version."""
        return self in EDITABLE_STATES

    @property
    def is_frozen(self) -> bool:
        """Approved content never changes again: any change is a new revision."""
        return self in FROZEN_STATES

    @property
    def has_sign_off(self) -> bool:
        """It has reached sign-off, so its sign-off record is worth showing."""
        return self in SIGN_OFF_STATES

    @property
    def may_plan_publication(self) -> bool:
        """A decision to publish may be recorded: it is under review or approved."""
        return self in PLANNING_STATES

    @property
    def may_be_scheduled(self) -> bool:
        """Only approved content is published."""
        return self is RevisionState.APPROVED

    @property
    def will_never_be_published(self) -> bool:
        """Superseded or rejected: a plan to publish it has lapsed."""
        return self in (RevisionState.SUPERSEDED, RevisionState.REJECTED)


STATE_LABELS = {
    RevisionState.DRAFT: "Draft",
    RevisionState.SUBMITTED: "Submitted for review",
    RevisionState.CHANGES_REQUESTED: "Changes requested",
    RevisionState.AWAITING_SIGN_OFF: "Awaiting sign-off",
    RevisionState.APPROVED: "Approved",
    RevisionState.REJECTED: "Rejected",
    RevisionState.SUPERSEDED: "Superseded",
}


class Action(enum.StrEnum):
    """Things people do to a revision that change its state."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REQUEST_CHANGES = "request_changes"
    SEND_FOR_SIGN_OFF = "send_for_sign_off"
    APPROVE = "approve"
    REJECT = "reject"
    SUPERSEDE = "supersede"  # done by the system when a later revision is approved

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: "Submit for review",
    Action.WITHDRAW: "Withdraw from review",
    Action.REQUEST_CHANGES: "Request changes",
    Action.SEND_FOR_SIGN_OFF: "Send for sign-off",
    Action.APPROVE: "Approve",
    Action.REJECT: "Reject",
    Action.SUPERSEDE: "Supersede",
}

# The whole state machine: (state, action) -> next state. Anything not listed is refused.
TRANSITIONS: dict[tuple[RevisionState, Action], RevisionState] = {
    (RevisionState.DRAFT, Action.SUBMIT): RevisionState.SUBMITTED,
    (RevisionState.CHANGES_REQUESTED, Action.SUBMIT): RevisionState.SUBMITTED,
    (RevisionState.SUBMITTED, Action.WITHDRAW): RevisionState.DRAFT,
    (RevisionState.SUBMITTED, Action.REQUEST_CHANGES): RevisionState.CHANGES_REQUESTED,
    (RevisionState.AWAITING_SIGN_OFF, Action.REQUEST_CHANGES): RevisionState.CHANGES_REQUESTED,
    (RevisionState.SUBMITTED, Action.SEND_FOR_SIGN_OFF): RevisionState.AWAITING_SIGN_OFF,
    (RevisionState.AWAITING_SIGN_OFF, Action.APPROVE): RevisionState.APPROVED,
    (RevisionState.AWAITING_SIGN_OFF, Action.REJECT): RevisionState.REJECTED,
    (RevisionState.APPROVED, Action.SUPERSEDE): RevisionState.SUPERSEDED,
}

OPEN_STATES = frozenset({RevisionState.DRAFT, RevisionState.SUBMITTED, RevisionState.CHANGES_REQUESTED,
                         RevisionState.AWAITING_SIGN_OFF})
EDITABLE_STATES = frozenset({RevisionState.DRAFT, RevisionState.CHANGES_REQUESTED})
FROZEN_STATES = frozenset({RevisionState.APPROVED, RevisionState.SUPERSEDED})
SIGN_OFF_STATES = frozenset({RevisionState.AWAITING_SIGN_OFF, RevisionState.APPROVED, RevisionState.SUPERSEDED,
                             RevisionState.REJECTED})
PLANNING_STATES = frozenset({RevisionState.SUBMITTED, RevisionState.AWAITING_SIGN_OFF, RevisionState.APPROVED})


def next_state(state: RevisionState, action: Action) -> RevisionState | None:
    """The state `action` leads to from `state`, or None if the machine does not allow it."""
    return TRANSITIONS.get((state, action))
