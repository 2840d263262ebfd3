"""Administration pages, for administrators only."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from dpia.domain.permissions import can_manage_users
from dpia.services.users import list_users

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin():
    if current_user.is_authenticated and not can_manage_users(current_user):
        abort(403)


@bp.route("/users")
def users():
    return render_template("admin/users.html", users=list_users())
