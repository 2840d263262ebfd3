"""Who may do what. The one place authorization rules live.

Views ask these functions (and `dpia.core.permissions.require` turns an answer into a refusal), templates
are given their answers as booleans, and services check again. Functions take plain protocols so they can be tested
without a database.
"""

from __future__ import annotations

from typing import Protocol

from dpia.accounts.rules import Role
from dpia.core.permissions import Actor, has_any_role
from dpia.review.rules.sign_off import SignOffKind, kinds_for
from dpia.review.rules.states import Action, RevisionState, next_state


class OwnedByTeam(Protocol):
    team_id: int


class HasId(Protocol):
    id: int


class RevisionLike(Protocol):
    state: RevisionState

    @property
    def assessment(self) -> OwnedByTeam: ...


# Reviewers, DPOs and approvers look across every team's assessments; administrators run the service; FOI
# officers answer requests about any of them.
_OVERSIGHT_ROLES = frozenset({Role.REVIEWER, Role.DPO, Role.APPROVER, Role.ADMIN, Role.FOI_OFFICER})
# The people who review a team's work: never a member of that team (segregation of duties).
_REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.DPO, Role.APPROVER})


def can_list_all_assessments(actor: Actor | None) -> bool:
    """Reviewers, DPOs, approvers and administrators see every assessment; team members only their teams'."""
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


def can_transition(actor: Actor | None, revision: RevisionLike, action: Action, *, edited: bool,
                   advised: bool = False, screening_only: bool = False) -> bool:
    """Whether `actor` may take `action` on `revision` now.

    Segregation of duties: nobody in the owning team, and nobody who edited the revision, requests
    changes, sends it for sign-off, or approves or rejects it, whatever roles they hold. The DPO advises
    and the approver decides; whoever recorded the DPO's advice does not approve the same revision. A
    screening record (no assessment required) is decided by a DPO.

    :param edited: the actor changed this revision's content.
    :param advised: the actor recorded the DPO's advice on it.
    :param screening_only: the revision is a screening record.
    """
    if actor is None or next_state(revision.state, action) is None:
        return False
    if action in (Action.SUBMIT, Action.WITHDRAW):
        return in_owning_team(actor, revision)
    if edited or in_owning_team(actor, revision):
        return False
    if action is Action.REQUEST_CHANGES:
        return has_any_role(actor, _REVIEWING_ROLES)
    if action is Action.SEND_FOR_SIGN_OFF:
        return has_any_role(actor, {Role.REVIEWER, Role.DPO})
    if action in (Action.APPROVE, Action.REJECT):
        if screening_only:
            return has_any_role(actor, {Role.DPO})
        return has_any_role(actor, {Role.APPROVER}) and not advised
    return False  # superseding is done by the system when a later revision is approved


def independence_problem(actor: Actor | None, revision: RevisionLike, *, edited: bool,
                         advised: bool = False) -> str | None:
    """Why `actor` may not review, sign off or decide on this revision, in words for the page (None if
    nothing stands in the way), so an organisation whose only DPO is in the team sees why, not nothing."""
    if actor is None or not has_any_role(actor, _REVIEWING_ROLES):
        return None
    if in_owning_team(actor, revision):
        return ("You are a member of the team that owns this assessment, so you cannot send it for sign-off, "
                "record its sign-off or decide on it. Someone outside the team must do that, even if you hold "
                "the role.")
    if edited:
        return "You worked on this revision, so you cannot send it for sign-off, sign it off or decide on it."
    if advised and has_any_role(actor, {Role.APPROVER}):
        return "You recorded the DPO's advice on this revision, so another approver must decide on it."
    return None


def reviews_work(actor: Actor | None) -> bool:
    """Reviewers and DPOs see what waits for review or sign-off."""
    return has_any_role(actor, {Role.REVIEWER, Role.DPO})


def gives_dpo_advice(actor: Actor | None) -> bool:
    return has_any_role(actor, {Role.DPO})


def takes_decisions(actor: Actor | None) -> bool:
    """Approvers decide on full assessments (and check the conditions they gave)."""
    return has_any_role(actor, {Role.APPROVER})


def follows_reviews_due(actor: Actor | None) -> bool:
    """The DPO and approvers keep approved assessments under review, so they see which reviews are due."""
    return has_any_role(actor, {Role.DPO, Role.APPROVER})


