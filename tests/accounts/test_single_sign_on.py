"""Single sign-on with OpenID Connect, with the provider's answer faked at Authlib's client: which
account an answer signs in (subject, then verified e-mail, then self-registration on an allowed
domain), what is refused, when the provider's `amr`/`acr` stands in for our TOTP, and the pages
shown when the provider or the state fails. The real redirect flow runs in
tests/browser/test_single_sign_on.py."""

import html
import json
import logging
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from joserfc.errors import InvalidClaimError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from dpia.accounts.models import ExternalIdentity, User, UserRole, UserSession
from dpia.accounts.rules import Role
from dpia.accounts.services.single_sign_on import ProviderIdentity, identity_from_claims, provider_proved_multi_factor
from dpia.config import check_oidc_issuer
from dpia.core.audit.models import AuditEvent
from dpia.core.extensions import db as database
from tests import factories
from tests.web import csrf_token, text_of

ISSUER = "https://id.example.org"
CALLBACK = "/sign-in/sso/callback?code=the-code&state=the-state"
METADATA = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/jwks",
}


@pytest.fixture()
def sso_settings(app, monkeypatch):
    """Single sign-on switched on for the test, with a fresh Authlib client that is given the
    provider's metadata instead of fetching it."""
    for key, value in {"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "dpia", "OIDC_CLIENT_SECRET": "client-secret",
                       "OIDC_PROVIDER_NAME": "Northshire Police account", "BASE_URL": "https://dpia.example.org",
                       "OIDC_SELF_REGISTRATION_DOMAINS": "", "OIDC_MFA_ACR_VALUES": ""}.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.extensions, "authlib.integrations.flask_client", None)
    monkeypatch.setattr(FlaskOAuth2App, "load_server_metadata", lambda self: {**METADATA})


class FakeProvider:
    """What the provider answers at the token endpoint (a verified ID token's claims) and at userinfo
    (by default only the subject)."""

    def __init__(self) -> None:
        self.claims: dict = {}
        self.userinfo: dict | None = None

    def answer(self, **claims) -> None:
        self.claims = {"iss": ISSUER, "aud": "dpia", **claims}


@pytest.fixture()
def sso(sso_settings, monkeypatch) -> FakeProvider:
    """Single sign-on on, and Authlib's token exchange faked: `sso.answer(**claims)` sets the ID token."""
    provider = FakeProvider()

    def authorize_access_token(self, **kwargs):
        return {"access_token": "an-access-token", "token_type": "Bearer", "id_token": "a.signed.token",
                "userinfo": dict(provider.claims)}

    def userinfo(self, **kwargs):
        return dict(provider.userinfo or {"sub": provider.claims["sub"]})

    monkeypatch.setattr(FlaskOAuth2App, "authorize_access_token", authorize_access_token)
    monkeypatch.setattr(FlaskOAuth2App, "userinfo", userinfo)
    return provider


@pytest.fixture()
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="dpia.security")
    return lambda: [json.loads(r.getMessage()) for r in caplog.records if r.name == "dpia.security"]


def link(user: User, subject: str) -> None:
    database.session.add(ExternalIdentity(user_id=user.id, issuer=ISSUER, subject=subject, created_at=factories.NOW))
    database.session.flush()


def invited(email: str, *roles: Role) -> User:
    """An account whose holder has not chosen a password yet."""
    user = factories.create_user(*roles, email=email)
    user.password_hash = None
    database.session.flush()
    return user


def sessions_of(db, user: User) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)))


def audit_actions(db, user: User) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "user",
                                                                    AuditEvent.object_id == str(user.id))))


# -- switched off ---------------------------------------------------------------------------------

def test_without_an_issuer_the_routes_are_not_found_and_the_button_is_hidden(client):
    assert client.get("/sign-in/sso").status_code == 404
    assert client.get(CALLBACK).status_code == 404
    assert "Sign in with" not in text_of(client.get("/sign-in"))


def test_the_sign_in_page_offers_the_provider_and_keeps_next(client, sso_settings):
    page = text_of(client.get("/sign-in?next=/assessments/new"))
    assert "Sign in with Northshire Police account" in page
    assert 'href="/sign-in/sso?next=/assessments/new"' in page


# -- the way out ----------------------------------------------------------------------------------

def test_start_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(client, sso_settings):
    response = client.get("/sign-in/sso")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/authorize"
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == "dpia"
    assert query["scope"] == "openid email profile"
    assert query["redirect_uri"] == "https://dpia.example.org/sign-in/sso/callback"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert query["state"] and query["nonce"]


