"""Revision states, the one transition table that moves between them, and assessment regimes.

Who may take each action, and the guards on approval, live in `permissions` and `signoff`; the
service `dpia.services.review.transition` applies all three and writes the audit row.
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


STATE_LABELS = {
    RevisionState.DRAFT: "Draft",
    RevisionState.SUBMITTED: "Submitted for review",
    RevisionState.CHANGES_REQUESTED: "Changes requested",
    RevisionState.AWAITING_SIGN_OFF: "Awaiting sign-off",
    RevisionState.APPROVED: "Approved",
    RevisionState.REJECTED: "Rejected",
    RevisionState.SUPERSEDED: "Superseded",
}


class Regime(enum.StrEnum):
    """The law the processing falls under; it drives sign-off rules and deadlines."""

    UK_GDPR = "uk_gdpr"
    DPA_2018_PART_3 = "dpa_2018_part_3"
    BOTH = "both"

    @property
    def label(self) -> str:
        return REGIME_LABELS[self]


REGIME_LABELS = {
    Regime.UK_GDPR: "UK GDPR",
    Regime.DPA_2018_PART_3: "DPA 2018 Part 3 (law enforcement)",
    Regime.BOTH: "UK GDPR and DPA 2018 Part 3",
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

# Revisions in these states are still being worked on; the last approved one stays the version of record.
OPEN_STATES = frozenset({RevisionState.DRAFT, RevisionState.SUBMITTED, RevisionState.CHANGES_REQUESTED,
                         RevisionState.AWAITING_SIGN_OFF})


def next_state(state: RevisionState, action: Action) -> RevisionState | None:
    """The state `action` leads to from `state`, or None if the machine does not allow it."""
    return TRANSITIONS.get((state, action))