def can_comment(actor: Actor | None, revision: RevisionLike) -> bool:
    """The team and the people reviewing it discuss a revision while it is open."""
    if actor is None or not revision.state.is_open:
        return False
    return in_owning_team(actor, revision) or has_any_role(actor, _REVIEWING_ROLES)


def can_record_sign_off(actor: Actor | None, revision: RevisionLike, kind: SignOffKind, *, edited: bool,
                        screening_only: bool = False) -> bool:
    """Sign-off rows are recorded while a revision awaits sign-off, by the roles the row names (the DPO
    advises, the approver accepts or overrules), never by the owning team or someone who edited it. A
    screening record has only its screening row; a full assessment has every row but that one."""
    if actor is None or edited or revision.state is not RevisionState.AWAITING_SIGN_OFF:
        return False
    if in_owning_team(actor, revision) or kind not in kinds_for(screening_only=screening_only):
        return False
    return has_any_role(actor, kind.spec.recorded_by)


def can_mark_condition_done(actor: Actor | None, revision: RevisionLike) -> bool:
    """A condition of approval is marked done by the team that must meet it, or by an approver."""
    return in_owning_team(actor, revision) or has_any_role(actor, {Role.APPROVER})


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


def can_record_foi(actor: Actor | None) -> bool:
    """FOI officers and the DPO record FOI requests, their items, answers, replies and internal reviews."""
    return has_any_role(actor, {Role.FOI_OFFICER, Role.DPO})


def can_read_foi(actor: Actor | None) -> bool:
    """FOI records hold requesters' names, so only FOI officers, the DPO and administrators read them
    (not the owning team, nor reviewers or approvers)."""
    return has_any_role(actor, {Role.FOI_OFFICER, Role.DPO, Role.ADMIN})


def follows_foi_deadlines(actor: Actor | None) -> bool:
    """The people who answer FOI requests see which replies are due soon or overdue."""
    return can_record_foi(actor)


def can_manage_questionnaires(actor: Actor | None) -> bool:
    """Questionnaire versions bind every assessment that uses them, so only administrators add them."""
    return has_any_role(actor, {Role.ADMIN})


def can_manage_users(actor: Actor | None) -> bool:
    return has_any_role(actor, {Role.ADMIN})


def can_deactivate(actor: Actor | None, account: HasId) -> bool:
    """Administrators deactivate other people's accounts, never their own, so nobody locks themselves out
    and a lone administrator cannot leave the service with none."""
    return can_manage_users(actor) and actor is not None and actor.id != account.id


def can_set_roles(actor: Actor | None, account: HasId, roles: frozenset[Role]) -> bool:
    """Administrators give and take roles, but never take their own administrator role away, for the
    same reason they cannot deactivate themselves."""
    if not can_manage_users(actor) or actor is None:
        return False
    return actor.id != account.id or Role.ADMIN in roles


def can_attach_evidence(actor: Actor | None, revision: RevisionLike) -> bool:
    """Evidence files are part of the revision's content: whoever may edit its answers adds and removes
    them, and only while it can be edited."""
    return can_edit_revision(actor, revision)


def can_decide_evidence_publication(actor: Actor | None) -> bool:
    """Whether an evidence file is published or withheld is a publication decision: the DPO's."""
    return can_publish(actor)


class OwnedByUser(Protocol):
    user_id: int


def can_manage_api_token(actor: Actor | None, token: OwnedByUser) -> bool:
    """A personal access token is listed and revoked only by the person it belongs to."""
    return actor is not None and token.user_id == actor.id


def can_import_cnil(actor: Actor | None) -> bool:
    """Importing from the CNIL's PIA tool creates assessments for any team and questionnaire versions, so
    it is an administrator's job, like uploading questionnaires."""
    return has_any_role(actor, {Role.ADMIN})


def can_view_cnil_annex(actor: Actor | None, assessment: OwnedByTeam) -> bool:
    """The "Imported from CNIL" annex is part of the revision: whoever may see the assessment sees it."""
    return can_view_assessment(actor, assessment)


def can_transfer(actor: Actor | None) -> bool:
    """Exporting and importing whole assessments moves every revision, signature, FOI requester's name
    and audit row at once, so only administrators do it."""
    return has_any_role(actor, {Role.ADMIN})
