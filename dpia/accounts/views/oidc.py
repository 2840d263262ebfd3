"""Single sign-on with OpenID Connect: the redirect to the identity provider and the way back.

Authlib does the protocol: discovery, PKCE (S256), and the checks of state, nonce and the ID
token's signature, issuer, audience and expiry. Which account that signs in is the service's rule
(dpia/accounts/services/single_sign_on.py); whether a TOTP code is still needed is `complete_sign_in`'s.
Both routes answer 404 while no issuer is configured.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from authlib.integrations.flask_client import OAuth, OAuthError
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from dpia.accounts.rules import safe_next_path
from dpia.accounts.services.reauthentication import reauthenticate_through_provider, take_held_action
from dpia.accounts.services.single_sign_on import (
    ProviderIdentity,
    SignOnRefused,
    account_for_identity,
    identity_from_claims,
    provider_proved_multi_factor,
)
from dpia.accounts.views import auth
from dpia.accounts.views.sign_in import complete_sign_in, current_session
from dpia.config import check_oidc_issuer
from dpia.core import clock
from dpia.core.security_log import log_security_event
from dpia.core.transaction import keep_changes_on_error

CLIENT_NAME = "sso"
SCOPE = "openid email profile"
PROVIDER_TIMEOUT_SECONDS = 10
# Where to go after signing in, kept in the Flask session across the trip to the provider.
NEXT_KEY = "sso_next"
# Set while a signed-in person re-authenticates at the provider: when we asked (seconds since the epoch).
REAUTHENTICATION_KEY = "sso_reauthentication"
_OAUTH_EXTENSION = "authlib.integrations.flask_client"
# Failures worth telling apart on the page: the person cancelled at the provider, or came back with
# a state this browser did not start (the back button, an old tab, or a forged link).
PROVIDER_ERRORS = {"access_denied": "cancelled", "mismatching_state": "bad_state"}


def sso_enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def listed_setting(name: str) -> frozenset[str]:
    """A comma-separated setting as a set of its non-empty items."""
    return frozenset(item.strip() for item in str(current_app.config.get(name) or "").split(",") if item.strip())


def provider() -> FlaskOAuth2App:
    """This app's OpenID Connect client, made from its settings on first use (the provider's
    metadata and keys are then fetched once and kept)."""
    oauth = current_app.extensions.get(_OAUTH_EXTENSION)
    if oauth is None:
        issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
        check_oidc_issuer(issuer, production=current_app.config.get("ENV_NAME") == "production")
        oauth = OAuth(current_app._get_current_object())
        oauth.register(
            CLIENT_NAME,
            client_id=current_app.config["OIDC_CLIENT_ID"],
            client_secret=current_app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256",
                           "default_timeout": PROVIDER_TIMEOUT_SECONDS},
        )
    return oauth.create_client(CLIENT_NAME)


def callback_url() -> str:
    """The redirect URI registered at the provider: from BASE_URL, never from the request's Host header."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("auth.oidc_callback")


def identity_from_token(client: FlaskOAuth2App, token: dict[str, Any]) -> ProviderIdentity:
    """The person the token is about; their userinfo is asked for only when the ID token lacks the e-mail.

    :raise OAuthError: the provider answered without an ID token.
    """
    claims = token.get("userinfo")
    if not claims:
        raise OAuthError(error="missing_id_token", description="The provider sent no ID token")
    userinfo = None if "email" in claims else client.userinfo(token=token)
    try:
        return identity_from_claims(claims, userinfo)
    except ValueError as error:
        raise OAuthError(error="userinfo_mismatch", description=str(error)) from error


def failure_page(reason: str, status: int) -> tuple[str, int]:
    log_security_event("sign_in_failed", outcome="failure", method="oidc", reason=reason)
    return render_template("accounts/sso_error.html", reason=reason), status


def redirect_for_reauthentication(now: datetime) -> Response | tuple[str, int]:
    """Send a signed-in person to the provider to sign in again there, whatever session it holds
    (`prompt=login`, `max_age=0`); the callback then hands back the action they were about to take."""
    session[REAUTHENTICATION_KEY] = now.timestamp()
    try:
        return provider().authorize_redirect(callback_url(), prompt="login", max_age=0)
    except RequestException:
        return failure_page("provider_unreachable", 503)


def finish_reauthentication(identity: ProviderIdentity, *, asked_at: datetime) -> Response | tuple[str, int]:
    """Back from signing in again at the provider: if it was this account, and just now, carry on with
    the held action on a page whose one button posts what was typed."""
    now = clock.now()
    session_row = current_session()
    assert session_row is not None  # the callback only comes here for a signed-in person
    signed_in_at = datetime.fromtimestamp(identity.auth_time, UTC) if identity.auth_time is not None else None
    if not reauthenticate_through_provider(current_user._get_current_object(), session_row, issuer=identity.issuer,
                                           subject=identity.subject, signed_in_at=signed_in_at, asked_at=asked_at,
                                           now=now):
        keep_changes_on_error()
        return render_template("accounts/sso_error.html", reason="reauthentication_refused"), 403
    held = take_held_action(session_row)
    if held is None:
        flash("You have confirmed it’s you", "success")
        return redirect(url_for("dashboard.index"))
    action, fields = held
    return render_template("accounts/reauthenticated.html", action=action, fields=fields)


@auth.route("/sign-in/sso")
def oidc_start():
    if not sso_enabled():
        abort(404)
    next_path = safe_next_path(request.args.get("next"), url_for("dashboard.index"))
    if current_user.is_authenticated:
        return redirect(next_path)
    session[NEXT_KEY] = next_path
    try:
        return provider().authorize_redirect(callback_url())
    except RequestException:
        return failure_page("provider_unreachable", 503)


@auth.route("/sign-in/sso/callback")
def oidc_callback():
    if not sso_enabled():
        abort(404)
    client = provider()
    try:
        token = client.authorize_access_token()
        identity = identity_from_token(client, token)
    except OAuthError as error:
        return failure_page(PROVIDER_ERRORS.get(error.error, "provider_error"), 400)
    except JoseError:
        return failure_page("bad_id_token", 400)
    except RequestException:
        return failure_page("provider_unreachable", 503)
    asked = session.pop(REAUTHENTICATION_KEY, None)
    if isinstance(asked, float | int) and current_user.is_authenticated:
        return finish_reauthentication(identity, asked_at=datetime.fromtimestamp(asked, UTC))
    next_path = safe_next_path(session.pop(NEXT_KEY, None), url_for("dashboard.index"))
    now = clock.now()
    try:
        user = account_for_identity(identity, now=now,
                                    self_registration_domains=listed_setting("OIDC_SELF_REGISTRATION_DOMAINS"))
    except SignOnRefused as refusal:
        log_security_event("sign_in_failed", outcome="denied", actor=refusal.user_id,
                           object=f"user:{refusal.user_id}" if refusal.user_id else None,
                           method="oidc", reason=refusal.reason)
        return render_template("accounts/sso_refused.html", reason=refusal.reason, email=identity.email), 403
    return complete_sign_in(user, now=now, next_path=next_path, method="oidc",
                            mfa_done=provider_proved_multi_factor(
                                identity, mfa_acr_values=listed_setting("OIDC_MFA_ACR_VALUES")))
