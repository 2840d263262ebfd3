"""Pages anyone may read without signing in."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)


@bp.route("/healthz")
def healthz():
    """Liveness check for load balancers: no session, no database."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