@pytest.mark.parametrize(("asked", "lands_on"), [("/assessments/new", "/assessments/new"),
                                                 ("//evil.example/", "/"), ("https://evil.example/", "/")])
def test_next_survives_the_trip_to_the_provider_when_it_is_a_local_path(client, db, clock, sso, asked, lands_on):
    user = factories.create_user(email="author@example.org")
    link(user, "author-1")
    factories.commit()  # the request rolls back on a refusal, which must not undo the set-up
    sso.answer(sub="author-1")

    client.get("/sign-in/sso", query_string={"next": asked})
    response = client.get(CALLBACK)

    assert response.status_code == 302
    assert response.headers["Location"] == lands_on


# -- matching ------------------------------------------------------------------------------------

def test_a_known_subject_signs_in_whatever_the_email_says(client, db, clock, sso, security_log):
    user = factories.create_user(email="author@example.org")
    link(user, "author-1")
    factories.commit()
    sso.answer(sub="author-1", email="someone.else@example.org", email_verified=True)

    response = client.get(CALLBACK)

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    [session] = sessions_of(db, user)
    assert session.method == "oidc" and session.ended_at is None
    assert db.session.scalar(select(ExternalIdentity.last_used_at).where(ExternalIdentity.user_id == user.id))
    [line] = [line for line in security_log() if line["event"] == "sign_in"]
    assert line["outcome"] == "success" and line["method"] == "oidc" and line["actor"] == user.id


def test_a_verified_email_links_the_invited_account_and_is_audited(client, db, clock, sso, security_log):
    user = invited("new.starter@example.org")
    factories.commit()
    sso.answer(sub="starter-7", email="New.Starter@example.org", email_verified=True)

    response = client.get(CALLBACK)

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    identity = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    assert (identity.issuer, identity.subject) == (ISSUER, "starter-7")
    assert "user.identity_linked" in audit_actions(db, user)
    assert any(line["event"] == "identity_linked" and line["object"] == f"user:{user.id}" for line in security_log())


def test_the_email_is_taken_from_userinfo_when_the_id_token_lacks_it(client, db, clock, sso):
    user = invited("new.starter@example.org")
    factories.commit()
    sso.answer(sub="starter-7")
    sso.userinfo = {"sub": "starter-7", "email": "new.starter@example.org", "email_verified": True}

    assert client.get(CALLBACK).status_code == 302
    assert len(sessions_of(db, user)) == 1


def test_userinfo_about_someone_else_is_refused(client, db, clock, sso):
    user = invited("new.starter@example.org")
    factories.commit()
    sso.answer(sub="starter-7")
    sso.userinfo = {"sub": "someone-else", "email": "new.starter@example.org", "email_verified": True}

    response = client.get(CALLBACK)

    assert response.status_code == 400
    assert sessions_of(db, user) == []


@pytest.mark.parametrize("verified", [False, None, "yes", 1])
def test_an_unverified_email_never_matches(client, db, clock, sso, security_log, verified):
    user = factories.create_user(email="author@example.org")
    claims = {} if verified is None else {"email_verified": verified}
    factories.commit()
    sso.answer(sub="attacker-1", email="author@example.org", **claims)

    response = client.get(CALLBACK)

    assert response.status_code == 403
    assert "Your email address has not been confirmed" in text_of(response)
    assert sessions_of(db, user) == []
    assert db.session.scalars(select(ExternalIdentity)).all() == []
    [line] = [line for line in security_log() if line["event"] == "sign_in_failed"]
    assert line["reason"] == "email_unverified" and line["method"] == "oidc"
    assert "author@example.org" not in json.dumps(security_log())


def test_an_account_already_linked_to_another_subject_is_not_linked_again(client, db, clock, sso):
    user = factories.create_user(email="author@example.org")
    link(user, "author-1")
    factories.commit()
    sso.answer(sub="author-2", email="author@example.org", email_verified=True)

    response = client.get(CALLBACK)

    assert response.status_code == 403
    assert "already linked to a different Northshire Police account sign-in" in text_of(response)
    assert db.session.scalars(select(ExternalIdentity.subject)).all() == ["author-1"]
    assert sessions_of(db, user) == []


def test_without_an_account_the_page_says_whom_to_ask_and_echoes_only_the_email(client, db, clock, sso,
                                                                                 security_log):
    factories.commit()
    sso.answer(sub="stranger-1", email="stranger@example.org", email_verified=True, name="Pat Stranger")

    response = client.get(CALLBACK)

    assert response.status_code == 403
    page = text_of(response)
    assert "Your account is not set up" in page
    assert "Ask your administrator to invite stranger@example.org" in page
    assert "Pat Stranger" not in page
    assert db.session.scalar(select(User).where(User.email == "stranger@example.org")) is None
    [line] = [line for line in security_log() if line["event"] == "sign_in_failed"]
    assert line["reason"] == "not_set_up" and "stranger" not in json.dumps(line)


