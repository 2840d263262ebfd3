"""The signed-in person's API tokens pages: list, create (the token is shown once), revoke.

A blueprint of its own (not `api`), so these pages are behind the session sign-in check, the MFA
gate and CSRF like every other page; `dpia.api.init_app` registers it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from dpia.api.rules import MAX_EXPIRY_DAYS, Scope
from dpia.api.services.tokens import create_token, revoke_token, tokens_of
from dpia.core import clock
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.transaction import attempt
from forms.api import NewTokenForm, RevokeTokenForm

if TYPE_CHECKING:
    from dpia.accounts.models import User

pages = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


def _actor() -> User:
    return current_user._get_current_object()


@pages.route("")
def index():
    return render_template("api/tokens.html", tokens=tokens_of(_actor()), now=clock.now(),
                           revoke_form=RevokeTokenForm(), scope_labels={scope.value: scope.label for scope in Scope})


@pages.route("/new", methods=["GET", "POST"])
def new():
    form = NewTokenForm()
    if form.validate_on_submit():
        try:
            with attempt():
                made = create_token(actor=_actor(), now=clock.now(), name=form.name.data or "",
                                    scopes=form.scopes.data or [], days=int(form.days.data or 0))
        except (ValidationError, ValueError) as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            # Shown once, in this answer only: nothing keeps the secret (the page is `no-store`).
            return render_template("api/token_created.html", token=made.row, secret=made.secret), 201
    return render_template("api/new_token.html", form=form, max_days=MAX_EXPIRY_DAYS), 400 if form.errors else 200


@pages.route("/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id: int):
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    try:
        row = revoke_token(actor=_actor(), now=clock.now(), token_id=token_id)
    except NotFoundError:
        abort(404)
    flash(f"The token {row.name} has been revoked. Anything using it can no longer read the API.", "success")
    return redirect(url_for(".index"))
