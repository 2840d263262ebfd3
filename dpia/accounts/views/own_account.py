"""A person's own account: what it holds, their password, their sessions (`/account`)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from dpia.accounts.models import User, UserSession
from dpia.accounts.services import own_account
from dpia.accounts.services.administration import account_summaries
from dpia.accounts.services.own_account import describe_device
from dpia.accounts.services.sessions import end_one_session, live_sessions_of
from dpia.accounts.services.sign_in import SignInRefused
from dpia.accounts.services.tokens import PasswordRefused
from dpia.accounts.views import account
from dpia.accounts.views.sign_in import current_session, session_limits
from dpia.core import clock
from dpia.core.errors import ThrottledError
from dpia.core.transaction import keep_changes_on_error
from forms.accounts.own_account import ChangePasswordForm, SessionActionForm


def _actor() -> User:
    return current_user._get_current_object()


def _this_session() -> UserSession:
    found = current_session()
    if found is None:  # the user loader always sets it for a signed-in person
        abort(403)
    return found


@account.route("")
def index():
    summary, = account_summaries([_actor()], now=clock.now(), limits=session_limits())
    return render_template("accounts/account.html", summary=summary)


@account.route("/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            ended = own_account.change_password(
                actor=_actor(), now=clock.now(), current_password=form.current_password.data or "",
                new_password=form.new_password.data or "", keep_session_id=_this_session().id,
                max_failures=current_app.config["LOGIN_THROTTLE_ATTEMPTS"],
                window=current_app.config["LOGIN_THROTTLE_WINDOW"])
        except SignInRefused:
            keep_changes_on_error()  # the wrong guess counts towards the throttle
            form.current_password.errors.append("Your current password is not correct")
        except ThrottledError as error:
            keep_changes_on_error()
            form.current_password.errors.append(str(error))
            status = 429
        except PasswordRefused as refusal:
            form.new_password.errors.extend(refusal.problems)
        else:
            others = f" You have been signed out of {ended} other session{'' if ended == 1 else 's'}." if ended else ""
            flash(f"Your password has been changed.{others}", "success")
            return redirect(url_for(".index"))
    form.current_password.data = ""
    form.new_password.data = ""
    if form.errors and status == 200:
        status = 400
    return render_template("accounts/change_password.html", form=form), status


@account.route("/sessions")
def sessions():
    this_id = _this_session().id
    rows = [(row, describe_device(row.user_agent), row.id == this_id)
            for row in live_sessions_of(_actor(), now=clock.now(), limits=session_limits())]
    return render_template("accounts/sessions.html", rows=rows)


@account.route("/sessions/<int:session_id>/end", methods=["POST"])
def end_session(session_id: int):
    if not SessionActionForm().validate_on_submit():
        abort(400)
    if not end_one_session(_actor(), session_id, now=clock.now()):
        abort(404)
    if session_id == _this_session().id:
        logout_user()
        session.clear()
        flash("You have signed out", "success")
        return redirect(url_for("auth.sign_in"))
    flash("That session has been signed out", "success")
    return redirect(url_for(".sessions"))


@account.route("/sessions/end-others", methods=["POST"])
def end_other_sessions():
    if not SessionActionForm().validate_on_submit():
        abort(400)
    ended = own_account.end_other_sessions(actor=_actor(), now=clock.now(), keep_session_id=_this_session().id)
    flash(f"You have been signed out of {ended} other session{'' if ended == 1 else 's'}", "success")
    return redirect(url_for(".sessions"))
