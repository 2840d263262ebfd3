"""Who may do what. The one place authorization rules live.

Views call `require(...)`, templates ask the same functions (through a context processor) which
buttons to show, and services check again. Functions take plain protocols so they can be tested
without a database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Protocol

from dpia.domain.errors import PermissionDeniedError
from dpia.domain.roles import Role
from dpia.domain.states import RevisionState


class Actor(Protocol):
    """What the rules need to know about the person acting."""

    @property
    def role_set(self) -> frozenset[Role]: ...

    @property
    def team_ids(self) -> frozenset[int]: ...


class OwnedByTeam(Protocol):
    team_id: int


class RevisionLike(Protocol):
    state: RevisionState

    @property
    def assessment(self) -> OwnedByTeam: ...


class Permission(enum.StrEnum):
    """Named permissions, `area:action`, for audit messages and templates."""

    ASSESSMENT_VIEW = "assessment:view"
    REVISION_EDIT = "revision:edit"
    ASSESSMENT_LIST_ALL = "assessment:list_all"
    USER_MANAGE = "user:manage"
    QUESTIONNAIRE_MANAGE = "questionnaire:manage"


# Reviewers and DPOs look across every team's assessments; administrators run the service.
_OVERSIGHT_ROLES = frozenset({Role.REVIEWER, Role.DPO, Role.ADMIN})


def has_any_role(actor: Actor | None, roles: Iterable[Role]) -> bool:
    return actor is not None and bool(actor.role_set & frozenset(roles))


def can_list_all_assessments(actor: Actor | None) -> bool:
    """Reviewers, DPOs and administrators see every assessment; team members only their teams'."""
    return has_any_role(actor, _OVERSIGHT_ROLES)


def can_view_assessment(actor: Actor | None, assessment: OwnedByTeam) -> bool:
    if actor is None:
        return False
    return can_list_all_assessments(actor) or assessment.team_id in actor.team_ids


# Only these states accept edits; anything approved is frozen and changes need a new revision.
EDITABLE_STATES = frozenset({RevisionState.DRAFT, RevisionState.CHANGES_REQUESTED})


def can_edit_revision(actor: Actor | None, revision: RevisionLike) -> bool:
    """Only the owning team edits, and only while the revision is a draft or sent back for changes."""
    if actor is None or revision.state not in EDITABLE_STATES:
        return False
    return revision.assessment.team_id in actor.team_ids


def can_manage_questionnaires(actor: Actor | None) -> bool:
    """Questionnaire versions bind every assessment that uses them, so only administrators add them."""
    return has_any_role(actor, {Role.ADMIN})


def can_manage_users(actor: Actor | None) -> bool:
    return has_any_role(actor, {Role.ADMIN})


def require(allowed: bool, message: str = "You do not have permission to do that") -> None:
    """Raise `PermissionDeniedError` unless `allowed`."""
    if not allowed:
        raise PermissionDeniedError(message)
