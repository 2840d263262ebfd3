"""The signed-in home page: what the user can see, and what waits for them."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from dpia.domain.clock import utcnow
from dpia.domain.permissions import has_any_role
from dpia.domain.roles import Role
from dpia.services.assessments import visible_assessment_summaries
from dpia.services.publication import overdue_publications
from dpia.services.review import reviews_due, unresolved_comment_queue, waiting_for_review

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def index():
    actor = current_user._get_current_object()
    oversight = has_any_role(actor, {Role.REVIEWER, Role.DPO})
    now = utcnow()
    today = now.date()
    is_dpo = has_any_role(actor, {Role.DPO})
    return render_template(
        "dashboard/index.html",
        summaries=visible_assessment_summaries(actor),
        comments=unresolved_comment_queue(actor),
        waiting=waiting_for_review() if oversight else [],
        due=reviews_due(today) if is_dpo else [],
        overdue_publications=overdue_publications(now) if is_dpo else [],
        is_dpo=is_dpo,
        oversight=oversight,
        today=today,
    )
