"""Administrators' pages for accounts and teams (`/admin`)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from dpia.accounts.services.users import list_users
from dpia.accounts.views import admin
from dpia.permissions import can_manage_users


@admin.before_request
def require_admin():
    if current_user.is_authenticated and not can_manage_users(current_user):
        abort(403)


@admin.route("/users")
def users():
    return render_template("accounts/users.html", users=list_users())
