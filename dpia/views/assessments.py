"""Pages about one assessment."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dpia.domain.permissions import can_view_assessment
from dpia.extensions import db
from dpia.models import Assessment, Revision

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


@bp.route("/<reference>")
def show(reference: str):
    assessment = db.session.scalar(
        select(Assessment)
        .where(Assessment.reference == reference)
        .options(selectinload(Assessment.revisions).selectinload(Revision.created_by),
                 selectinload(Assessment.team))
    )
    # Not found and not allowed look the same, so references cannot be probed.
    if assessment is None or not can_view_assessment(current_user, assessment):
        abort(404)
    return render_template("assessments/show.html", assessment=assessment)
