"""The signed-in home page (what the user can see and what waits for them), and the header's links."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from dpia import permissions
from dpia.assessments.services.assessments import visible_assessment_summaries
from dpia.core import clock
from dpia.publication.services.register import overdue_publications
from dpia.review.services.conditions import open_conditions
from dpia.review.services.queues import (
    awaiting_decision,
    awaiting_dpo_advice,
    reviews_due,
    unresolved_comment_queue,
    waiting_for_review,
)
from forms.accounts.sign_in import SignOutForm

bp = Blueprint("dashboard", __name__)


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    active: bool


def navigation() -> list[NavItem]:
    """The header links this user may follow; the same rules as the pages themselves."""
    if not current_user.is_authenticated:
        return []
    items = [("Dashboard", "dashboard.index", True),
             ("Questionnaires", "admin.questionnaires.index", permissions.can_manage_questionnaires(current_user)),
             ("Users", "admin.users", permissions.can_manage_users(current_user))]
    return [NavItem(text, url_for(endpoint), request.endpoint == endpoint)
            for text, endpoint, allowed in items if allowed]


@bp.app_context_processor
def signed_in_frame() -> dict[str, object]:
    return {"navigation": navigation(),
            "sign_out_form": SignOutForm() if current_user.is_authenticated else None}


@bp.route("/")
def index():
    """Each queue goes to the people who act on it: reviewers and DPOs see what waits for review, the DPO
    what awaits advice, approvers what awaits a decision, teams and approvers the open conditions."""
    actor = current_user._get_current_object()
    oversight = permissions.reviews_work(actor)
    now = clock.now()
    today = now.date()
    is_dpo = permissions.gives_dpo_advice(actor)
    is_approver = permissions.takes_decisions(actor)
    return render_template(
        "dashboard/index.html",
        summaries=visible_assessment_summaries(actor),
        comments=unresolved_comment_queue(actor),
        conditions=open_conditions(actor, today=today),
        waiting=waiting_for_review() if oversight else [],
        awaiting_advice=awaiting_dpo_advice() if is_dpo else [],
        awaiting_decision=awaiting_decision() if is_approver else [],
        due=reviews_due(today) if is_dpo or is_approver else [],
        overdue_publications=overdue_publications(now) if permissions.can_publish(actor) else [],
        is_dpo=is_dpo,
        is_approver=is_approver,
        oversight=oversight,
        today=today,
    )
