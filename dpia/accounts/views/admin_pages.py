"""Administrators' pages for accounts and teams (`/admin`).

The blueprint refuses anyone but an administrator; the changes to access (editing roles,
deactivating, signing out everywhere, resetting MFA) also need a recent re-authentication, which
the hook in reauthentication.py enforces.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from dpia.accounts.models import Team, User
from dpia.accounts.rules import Role
from dpia.accounts.services.administration import (
    AccountProblem,
    AccountStatus,
    account_summaries,
    create_team,
    deactivate_user,
    get_account,
    get_team,
    invite_user,
    list_accounts,
    list_teams,
    reactivate_user,
    rename_team,
    resend_invitation,
    sign_out_everywhere,
    update_user,
)
from dpia.accounts.services.mfa import reset_mfa
from dpia.accounts.views import admin
from dpia.accounts.views.sign_in import session_limits
from dpia.core import clock
from dpia.core.permissions import require
from dpia.permissions import can_deactivate, can_manage_users, can_set_roles
from forms.accounts.admin import AccountActionForm, EditUserForm, InviteUserForm, TeamForm

KEEP_OWN_ADMIN_ROLE = ("You cannot remove your own administrator role. Another administrator must do it, "
                       "so that the service always has someone who can manage accounts")


@admin.before_request
def require_admin():
    if current_user.is_authenticated and not can_manage_users(current_user):
        abort(403)


def _actor() -> User:
    return current_user._get_current_object()


def _invitation_path(token: str) -> str:
    return url_for("auth.accept_invitation", token=token)


def _offer_choices(form: InviteUserForm | EditUserForm) -> dict[int, Team]:
    """Fill the roles and teams checkboxes; returns the teams by id, to turn ticked boxes into teams."""
    teams = {team.id: team for team, _members in list_teams()}
    form.roles.choices = [(role.value, role.label) for role in Role]
    form.teams.choices = [(str(team_id), team.name) for team_id, team in teams.items()]
    return teams


def _chosen(form: InviteUserForm | EditUserForm, teams: dict[int, Team]) -> tuple[frozenset[Role], list[Team]]:
    return (frozenset(Role(value) for value in form.roles.data or []),
            [teams[int(value)] for value in form.teams.data or []])


def _show_problem(form: InviteUserForm | EditUserForm | TeamForm, problem: AccountProblem) -> None:
    getattr(form, problem.field).errors.append(str(problem))


@admin.route("/users")
def users():
    return render_template("accounts/users.html",
                           accounts=list_accounts(now=clock.now(), limits=session_limits()))


@admin.route("/users/invite", methods=["GET", "POST"])
def invite():
    form = InviteUserForm()
    teams = _offer_choices(form)
    if form.validate_on_submit():
        roles, chosen_teams = _chosen(form, teams)
        try:
            invited = invite_user(actor=_actor(), now=clock.now(), email=form.email.data or "",
                               name=form.name.data or "", roles=roles, teams=chosen_teams,
                               lifetime=current_app.config["INVITATION_LIFETIME"], link_path=_invitation_path)
        except AccountProblem as problem:
            _show_problem(form, problem)
        else:
            flash(f"Invitation sent to {invited.email}", "success")
            return redirect(url_for(".user", user_id=invited.id))
    return render_template("accounts/invite.html", form=form), 400 if form.errors else 200


@admin.route("/users/<int:user_id>")
def user(user_id: int):
    account = get_account(user_id)
    summary, = account_summaries([account], now=clock.now(), limits=session_limits())
    return render_template("accounts/user.html", summary=summary, account=account,
                           invited=summary.status is AccountStatus.INVITED,
                           may_deactivate=can_deactivate(current_user, account))


@admin.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    account = get_account(user_id)
    form = EditUserForm(obj=None if request.method == "POST" else account)
    teams = _offer_choices(form)
    if request.method == "GET":
        form.roles.data = sorted(role.value for role in account.role_set)
        form.teams.data = [str(team_id) for team_id in sorted(account.team_ids)]
    if form.validate_on_submit():
        roles, chosen_teams = _chosen(form, teams)
        if not can_set_roles(current_user, account, roles):
            form.roles.errors.append(KEEP_OWN_ADMIN_ROLE)
        else:
            try:
                update_user(actor=_actor(), now=clock.now(), user=account, name=form.name.data or "", roles=roles,
                            teams=chosen_teams)
            except AccountProblem as problem:
                _show_problem(form, problem)
            else:
                flash(f"{account.name}'s account has been updated", "success")
                return redirect(url_for(".user", user_id=account.id))
    return (render_template("accounts/edit_user.html", form=form, account=account,
                            editing_self=account.id == current_user.id),
            400 if form.errors else 200)


def _account_action(user_id: int) -> User:
    """The account a button acts on, once the button's CSRF token has been checked."""
    account = get_account(user_id)
    if not AccountActionForm().validate_on_submit():
        abort(400)
    return account


