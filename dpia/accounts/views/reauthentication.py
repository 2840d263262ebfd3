"""Re-authentication before sensitive actions.

One hook guards every endpoint in `ENDPOINTS_NEEDING_RECENT_AUTHENTICATION`: a POST there from a session
whose person last proved who they are longer ago than `REAUTHENTICATION_WINDOW` does not reach the view.
It gets the "Confirm it's you" page, whose form posts the original fields back to the same address with
the password (and code); once they are right the original view runs on the original fields, so nothing
typed is lost. The hook is registered after CSRFProtect's, so the carried token is checked first.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.wrappers import Response

from dpia.accounts.models import User, UserSession
from dpia.accounts.rules import ENDPOINTS_NEEDING_RECENT_AUTHENTICATION
from dpia.accounts.services.mfa import verify_totp
from dpia.accounts.services.reauthentication import (
    hold_action,
    is_recent,
    reauthenticate,
    record_reauthentication_required,
)
from dpia.accounts.views import auth
from dpia.accounts.views.oidc import redirect_for_reauthentication, sso_enabled
from dpia.accounts.views.sign_in import current_session
from dpia.core import clock
from dpia.core.errors import ThrottledError
from dpia.core.transaction import keep_changes_on_error
from forms.accounts.mfa import ReauthenticationForm

_PROMPT_FIELDS = frozenset({"reauth_password", "reauth_code", "reauth_submit", "reauth_provider"})
WRONG_PASSWORD = "Enter your correct password"  # noqa: S105 - an error message
WRONG_PASSWORD_OR_CODE = "Enter your correct password and the code your authenticator app shows now"  # noqa: S105
WRONG_CODE = "Enter the code your authenticator app shows now"


def _original_fields() -> list[tuple[str, str]]:
    return [(key, value) for key, value in request.form.items(multi=True) if key not in _PROMPT_FIELDS]


def _drop_prompt_fields() -> None:
    """The view sees the form exactly as first posted: the password goes no further than this hook."""
    request.form = ImmutableMultiDict(_original_fields())


@auth.before_app_request
def require_recent_authentication() -> Response | tuple[str, int] | None:
    if request.method != "POST" or request.endpoint not in ENDPOINTS_NEEDING_RECENT_AUTHENTICATION:
        return None
    session_row = current_session()
    if session_row is None:
        return None
    now = clock.now()
    config = current_app.config
    answered = "reauth_password" in request.form
    if is_recent(session_row, now=now, window=config["REAUTHENTICATION_WINDOW"]):
        if answered:
            _drop_prompt_fields()
        return None
    user: User = current_user._get_current_object()
    form = ReauthenticationForm()
    if not user.has_totp:
        del form.reauth_code
    status = 403
    action = request.full_path if request.query_string else request.path
    if not answered and "reauth_provider" not in request.form:
        record_reauthentication_required(user, endpoint=request.endpoint, now=now)
    elif "reauth_provider" in request.form and _offers_provider(session_row):
        # Signing in again at the identity provider: the code first (where enrolled), then the trip.
        try:
            code_ok = not user.has_totp or verify_totp(user, request.form.get("reauth_code", ""), now=now)
        except ThrottledError as error:
            form.reauth_code.errors = [str(error)]
            status = 429
        else:
            if code_ok:
                hold_action(session_row, action=action, fields=_original_fields())
                return redirect_for_reauthentication(now)
            form.reauth_code.errors = [WRONG_CODE]
    elif answered and form.validate():
        try:
            confirmed = reauthenticate(
                user, session_row, password=form.reauth_password.data or "",
                code=form.reauth_code.data if user.has_totp else None, now=now,
                max_failures=config["LOGIN_THROTTLE_ATTEMPTS"], window=config["LOGIN_THROTTLE_WINDOW"])
        except ThrottledError as error:
            form.reauth_password.errors = [str(error)]
            status = 429
        else:
            if confirmed:
                _drop_prompt_fields()
                return None
            form.reauth_password.errors = [WRONG_PASSWORD_OR_CODE if user.has_totp else WRONG_PASSWORD]
    # The failed attempt's audit row and throttle count are kept; the view has not run, so nothing else changed.
    keep_changes_on_error()
    form.reauth_password.data = ""
    return render_template("accounts/reauthenticate.html", form=form, fields=_original_fields(), action=action,
                           can_use_password=user.password_hash is not None,
                           can_use_provider=_offers_provider(session_row),
                           provider_name=current_app.config.get("OIDC_PROVIDER_NAME")), status


def _offers_provider(session_row: UserSession) -> bool:
    """A session that came through single sign-on may confirm there instead of with a password."""
    return session_row.method == "oidc" and sso_enabled()
