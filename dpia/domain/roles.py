"""The organisation-wide roles a user account can hold."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """What a person does in the assessment process; one account may hold several."""

    TEAM_MEMBER = "team_member"
    REVIEWER = "reviewer"
    DPO = "dpo"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.TEAM_MEMBER: "Team member",
    Role.REVIEWER: "Reviewer",
    Role.DPO: "Data protection officer",
    Role.ADMIN: "Administrator",
}