def _back_to(account: User) -> Response:
    return redirect(url_for(".user", user_id=account.id))


@admin.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    account = _account_action(user_id)
    require(can_deactivate(current_user, account), "You cannot deactivate your own account")
    deactivate_user(actor=_actor(), now=clock.now(), user=account)
    flash(f"{account.name}'s account has been deactivated and signed out everywhere", "success")
    return _back_to(account)


@admin.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int):
    account = _account_action(user_id)
    require(can_deactivate(current_user, account), "You cannot reactivate your own account")
    reactivate_user(actor=_actor(), now=clock.now(), user=account)
    flash(f"{account.name}'s account has been reactivated", "success")
    return _back_to(account)


@admin.route("/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
def end_sessions(user_id: int):
    account = _account_action(user_id)
    ended = sign_out_everywhere(actor=_actor(), now=clock.now(), user=account)
    flash(f"{account.name} has been signed out everywhere ({ended} session{'' if ended == 1 else 's'} ended)",
          "success")
    return _back_to(account)


@admin.route("/users/<int:user_id>/reset-two-factor", methods=["POST"], endpoint="reset_mfa")
def reset_mfa_of(user_id: int):
    account = _account_action(user_id)
    reset_mfa(actor=_actor(), user=account, now=clock.now())
    flash(f"{account.name}'s two-factor authentication has been reset. They must set it up again when they "
          "next sign in", "success")
    return _back_to(account)



@admin.route("/users/<int:user_id>/resend-invitation", methods=["POST"], endpoint="resend_invitation")
def resend_invitation_to(user_id: int):
    account = _account_action(user_id)
    resend_invitation(actor=_actor(), now=clock.now(), user=account,
                      lifetime=current_app.config["INVITATION_LIFETIME"], link_path=_invitation_path)
    flash(f"A new invitation has been sent to {account.email}. Earlier invitation links no longer work", "success")
    return _back_to(account)


@admin.route("/teams", methods=["GET", "POST"])
def teams():
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = create_team(actor=_actor(), now=clock.now(), name=form.name.data or "")
        except AccountProblem as problem:
            _show_problem(form, problem)
        else:
            flash(f"Team ‘{team.name}’ created", "success")
            return redirect(url_for(".teams"))
    return render_template("accounts/teams.html", form=form, teams=list_teams()), 400 if form.errors else 200


@admin.route("/teams/<int:team_id>", methods=["GET", "POST"], endpoint="rename_team")
def rename_team_page(team_id: int):
    team = get_team(team_id)
    form = TeamForm(obj=None if request.method == "POST" else team)
    if form.validate_on_submit():
        try:
            rename_team(actor=_actor(), now=clock.now(), team=team, name=form.name.data or "")
        except AccountProblem as problem:
            _show_problem(form, problem)
        else:
            flash(f"Team renamed to ‘{team.name}’", "success")
            return redirect(url_for(".teams"))
    return render_template("accounts/rename_team.html", form=form, team=team), 400 if form.errors else 200
