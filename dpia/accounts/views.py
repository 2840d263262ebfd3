"""Signing in and out, the session-backed user loader, and the administrators' pages (`/admin`)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from dpia.accounts.models import User
from dpia.accounts.rules import safe_next_path
from dpia.accounts.services import (
    SignInRefused,
    authenticate,
    end_session,
    list_users,
    start_session,
    user_for_session,
)
from dpia.core import clock
from dpia.core.errors import ThrottledError
from dpia.core.extensions import login_manager
from dpia.core.transaction import keep_changes_on_error
from dpia.permissions import can_manage_users
from forms.accounts import SignInForm, SignOutForm

bp = Blueprint("auth", __name__)
# Everything under /admin is for administrators; the questionnaire pages are nested in it.
admin = Blueprint("admin", __name__, url_prefix="/admin")

SIGN_IN_REFUSED = "Enter a correct email address and password"
SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Trust the cookie only if its server-side session is live (sign-out really ends it)."""
    token = session.get(SESSION_TOKEN_KEY)
    if not isinstance(token, str):
        return None
    return user_for_session(token, user_id, now=clock.now(),
                            max_age=current_app.config["SESSION_ABSOLUTE_LIFETIME"])


@bp.route("/sign-in", methods=["GET", "POST"])
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
            # A fresh cookie at sign-in: nothing from the anonymous session carries over (fixation).
            session.clear()
            session[SESSION_TOKEN_KEY] = start_session(user, now=now)
            session.permanent = True
            login_user(user)
            return redirect(safe_next_path(form.next.data, default_next))
    form.password.data = ""
    return render_template("accounts/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
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


@admin.before_request
def require_admin():
    if current_user.is_authenticated and not can_manage_users(current_user):
        abort(403)


@admin.route("/users")
def users():
    return render_template("accounts/users.html", users=list_users())