@pytest.mark.parametrize(("email", "registers"), [("pat@northshire.police.example", True),
                                                  ("pat@NORTHSHIRE.police.example", True),
                                                  ("pat@evil.northshire.police.example", False),
                                                  ("pat@elsewhere.example", False)])
def test_self_registration_only_on_an_allowed_domain(client, db, clock, sso, monkeypatch, app, email, registers):
    monkeypatch.setitem(app.config, "OIDC_SELF_REGISTRATION_DOMAINS", "northshire.police.example, other.example")
    factories.commit()
    sso.answer(sub="pat-1", email=email, email_verified=True, name="Pat Example")

    response = client.get(CALLBACK)

    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if not registers:
        assert response.status_code == 403 and user is None
        return
    assert response.status_code == 302
    assert user.name == "Pat Example" and user.role_set == {Role.TEAM_MEMBER}
    assert user.password_hash is None and user.team_ids == frozenset()
    assert "user.self_registered" in audit_actions(db, user)
    assert db.session.scalar(select(ExternalIdentity.subject).where(ExternalIdentity.user_id == user.id)) == "pat-1"


def test_self_registration_needs_a_verified_email_too(client, db, clock, sso, monkeypatch, app):
    monkeypatch.setitem(app.config, "OIDC_SELF_REGISTRATION_DOMAINS", "northshire.police.example")
    factories.commit()
    sso.answer(sub="pat-1", email="pat@northshire.police.example", email_verified=False)

    assert client.get(CALLBACK).status_code == 403
    assert db.session.scalar(select(User).where(User.email == "pat@northshire.police.example")) is None


@pytest.mark.parametrize("matched_by", ["subject", "email"])
def test_a_deactivated_account_is_refused(client, db, clock, sso, security_log, matched_by):
    user = factories.create_user(email="leaver@example.org", active=False)
    if matched_by == "subject":
        link(user, "leaver-1")
    factories.commit()
    sso.answer(sub="leaver-1", email="leaver@example.org", email_verified=True)

    response = client.get(CALLBACK)

    assert response.status_code == 403
    assert "Your account has been deactivated" in text_of(response)
    assert sessions_of(db, user) == []
    [line] = [line for line in security_log() if line["event"] == "sign_in_failed"]
    assert (line["reason"], line["actor"], line["object"]) == ("deactivated", user.id, f"user:{user.id}")


# -- the second factor ----------------------------------------------------------------------------

@pytest.mark.parametrize(("amr", "acr", "multi_factor"), [
    ((), None, False),
    (("pwd",), None, False),
    (("pwd", "mfa"), None, True),
    (("pwd", "otp"), None, True),
    (("hwk",), None, True),
    (("swk",), None, False),
    (("swk", "pin"), None, True),
    (("pwd", "kba"), None, False),
    ((), "https://refeds.org/profile/mfa", True),
    ((), "urn:example:password-only", False),
])
def test_the_provider_proves_multi_factor_by_amr_or_a_listed_acr(amr, acr, multi_factor):
    identity = ProviderIdentity(issuer=ISSUER, subject="1", email=None, email_verified=False, name=None,
                                amr=amr, acr=acr)
    assert provider_proved_multi_factor(identity, mfa_acr_values={"https://refeds.org/profile/mfa"}) is multi_factor


def test_only_the_id_token_says_which_methods_were_used():
    identity = identity_from_claims({"iss": ISSUER, "sub": "1", "amr": ["pwd"]},
                                    {"sub": "1", "amr": ["mfa"], "acr": "high", "email": "a@example.org",
                                     "email_verified": "true"})
    assert identity.amr == ("pwd",) and identity.acr is None
    assert identity.email == "a@example.org" and identity.email_verified is True


def test_staff_whose_provider_proved_mfa_are_not_asked_for_their_code(client, db, clock, sso):
    dpo = factories.create_user(Role.DPO, email="dpo@example.org", mfa=True)
    link(dpo, "dpo-1")
    factories.commit()
    sso.answer(sub="dpo-1", amr=["pwd", "mfa"])

    response = client.get(CALLBACK)

    assert response.status_code == 302 and response.headers["Location"] == "/"
    [session] = sessions_of(db, dpo)
    assert session.mfa_satisfied is True


