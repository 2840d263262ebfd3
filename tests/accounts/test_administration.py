"""Administrators' pages for accounts and teams (issue 10, item 1; security.md S5): the list,
invitations, editing roles and teams, deactivation and "sign out everywhere" (each checked with a
second client of the same person), MFA reset, teams, and who may reach these pages at all."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from dpia.accounts.models import AccountToken, Team, User
from dpia.accounts.rules import Role
from dpia.core.audit.models import AuditEvent
from dpia.mail.models import OutboxMessage
from tests import factories
from tests.web import as_user, csrf_token, sign_in, table_rows, text_of

ADMIN_PAGES_GET = ["/admin/users", "/admin/users/invite", "/admin/users/{id}", "/admin/users/{id}/edit",
                   "/admin/teams", "/admin/teams/{team}"]
ADMIN_PAGES_POST = ["/admin/users/invite", "/admin/users/{id}/edit", "/admin/users/{id}/deactivate",
                    "/admin/users/{id}/reactivate", "/admin/users/{id}/sign-out-everywhere",
                    "/admin/users/{id}/reset-two-factor", "/admin/users/{id}/resend-invitation",
                    "/admin/teams", "/admin/teams/{team}"]


@pytest.fixture()
def admin(db, clock):
    user = factories.create_user(Role.ADMIN, name="Ada Admin")
    return user


@pytest.fixture()
def admin_client(app, admin):
    return as_user(app, admin)


def audit_actions(db, user_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "user",
                                                                    AuditEvent.object_id == str(user_id))
                                   .order_by(AuditEvent.seq)))


def goes_to_sign_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def post(client, path: str, data: dict | None = None, *, token_from: str = "/admin/users"):  # noqa: S107 - a page, not a password
    return client.post(path, data={"csrf_token": csrf_token(client, token_from), **(data or {})})


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.ADMIN])
def test_non_admins_get_403_on_every_admin_page(app, db, clock, role):
    team = factories.create_team()
    target = factories.create_user()
    person = factories.create_user(role, teams=(team,))
    client = as_user(app, person)
    token = csrf_token(client, "/")
    for path in ADMIN_PAGES_GET:
        assert client.get(path.format(id=target.id, team=team.id)).status_code == 403, path
    for path in ADMIN_PAGES_POST:
        response = client.post(path.format(id=target.id, team=team.id),
                               data={"csrf_token": token, "name": "X", "email": "x@example.test", "roles": "admin"})
        assert response.status_code == 403, path
    assert target.active and db.session.scalar(select(OutboxMessage)) is None


def test_the_list_shows_roles_teams_status_and_mfa(db, admin, admin_client):
    team = factories.create_team("Roads policing")
    factories.create_user(Role.REVIEWER, Role.TEAM_MEMBER, teams=(team,), name="Bea Active", mfa=False)
    factories.create_user(name="Cy Gone", active=False)
    invited = factories.create_user(name="Di Invited")
    invited.password_hash = None
    rows = table_rows(text_of(admin_client.get("/admin/users")), "Accounts")
    assert rows[0] == ["Name", "Email address", "Roles", "Teams", "Status", "Two-factor"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Bea Active"][2:] == ["Reviewer, Team member", "Roads policing", "Active", "Not set up"]
    assert by_name["Cy Gone"][4] == "Deactivated"
    assert by_name["Di Invited"][4] == "Invited"
    assert 'href="/admin/users/invite"' in text_of(admin_client.get("/admin/users"))


def invite(client, **fields):
    data = {"email": "new.person@example.test", "name": "New Person", "roles": ["reviewer"], **fields}
    return post(client, "/admin/users/invite", data, token_from="/admin/users/invite")


def test_an_invitation_creates_an_account_without_password_and_mails_a_link(db, admin, admin_client):
    team = factories.create_team("Custody")
    response = invite(admin_client, teams=[str(team.id)], email=" New.Person@Example.test ")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.test"))
    assert user.password_hash is None and user.role_set == {Role.REVIEWER} and user.team_ids == {team.id}
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == "new.person@example.test"
    assert "Northshire Police" in message.subject and "Northshire Police" in message.body_text
    link = factories.mailed_link(user.email, "/invitation/")
    assert f"http://127.0.0.1:5000{link}" in message.body_text and link in message.body_html
    token = db.session.scalar(select(AccountToken).where(AccountToken.user_id == user.id))
    assert token.expires_at == factories.CLOCK + timedelta(hours=72) and token.created_by_id == admin.id
    assert audit_actions(db, user.id) == ["user.invite"]
    page = text_of(admin_client.get(response.headers["Location"]))
    assert "Invitation sent to new.person@example.test" in page and "Invited" in page


@pytest.mark.parametrize(("role", "lands_on"), [("team_member", "/"), ("reviewer", "/account/two-factor")])
def test_an_invitation_is_accepted_once_and_signs_the_person_in(app, db, admin, admin_client, role, lands_on):
    invite(admin_client, roles=[role])
    link = factories.mailed_link("new.person@example.test", "/invitation/")
    newcomer = app.test_client()
    assert "Create your password" in text_of(newcomer.get(link))
    response = newcomer.post(link, data={"csrf_token": csrf_token(newcomer, link),
                                         "password": "a newcomer's own long password"})
    assert response.status_code == 302
    response = newcomer.get("/")
    # Team members are in; staff are signed in but sent on to set up two-factor authentication first.
    assert (response.status_code == 200) if lands_on == "/" else response.headers["Location"].startswith(lands_on)
    assert sign_in(app.test_client(), "new.person@example.test", "a newcomer's own long password").status_code == 302
    again = app.test_client()
    response = again.get(link)
    assert response.status_code == 410
    assert "Ask your administrator to send a new invitation" in text_of(response)


def test_an_invitation_expires_after_72_hours(app, db, clock, admin, admin_client):
    invite(admin_client)
    link = factories.mailed_link("new.person@example.test", "/invitation/")
    newcomer = app.test_client()
    clock.set(factories.CLOCK + timedelta(hours=72) - timedelta(seconds=1))
    assert newcomer.get(link).status_code == 200
    token = csrf_token(newcomer, link)
    clock.set(factories.CLOCK + timedelta(hours=72, seconds=1))
    response = newcomer.post(link, data={"csrf_token": token, "password": "a newcomer's own long password"})
    assert response.status_code == 410
    assert "Ask your administrator to send a new invitation" in text_of(response)
    assert db.session.scalar(select(User.password_hash).where(User.email == "new.person@example.test")) is None


def test_a_refused_password_keeps_the_invitation_usable(app, db, admin, admin_client):
    invite(admin_client)
    link = factories.mailed_link("new.person@example.test", "/invitation/")
    newcomer = app.test_client()
    response = newcomer.post(link, data={"csrf_token": csrf_token(newcomer, link), "password": "too short"})
    assert response.status_code == 400
    assert "Password must be 15 characters or more" in text_of(response)
    assert newcomer.get(link).status_code == 200


def test_a_new_invitation_replaces_the_old_link(app, db, clock, admin, admin_client):
    invite(admin_client)
    user = db.session.scalar(select(User).where(User.email == "new.person@example.test"))
    first = factories.mailed_link(user.email, "/invitation/")
    clock.set(factories.CLOCK + timedelta(minutes=1))
    response = post(admin_client, f"/admin/users/{user.id}/resend-invitation")
    assert response.status_code == 302
    second = factories.mailed_link(user.email, "/invitation/")
    assert first != second
    visitor = app.test_client()
    assert visitor.get(first).status_code == 410
    assert visitor.get(second).status_code == 200
    assert audit_actions(db, user.id) == ["user.invite", "user.invitation_resent"]


def test_a_failed_invitation_keeps_what_was_typed(db, admin, admin_client):
    team = factories.create_team("Custody")
    factories.create_user(email="taken@example.test")
    response = invite(admin_client, email="taken@example.test", name="Someone Typed", roles=["dpo", "approver"],
                      teams=[str(team.id)])
    page = text_of(response)
    assert response.status_code == 400
    assert "There is a problem" in page and "An account with that email address already exists" in page
    assert 'value="taken@example.test"' in page and 'value="Someone Typed"' in page
    assert page.count("checked") == 3  # two roles and the team
    response = invite(admin_client, email="not an address", roles=[])
    assert "Enter an email address in the correct format" in text_of(response)
    assert "Select at least one role" in text_of(response)


def test_no_admin_form_lets_an_admin_set_a_password(db, admin, admin_client):
    target = factories.create_user()
    for path in ("/admin/users/invite", f"/admin/users/{target.id}/edit", f"/admin/users/{target.id}"):
        page = text_of(admin_client.get(path))
        assert not re.search(r'type="password"|name="[^"]*password', page), path
    before = target.password_hash
    post(admin_client, f"/admin/users/{target.id}/edit",
         {"name": target.name, "roles": ["team_member"], "password": "an admin's choice of password",
          "password_hash": "x"}, token_from=f"/admin/users/{target.id}/edit")
    assert target.password_hash == before


def test_editing_roles_and_teams_is_audited_and_security_logged(db, admin, admin_client, caplog):
    old, new = factories.create_team("Old team"), factories.create_team("New team")
    target = factories.create_user(Role.TEAM_MEMBER, teams=(old,))
    caplog.set_level("INFO", logger="dpia.security")
    response = post(admin_client, f"/admin/users/{target.id}/edit",
                    {"name": "Renamed Person", "roles": ["team_member", "dpo"], "teams": [str(new.id)]},
                    token_from=f"/admin/users/{target.id}/edit")
    assert response.status_code == 302
    assert target.name == "Renamed Person" and target.role_set == {Role.TEAM_MEMBER, Role.DPO}
    assert target.team_ids == {new.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.actor_id == admin.id and event.summary["roles"] == {"added": ["dpo"], "removed": []}
    assert event.summary["teams"] == {"added": [new.id], "removed": [old.id]}
    lines = [record.getMessage() for record in caplog.records if record.name == "dpia.security"]
    assert any('"event":"roles_changed"' in line and f'"object":"user:{target.id}"' in line for line in lines)
    assert not any("Renamed Person" in line for line in lines)


def test_an_admin_cannot_remove_their_own_admin_role(db, admin, admin_client):
    response = post(admin_client, f"/admin/users/{admin.id}/edit", {"name": admin.name, "roles": ["dpo"]},
                    token_from=f"/admin/users/{admin.id}/edit")
    assert response.status_code == 400
    assert "You cannot remove your own administrator role" in text_of(response)
    assert 'value="Ada Admin"' in text_of(response)
    assert admin.role_set == {Role.ADMIN}


def test_deactivating_ends_every_session_of_the_person(app, db, admin, admin_client):
    target = factories.create_user(name="Leaving Person")
    first, second = as_user(app, target), as_user(app, target)
    response = post(admin_client, f"/admin/users/{target.id}/deactivate")
    assert response.status_code == 302
    assert goes_to_sign_in(first) and goes_to_sign_in(second)
    assert not target.active and target.deactivated_at == factories.CLOCK
    assert sign_in(app.test_client(), target.email, factories.PASSWORD).status_code == 200  # refused
    assert audit_actions(db, target.id)[-2:] == ["user.deactivate", "auth.sessions_ended"]
    assert "Deactivated" in text_of(admin_client.get(f"/admin/users/{target.id}"))


def test_a_reactivated_account_can_sign_in_again(app, db, admin, admin_client):
    target = factories.create_user(active=False)
    assert post(admin_client, f"/admin/users/{target.id}/reactivate").status_code == 302
    assert target.active and target.deactivated_at is None
    assert sign_in(app.test_client(), target.email, factories.PASSWORD).status_code == 302
    assert "user.reactivate" in audit_actions(db, target.id)


def test_an_admin_cannot_deactivate_themselves(db, admin, admin_client):
    page = text_of(admin_client.get(f"/admin/users/{admin.id}"))
    assert "Deactivate account" not in page and "You cannot deactivate your own account" in page
    assert post(admin_client, f"/admin/users/{admin.id}/deactivate").status_code == 403
    assert admin.active


def test_sign_out_everywhere_ends_every_session_of_the_person(app, db, admin, admin_client):
    target = factories.create_user()
    first, second = as_user(app, target), as_user(app, target)
    assert "2 devices" in text_of(admin_client.get(f"/admin/users/{target.id}"))
    response = post(admin_client, f"/admin/users/{target.id}/sign-out-everywhere")
    assert "2 sessions ended" in text_of(admin_client.get(response.headers["Location"]))
    assert goes_to_sign_in(first) and goes_to_sign_in(second)
    assert target.active  # still able to sign in again
    assert audit_actions(db, target.id)[-1] == "auth.sessions_ended"


def test_resetting_mfa_signs_the_person_out(app, db, admin, admin_client):
    target = factories.create_user(Role.DPO)
    assert target.has_totp
    elsewhere = as_user(app, target)
    assert "Reset two-factor authentication" in text_of(admin_client.get(f"/admin/users/{target.id}"))
    response = post(admin_client, f"/admin/users/{target.id}/reset-two-factor")
    assert response.status_code == 302
    assert "must set it up again" in text_of(admin_client.get(response.headers["Location"]))
    assert not target.has_totp
    assert goes_to_sign_in(elsewhere)
    assert "auth.mfa_reset" in audit_actions(db, target.id)


def test_teams_are_created_and_renamed_with_an_audit_row(db, admin, admin_client):
    response = post(admin_client, "/admin/teams", {"name": "  Public   protection "}, token_from="/admin/teams")
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "Public protection"))
    rows = table_rows(text_of(admin_client.get("/admin/teams")), "Teams")
    assert ["Public protection", "0", "Rename Public protection"] in rows
    response = post(admin_client, f"/admin/teams/{team.id}", {"name": "Safeguarding"}, token_from="/admin/teams")
    assert response.status_code == 302 and team.name == "Safeguarding"
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "team")))
    assert actions == ["team.create", "team.rename"]


def test_a_team_name_must_be_new(db, admin, admin_client):
    factories.create_team("Custody")
    other = factories.create_team("Roads")
    response = post(admin_client, "/admin/teams", {"name": "custody"}, token_from="/admin/teams")
    assert response.status_code == 400 and "A team with that name already exists" in text_of(response)
    assert 'value="custody"' in text_of(response)
    response = post(admin_client, f"/admin/teams/{other.id}", {"name": "Custody"}, token_from="/admin/teams")
    assert response.status_code == 400 and other.name == "Roads"
    assert 'value="Custody"' in text_of(response)


@pytest.mark.parametrize("action", ["edit", "deactivate", "sign-out-everywhere", "reset-two-factor"])
def test_access_changes_need_a_recent_sign_in(app, db, clock, admin, admin_client, action):
    """Eleven minutes after signing in, the administrator is asked to confirm it is them; nothing changes."""
    target = factories.create_user(Role.DPO)
    elsewhere = as_user(app, target)
    clock.set(factories.CLOCK + timedelta(minutes=11))
    token = csrf_token(admin_client, "/admin/users")
    response = admin_client.post(f"/admin/users/{target.id}/{action}",
                                 data={"csrf_token": token, "name": "Changed", "roles": ["team_member"]})
    assert response.status_code in (302, 303, 401, 403)
    assert response.headers.get("Location") != f"/admin/users/{target.id}"  # not done and sent back
    assert target.active and target.has_totp and target.role_set == {Role.DPO} and target.name != "Changed"
    assert elsewhere.get("/").status_code == 200


def test_an_account_or_team_that_does_not_exist_is_not_found(app, db, clock):
    client = as_user(app, factories.create_user(Role.ADMIN))
    for path in ("/admin/users/999999", "/admin/users/999999/edit", "/admin/teams/999999"):
        assert client.get(path).status_code == 404, path
