"""MFA pages: the second-factor step at sign-in, enrolment, and the gate that keeps staff who must
enrol from anything else until they have."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from dpia.accounts.models import User
from dpia.accounts.rules import needs_mfa
from dpia.accounts.services.mfa import (
    WRONG_CODE,
    confirm_enrolment,
    provisioning_svg,
    start_enrolment,
    totp_issuer,
    unused_recovery_codes,
    use_recovery_code,
    user_awaiting_second_factor,
    verify_totp,
)
from dpia.accounts.services.sessions import mark_mfa_satisfied
from dpia.accounts.views import account, auth
from dpia.accounts.views.sign_in import PENDING_MFA_KEY, current_session, open_session
from dpia.core import clock
from dpia.core.errors import ThrottledError, ValidationError
from dpia.core.transaction import keep_changes_on_error
from forms.accounts.mfa import EnrolmentForm, RecoveryCodeForm, StartEnrolmentForm, TwoFactorForm

# A password accepted this long ago no longer lets the code step finish: sign in again.
PENDING_MFA_LIFETIME = timedelta(minutes=5)
# The secret being enrolled, until a code from it is confirmed: {"user_id": ..., "secret": ...}. It sits in
# the person's own signed session cookie for a minute or two and becomes worthless if never confirmed.
ENROLMENT_KEY = "mfa_enrolment"
WRONG_RECOVERY_CODE = "Enter one of your unused recovery codes, like abcde-fghjk"
# Where a staff member who has not enrolled may still go.
_OPEN_BEFORE_ENROLMENT = frozenset({"account.mfa_setup", "auth.sign_out", "static"})


@auth.before_app_request
def require_mfa_enrolment() -> Response | None:
    """Staff roles need a second factor: until the session has proven one (a TOTP code, or MFA reported
    by the identity provider), every page leads to enrolment.

    `mfa_satisfied` records what was proven, not what was required, so someone given a staff role
    while signed in without a second factor (by password or single sign-on) is held here too.
    """
    if request.endpoint is None or request.endpoint in _OPEN_BEFORE_ENROLMENT:
        return None
    session_row = current_session()
    if session_row is None or session_row.mfa_satisfied or not needs_mfa(current_user.role_set):
        return None
    return redirect(url_for("account.mfa_setup"), code=303)


@auth.route("/sign-in/code", methods=["GET", "POST"])
def two_factor():
    now = clock.now()
    pending = session.get(PENDING_MFA_KEY)
    user = None
    if isinstance(pending, dict) and now.timestamp() - pending.get("since", 0) <= PENDING_MFA_LIFETIME.total_seconds():
        user = user_awaiting_second_factor(pending.get("user_id"))
    if user is None:
        if session.pop(PENDING_MFA_KEY, None) is not None:
            flash("Sign in again: the code was not entered within 5 minutes of the password", "important")
        return redirect(url_for("auth.sign_in"))
    form, recovery_form = TwoFactorForm(), RecoveryCodeForm()
    using_recovery = "recovery_code" in request.form
    chosen, field = (recovery_form, recovery_form.recovery_code) if using_recovery else (form, form.code)
    status = 200
    if request.method == "POST" and chosen.validate_on_submit():
        try:
            if using_recovery:
                accepted = use_recovery_code(user, field.data or "", now=now)
            else:
                accepted = verify_totp(user, field.data or "", now=now)
        except ThrottledError as error:
            keep_changes_on_error()
            field.errors = [str(error)]
            status = 429
        else:
            if accepted:
                open_session(user, now=now, mfa_done=True, method=pending["method"])
                if using_recovery:
                    _flash_recovery_codes_left(user)
                return redirect(pending["next"])
            field.errors = [WRONG_RECOVERY_CODE if using_recovery else WRONG_CODE]
    return render_template("accounts/two_factor.html", form=form, recovery_form=recovery_form,
                           using_recovery=using_recovery), status


def _flash_recovery_codes_left(user: User) -> None:
    left = unused_recovery_codes(user)
    flash(f"You used a recovery code. You have {left} left: set up two-factor authentication again from "
          "your account to get new ones, especially if you no longer have your authenticator app.", "important")


def _enrolment_secret(user: User) -> str | None:
    held = session.get(ENROLMENT_KEY)
    if isinstance(held, dict) and held.get("user_id") == user.id and isinstance(held.get("secret"), str):
        return held["secret"]
    return None


@account.route("/two-factor", methods=["GET", "POST"])
def mfa_setup():
    user: User = current_user._get_current_object()
    session_row = current_session()
    gated = session_row is not None and not session_row.mfa_satisfied
    if request.method == "POST" and "code" not in request.form:
        # "Set up a new authenticator app": a fresh secret, confirmed on the next page.
        if StartEnrolmentForm().validate_on_submit():
            session[ENROLMENT_KEY] = {"user_id": user.id, "secret": start_enrolment()}
        return redirect(url_for("account.mfa_setup"))
    secret = _enrolment_secret(user)
    if secret is None:
        if user.has_totp:
            return render_template("accounts/mfa_setup.html", enrolled=True, start_form=StartEnrolmentForm(),
                                   codes_left=unused_recovery_codes(user), user=user)
        secret = start_enrolment()
        session[ENROLMENT_KEY] = {"user_id": user.id, "secret": secret}
    form = EnrolmentForm()
    status = 200
    if form.validate_on_submit():
        now = clock.now()
        try:
            codes = confirm_enrolment(user, secret, form.code.data or "", actor=user, now=now)
        except ValidationError as error:
            form.code.errors = [str(error)]
        except ThrottledError as error:
            keep_changes_on_error()
            form.code.errors = [str(error)]
            status = 429
        else:
            session.pop(ENROLMENT_KEY, None)
            if session_row is not None:
                mark_mfa_satisfied(session_row, now=now)
            return render_template("accounts/recovery_codes.html", codes=codes)
    return render_template("accounts/mfa_setup.html", enrolled=False, form=form, secret=secret, gated=gated,
                           re_enrolling=user.has_totp, qr_code=provisioning_svg(user, secret, totp_issuer())), status