def test_staff_with_a_listed_acr_are_not_asked_for_their_code(client, db, clock, sso, monkeypatch, app):
    monkeypatch.setitem(app.config, "OIDC_MFA_ACR_VALUES", "urn:example:low, urn:example:mfa")
    dpo = factories.create_user(Role.DPO, email="dpo@example.org", mfa=True)
    link(dpo, "dpo-1")
    factories.commit()
    sso.answer(sub="dpo-1", acr="urn:example:mfa")

    client.get(CALLBACK)

    [session] = sessions_of(db, dpo)
    assert session.mfa_satisfied is True


def test_staff_enrolled_in_totp_are_asked_for_their_code_when_the_provider_used_one_factor(app, client, db, clock,
                                                                                           sso):
    reviewer = factories.create_user(Role.REVIEWER, email="reviewer@example.org", mfa=True)
    link(reviewer, "reviewer-1")
    factories.commit()
    sso.answer(sub="reviewer-1", amr=["pwd"])

    response = client.get(CALLBACK)

    assert response.status_code == 302
    assert app.url_map.bind("").match(urlsplit(response.headers["Location"]).path)[0] == "auth.two_factor"
    assert sessions_of(db, reviewer) == []


def test_staff_not_enrolled_get_a_session_that_must_enrol(client, db, clock, sso):
    reviewer = factories.create_user(Role.REVIEWER, email="reviewer@example.org", mfa=False)
    link(reviewer, "reviewer-1")
    factories.commit()
    sso.answer(sub="reviewer-1", amr=["pwd"])

    client.get(CALLBACK)

    [session] = sessions_of(db, reviewer)
    assert session.mfa_satisfied is False


def test_team_members_need_no_second_factor(client, db, clock, sso):
    author = factories.create_user(Role.TEAM_MEMBER, email="author@example.org")
    link(author, "author-1")
    factories.commit()
    sso.answer(sub="author-1", amr=["pwd"])

    client.get(CALLBACK)

    assert client.get("/").status_code == 200
    [session] = sessions_of(db, author)
    assert session.mfa_satisfied is False  # what was proven: one factor, which is enough for a team member


def test_someone_given_a_staff_role_during_a_single_sign_on_session_must_enrol(client, db, clock, sso):
    author = factories.create_user(Role.TEAM_MEMBER, email="author@example.org")
    link(author, "author-1")
    factories.commit()
    sso.answer(sub="author-1", amr=["pwd"])
    client.get(CALLBACK)
    assert client.get("/").status_code == 200

    author.role_rows.append(UserRole(role=Role.REVIEWER))
    factories.commit()

    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"] == "/account/two-factor"


# -- failures at the provider or in the protocol ---------------------------------------------------

def test_cancelling_at_the_provider_gets_a_clear_page_not_an_error(client, db, clock, sso_settings, security_log):
    response = client.get("/sign-in/sso/callback?error=access_denied&error_description=End-User+aborted&state=x")

    assert response.status_code == 400
    assert "You did not finish signing in" in text_of(response)
    [line] = [line for line in security_log() if line["event"] == "sign_in_failed"]
    assert line["reason"] == "cancelled"


def test_a_state_this_browser_did_not_start_is_refused(client, db, clock, sso_settings):
    response = client.get(CALLBACK)

    assert response.status_code == 400
    assert "The sign-in had expired or was started in another browser or tab" in text_of(response)


@pytest.mark.parametrize(("failure", "status", "text"), [
    (InvalidClaimError("nonce"), 400, "We could not check the answer from Northshire Police account"),
    (requests.ConnectionError("refused"), 503, "We could not reach Northshire Police account"),
])
def test_a_bad_id_token_or_an_unreachable_provider_gets_a_page_not_a_500(client, db, clock, sso, monkeypatch,
                                                                          failure, status, text):
    def fail(self, **kwargs):
        raise failure

    monkeypatch.setattr(FlaskOAuth2App, "authorize_access_token", fail)

    response = client.get(CALLBACK)

    assert response.status_code == status
    assert text in text_of(response)


def test_an_unreachable_provider_at_the_start_gets_a_page(client, sso_settings, monkeypatch):
    def unreachable(self):
        raise requests.ConnectionError("refused")

    monkeypatch.setattr(FlaskOAuth2App, "load_server_metadata", unreachable)

    response = client.get("/sign-in/sso")

    assert response.status_code == 503
    assert "is not working" in text_of(response)


