"""Signing in and out, and the session-backed user loader.

A password sign-in (and a single sign-on) ends in `complete_sign_in`, which either asks for the
second factor first or opens the session. A person who must use MFA but has not enrolled gets a
session that can only enrol (see `mfa.py`).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from dpia.accounts.models import User, UserSession
from dpia.accounts.rules import safe_next_path
from dpia.accounts.services.sessions import SessionLimits, end_session, live_session, start_session
from dpia.accounts.services.sign_in import SignInRefused, authenticate
from dpia.accounts.views import auth
from dpia.accounts.views.cookie import refresh_session_cookie
from dpia.core import clock
from dpia.core.errors import ThrottledError
from dpia.core.extensions import login_manager
from dpia.core.security_log import client_ip
from dpia.core.transaction import keep_changes_on_error
from forms.accounts.sign_in import SignInForm, SignOutForm

SIGN_IN_REFUSED = "Enter a correct email address and password"
SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret
# While the second factor is awaited, the Flask session holds only this: who, since when, how, and where to.
PENDING_MFA_KEY = "pending_mfa"


def session_limits() -> SessionLimits:
    return SessionLimits(idle=current_app.config["PERMANENT_SESSION_LIFETIME"],
                         absolute=current_app.config["SESSION_ABSOLUTE_LIFETIME"])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Trust the cookie only if its server-side session is live (sign-out really ends it). The
    session row is kept in `g.user_session` for the MFA gate, re-authentication and the sessions page."""
    token = session.get(SESSION_TOKEN_KEY)
    if not isinstance(token, str):
        return None
    now = clock.now()
    found = live_session(token, user_id, now=now, limits=session_limits())
    if found is None:
        return None
    user, g.user_session = found
    if g.user_session.last_seen_at == now:  # the idle deadline moved on: so does the cookie's expiry
        refresh_session_cookie()
    return user


def current_session() -> UserSession | None:
    """The signed-in person's session row (None when nobody is signed in)."""
    if not current_user.is_authenticated:
        return None
    return g.get("user_session")


def open_session(user: User, *, now: datetime, mfa_done: bool, method: str) -> None:
    """Start the server-side session and put its token in a fresh cookie."""
    # A fresh cookie at sign-in: nothing from the anonymous session carries over (fixation).
    session.clear()
    session[SESSION_TOKEN_KEY] = start_session(
        user, now=now, mfa_satisfied=mfa_done, method=method,
        user_agent=request.headers.get("User-Agent"), ip_address=client_ip())
    session.permanent = True
    login_user(user)


def complete_sign_in(user: User, *, now: datetime, next_path: str, method: str, mfa_done: bool) -> Response:
    """Finish a sign-in whose first factor (password or identity provider) has succeeded.

    :param mfa_done: the second factor is already proven (the identity provider reported MFA).
    """
    if user.has_totp and not mfa_done:
        session.clear()
        session[PENDING_MFA_KEY] = {"user_id": user.id, "since": now.timestamp(), "method": method,
                                    "next": next_path}
        return redirect(url_for("auth.two_factor"))
    open_session(user, now=now, mfa_done=mfa_done, method=method)
    return redirect(next_path)


@auth.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    default_next = url_for("dashboard.index")
    form = SignInForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next_path(request.args.get("next"), default_next))
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        now = clock.now()
        try:
            user = authenticate(
                email=form.email.data or "",
                password=form.password.data or "",
                now=now,
                max_failures=current_app.config["LOGIN_THROTTLE_ATTEMPTS"],
                window=current_app.config["LOGIN_THROTTLE_WINDOW"],
            )
        except SignInRefused:
            form.password.errors = [SIGN_IN_REFUSED]  # the failed attempt is kept: the throttle counts it
        except ThrottledError as error:
            keep_changes_on_error()
            form.password.errors = [str(error)]
            status = 429
        else:
            return complete_sign_in(user, now=now, next_path=safe_next_path(form.next.data, default_next),
                                    method="password", mfa_done=False)
    form.password.data = ""
    return render_template("accounts/sign_in.html", form=form,
                           oidc_enabled=bool(current_app.config.get("OIDC_ISSUER"))), status


@auth.route("/sign-out", methods=["POST"])
def sign_out():
    form = SignOutForm()
    if form.validate_on_submit():
        token = session.get(SESSION_TOKEN_KEY)
        if isinstance(token, str):
            end_session(token, actor=current_user._get_current_object(), now=clock.now())
        logout_user()
        session.clear()
        flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))
