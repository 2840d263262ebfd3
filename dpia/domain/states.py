"""Revision states and the regimes an assessment can fall under.

The transition table and its guards arrive with the review workflow; the states are fixed here
because the data model stores them from the start.
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
