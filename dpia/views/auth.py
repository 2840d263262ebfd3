"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from dpia.domain.clock import utcnow
from dpia.domain.errors import ThrottledError
from dpia.domain.redirects import safe_next_path
from dpia.extensions import db
from dpia.services.sessions import end_session, start_session
from dpia.services.users import SignInRefused, authenticate
from dpia.views.security import SESSION_TOKEN_KEY
from forms.auth import SignInForm, SignOutForm

bp = Blueprint("auth", __name__)

SIGN_IN_REFUSED = "Enter a correct email address and password"


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
        now = utcnow()
        try:
            user = authenticate(
                email=form.email.data or "",
                password=form.password.data or "",
                now=now,
                max_failures=current_app.config["LOGIN_THROTTLE_ATTEMPTS"],
                window=current_app.config["LOGIN_THROTTLE_WINDOW"],
            )
        except SignInRefused:
            db.session.commit()  # keep the failed attempt: the throttle counts it
            form.password.errors = [SIGN_IN_REFUSED]
        except ThrottledError as error:
            db.session.commit()
            form.password.errors = [str(error)]
            status = 429
        else:
            # A fresh cookie at sign-in: nothing from the anonymous session carries over (fixation).
            session.clear()
            token = start_session(user, now=now)
            db.session.commit()
            session[SESSION_TOKEN_KEY] = token
            session.permanent = True
            login_user(user)
            return redirect(safe_next_path(form.next.data, default_next))
    form.password.data = ""
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    form = SignOutForm()
    if form.validate_on_submit():
        token = session.get(SESSION_TOKEN_KEY)
        if isinstance(token, str):
            end_session(token, actor=current_user._get_current_object(), now=utcnow())
            db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))
