"""Password reset and accepting an invitation, by single-use e-mailed links.

The reset form answers the same whatever was typed, so it cannot be used to learn who has an
account. A link that no longer works gets one clear page (410), whatever the reason.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for

from dpia.accounts.rules import TokenPurpose
from dpia.accounts.services import tokens
from dpia.accounts.services.tokens import PasswordRefused, peek_token, request_password_reset
from dpia.accounts.views import auth
from dpia.accounts.views.sign_in import complete_sign_in
from dpia.core import clock
from forms.accounts.recovery import ChoosePasswordForm, ForgotPasswordForm


def _reset_path(token: str) -> str:
    return url_for("auth.reset_password", token=token)


def _link_gone(purpose: TokenPurpose):  # noqa: ANN202 - a page and its status
    return render_template("accounts/link_expired.html", invitation=purpose is TokenPurpose.INVITATION), 410


@auth.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip()
        request_password_reset(email=email, now=clock.now(),
                               lifetime=current_app.config["PASSWORD_RESET_LIFETIME"], link_path=_reset_path)
        minutes = int(current_app.config["PASSWORD_RESET_LIFETIME"].total_seconds() // 60)
        return render_template("accounts/check_email.html", email=email, minutes=minutes)
    return render_template("accounts/forgot_password.html", form=form), 400 if form.errors else 200


@auth.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ChoosePasswordForm()
    now = clock.now()
    user = peek_token(token, TokenPurpose.PASSWORD_RESET, now=now)
    if user is None:
        return _link_gone(TokenPurpose.PASSWORD_RESET)
    if form.validate_on_submit():
        try:
            changed = tokens.reset_password(token, password=form.password.data or "", now=now)
        except PasswordRefused as refusal:
            form.password.errors.extend(refusal.problems)
        else:
            if changed is None:
                return _link_gone(TokenPurpose.PASSWORD_RESET)
            flash("Your password has been reset. Sign in with your new password", "success")
            return redirect(url_for("auth.sign_in"))
    form.password.data = ""
    return render_template("accounts/reset_password.html", form=form, email=user.email), 400 if form.errors else 200


@auth.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    form = ChoosePasswordForm()
    now = clock.now()
    user = peek_token(token, TokenPurpose.INVITATION, now=now)
    if user is None:
        return _link_gone(TokenPurpose.INVITATION)
    if form.validate_on_submit():
        try:
            accepted = tokens.accept_invitation(token, password=form.password.data or "", now=now)
        except PasswordRefused as refusal:
            form.password.errors.extend(refusal.problems)
        else:
            if accepted is None:
                return _link_gone(TokenPurpose.INVITATION)
            response = complete_sign_in(accepted, now=now, next_path=url_for("dashboard.index"),
                                        method="password", mfa_done=False)
            flash("Your password has been saved and you are signed in", "success")  # after sign-in renews the cookie
            return response
    form.password.data = ""
    return (render_template("accounts/accept_invitation.html", form=form, invited=user),
            400 if form.errors else 200)
