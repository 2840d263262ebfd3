"""Pages anyone may read without signing in: the health check and the public register.

Published pages are served from stored bundles (see dpia/rendering/snapshot.py): no Markdown or
PDF work happens here.
"""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("public", __name__)


@bp.route("/healthz")
def healthz():
    """Liveness check for load balancers: no session, no database."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


# The register's routes are being built; these placeholders exist so bundles can link to them.
@bp.route("/register")
def register():
    abort(404)


@bp.route("/register/upcoming")
def upcoming():
    abort(404)


@bp.route("/register/<reference>/<int:number>.pdf")
def revision_pdf(reference: str, number: int):
    abort(404)


@bp.route("/register/<reference>/<int:number>.json")
def revision_json(reference: str, number: int):
    abort(404)
