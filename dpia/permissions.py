"""Who may do what. The one place authorization rules live.

Views ask these functions (and `dpia.core.permissions.require` turns an answer into a refusal), templates
are given their answers as booleans, and services check again. Functions take plain protocols so they can be tested
without a database.
"""

from __future__ import annotations

from typing import Protocol

from dpia.accounts.rules import Role
from dpia.core.permissions import Actor, has_any_role
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState, next_state


class OwnedByTeam(Protocol):
    team_id: int


class HasId(Protocol):
    id: int


class RevisionLike(Protocol):
    state: RevisionState

    @property
    def assessment(self) -> OwnedByTeam: ...


# Reviewers and DPOs look across every team's assessments; administrators run the service.
_OVERSIGHT_ROLES = frozenset({Role.REVIEWER, Role.DPO, Role.ADMIN})


def can_list_all_assessments(actor: Actor | None) -> bool:
    """Reviewers, DPOs and administrators see every assessment; team members only their teams'."""
    return has_any_role(actor, _OVERSIGHT_ROLES)


def can_view_assessment(actor: Actor | None, assessment: OwnedByTeam) -> bool:
    if actor is None:
        return False
    return can_list_all_assessments(actor) or assessment.team_id in actor.team_ids


def can_edit_revision(actor: Actor | None, revision: RevisionLike) -> bool:
    """Only the owning team edits, and only while the revision is a draft or sent back for changes."""
    if actor is None or not revision.state.is_editable:
        return False
    return revision.assessment.team_id in actor.team_ids


def in_owning_team(actor: Actor | None, revision: RevisionLike) -> bool:
    return actor is not None and revision.assessment.team_id in actor.team_ids


def can_transition(actor: Actor | None, revision: RevisionLike, action: Action, *, edited: bool) -> bool:
    """Whether `actor` may take `action` on `revision` now.

    :param edited: the actor changed this revision's content. Nobody reviews, signs off or approves
        their own work (segregation of duties), whatever roles they hold.
    """
    if actor is None or next_state(revision.state, action) is None:
        return False
    if action in (Action.SUBMIT, Action.WITHDRAW):
        return in_owning_team(actor, revision)
    if action in (Action.REQUEST_CHANGES, Action.SEND_FOR_SIGN_OFF):
        return has_any_role(actor, {Role.REVIEWER, Role.DPO}) and not edited
    if action in (Action.APPROVE, Action.REJECT):
        return has_any_role(actor, {Role.DPO}) and not edited
    return False  # superseding is done by the system when a later revision is approved


def can_comment(actor: Actor | None, revision: RevisionLike) -> bool:
    """The team and the people reviewing it discuss a revision while it is open."""
    if actor is None or not revision.state.is_open:
        return False
    return in_owning_team(actor, revision) or has_any_role(actor, {Role.REVIEWER, Role.DPO})


def can_record_sign_off(actor: Actor | None, revision: RevisionLike, kind: SignOffKind, *, edited: bool) -> bool:
    """Sign-off rows are recorded while a revision awaits sign-off, never by someone who edited it;
    only a DPO gives DPO advice."""
    if actor is None or edited or revision.state is not RevisionState.AWAITING_SIGN_OFF:
        return False
    if kind is SignOffKind.DPO_ADVICE:
        return has_any_role(actor, {Role.DPO})
    return has_any_role(actor, {Role.REVIEWER, Role.DPO})


def can_start_revision(actor: Actor | None, assessment: OwnedByTeam, latest_state: RevisionState) -> bool:
    """A new revision starts from an approved one, by its team, when no other revision is open."""
    return (actor is not None and assessment.team_id in actor.team_ids
            and latest_state is RevisionState.APPROVED)


def can_start_assessment(actor: Actor | None, team: HasId) -> bool:
    """People start assessments for the teams they belong to."""
    return actor is not None and team.id in actor.team_ids


def can_publish(actor: Actor | None) -> bool:
    """Publication decisions, redactions, schedules, withdrawals and FOI records are the DPO's."""
    return has_any_role(actor, {Role.DPO})


def can_manage_questionnaires(actor: Actor | None) -> bool:
    """Questionnaire versions bind every assessment that uses them, so only administrators add them."""
    return has_any_role(actor, {Role.ADMIN})


def can_manage_users(actor: Actor | None) -> bool:
    return has_any_role(actor, {Role.ADMIN})