# -- settings -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("issuer", "production", "allowed"), [
    ("https://login.example.org/tenant", True, True),
    ("http://127.0.0.1:4000", False, True),
    ("http://localhost:4000", False, True),
    ("http://127.0.0.1:4000", True, False),
    ("http://login.example.org", False, False),
    ("ftp://login.example.org", False, False),
    ("", True, True),
])
def test_the_issuer_must_be_https_except_on_loopback_outside_production(issuer, production, allowed):
    if allowed:
        check_oidc_issuer(issuer, production=production)
    else:
        with pytest.raises(RuntimeError, match="OIDC_ISSUER must be an https URL"):
            check_oidc_issuer(issuer, production=production)


# -- re-authentication at the provider ------------------------------------------------------------

HIDDEN_FIELD = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')


@pytest.fixture()
def sso_admin(client, db, clock, sso):
    """An administrator who signs in with single sign-on only (no password), signed in 11 minutes ago,
    and a colleague whose account they are about to edit."""
    admin = factories.create_user(Role.ADMIN, email="ada@example.org")
    admin.password_hash = None
    link(admin, "ada-1")
    colleague = factories.create_user(Role.TEAM_MEMBER, name="Old Name")
    factories.commit()
    sso.answer(sub="ada-1", amr=["pwd", "otp"], auth_time=int(factories.CLOCK.timestamp()))
    client.get(CALLBACK)
    assert client.get("/").status_code == 200
    clock.set(factories.CLOCK + timedelta(minutes=11))
    return admin, colleague


def start_edit_and_go_to_the_provider(client, clock, colleague):
    edit = f"/admin/users/{colleague.id}/edit"
    typed = {"name": "Nia Renamed", "roles": "team_member", "csrf_token": csrf_token(client, edit)}
    prompt = client.post(edit, data=typed)
    assert prompt.status_code == 403 and "Continue to Northshire Police account" in text_of(prompt)
    code = pyotp.TOTP(factories.TOTP_SECRET).at(clock())
    away = client.post(edit, data={**typed, "reauth_provider": "1", "reauth_code": code})
    assert away.status_code == 302
    query = parse_qs(urlsplit(away.headers["Location"]).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]
    return edit


def test_a_single_sign_on_person_confirms_at_the_provider_and_keeps_what_they_typed(client, db, clock, sso,
                                                                                    sso_admin):
    admin, colleague = sso_admin
    edit = start_edit_and_go_to_the_provider(client, clock, colleague)
    assert colleague.name == "Old Name"

    sso.answer(sub="ada-1", amr=["pwd"], auth_time=int(clock().timestamp()))
    back = client.get(CALLBACK)
    assert back.status_code == 200
    fields = [(name, html.unescape(value)) for name, value in HIDDEN_FIELD.findall(text_of(back))]
    assert ("name", "Nia Renamed") in fields
    assert not any(name.startswith("reauth") for name, _ in fields)

    done = client.post(edit, data=MultiDict(fields))
    assert done.status_code == 302
    database.session.refresh(colleague)
    assert colleague.name == "Nia Renamed"
    assert "auth.reauthenticated" in audit_actions(db, admin)


@pytest.mark.parametrize("answer", [
    {"sub": "someone-else", "auth_time_offset": 0},  # another person at the provider
    {"sub": "ada-1", "auth_time_offset": -600},  # an old sign-in there, not a new one
    {"sub": "ada-1", "auth_time_offset": None},  # no word of when
])
def test_the_provider_must_confirm_a_new_sign_in_by_this_person(client, db, clock, sso, sso_admin, answer):
    admin, colleague = sso_admin
    edit = start_edit_and_go_to_the_provider(client, clock, colleague)
    claims = {"sub": answer["sub"], "amr": ["pwd"]}
    if answer["auth_time_offset"] is not None:
        claims["auth_time"] = int(clock().timestamp()) + answer["auth_time_offset"]
    sso.answer(**claims)

    back = client.get(CALLBACK)
    assert back.status_code == 403 and "We could not confirm it" in text_of(back)
    assert client.post(edit, data={"name": "Nia Renamed", "roles": "team_member",
                                   "csrf_token": csrf_token(client, edit)}).status_code == 403
    database.session.refresh(colleague)
    assert colleague.name == "Old Name"
    assert "auth.reauthentication_failed" in audit_actions(db, admin)


def test_a_wrong_code_keeps_the_person_here(client, db, clock, sso, sso_admin):
    _, colleague = sso_admin
    edit = f"/admin/users/{colleague.id}/edit"
    response = client.post(edit, data={"name": "Nia Renamed", "roles": "team_member", "reauth_provider": "1",
                                       "reauth_code": "000000", "csrf_token": csrf_token(client, edit)})
    assert response.status_code == 403 and "Enter the code your authenticator app shows now" in text_of(response)
    assert 'value="Nia Renamed"' in text_of(response)
