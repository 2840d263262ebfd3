"""The signed-in home page (what the user can see and what waits for them), each queue's full list a
page at a time, and the header's links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from dpia import permissions
from dpia.assessments.services.assessments import visible_assessment_summaries
from dpia.core import clock
from dpia.core.pagination import Page, page_number
from dpia.core.transaction import reads_only
from dpia.foi.services import foi_deadlines
from dpia.publication.services.upcoming import overdue_publications
from dpia.review.services.conditions import open_conditions
from dpia.review.services.queues import (
    awaiting_decision,
    awaiting_dpo_advice,
    reviews_due,
    unresolved_comment_queue,
    waiting_for_review,
)

if TYPE_CHECKING:
    from dpia.accounts.models import User

bp = Blueprint("dashboard", __name__)

ON_DASHBOARD = 20  # each queue shows its first items, its total and a link to the rest
PER_PAGE = 50  # on a queue's own page


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
             ("Registers", "registers.retention", True),
             ("Questionnaires", "admin.questionnaires.index", permissions.can_manage_questionnaires(current_user)),
             ("Users", "admin.users", permissions.can_manage_users(current_user)),
             ("Import and export", "transfer.index", permissions.can_transfer(current_user))]
    here = (request.endpoint or "").rpartition(".")[0]  # a link is current on every page of its blueprint
    return [NavItem(text, url_for(endpoint), here == endpoint.rpartition(".")[0])
            for text, endpoint, allowed in items if allowed]


@bp.app_context_processor
def signed_in_frame() -> dict[str, object]:
    # The sign-out button posts the page's CSRF token; no form object is built for it on every page.
    return {"navigation": navigation(), "show_sign_out": current_user.is_authenticated}


Fetch = Callable[["User", datetime, int, int], Page[Any]]


@dataclass(frozen=True)
class Queue:
    """One list on the dashboard: who sees it, how its page is fetched, and what it says when empty
    (None: the dashboard leaves it out while it is empty)."""

    key: str
    heading: str
    allowed: Callable[[User], bool]
    fetch: Fetch
    empty: str | None


def _everyone(actor: User) -> bool:
    return True


# In the order the dashboard shows them: each person's own work first, every assessment last.
QUEUES = (
    Queue("comments", "Unresolved comments on your team's assessments", _everyone,
          lambda actor, now, n, size: unresolved_comment_queue(actor, number=n, per_page=size), None),
    Queue("conditions", "Conditions of approval still open", _everyone,
          lambda actor, now, n, size: open_conditions(actor, today=now.date(), number=n, per_page=size), None),
    Queue("advice", "Awaiting your advice", permissions.gives_dpo_advice,
          lambda actor, now, n, size: awaiting_dpo_advice(number=n, per_page=size),
          "No revision is waiting for the DPO's advice."),
    Queue("decision", "Awaiting your decision", permissions.takes_decisions,
          lambda actor, now, n, size: awaiting_decision(number=n, per_page=size),
          "No revision is waiting for a decision."),
    Queue("waiting", "Waiting for review or sign-off", permissions.reviews_work,
          lambda actor, now, n, size: waiting_for_review(number=n, per_page=size), "Nothing is waiting."),
    Queue("overdue-publications", "Publications overdue", permissions.can_publish,
          lambda actor, now, n, size: overdue_publications(now, number=n, per_page=size),
          "No publication is overdue."),
    Queue("foi-due", "FOI replies due in the next 5 working days or overdue", permissions.follows_foi_deadlines,
          lambda actor, now, n, size: foi_deadlines(now.date(), number=n, per_page=size),
          "No FOI reply is due soon or overdue."),
    Queue("reviews-due", "Reviews due in the next 30 days or overdue", permissions.follows_reviews_due,
          lambda actor, now, n, size: reviews_due(now.date(), number=n, per_page=size), "No reviews are due."),
    Queue("assessments", "Assessments", _everyone,
          lambda actor, now, n, size: visible_assessment_summaries(actor, number=n, per_page=size),
          "There are no assessments you can see yet."),
)
BY_KEY = {queue.key: queue for queue in QUEUES}


@bp.route("/")
@reads_only
def index():
    """Each queue goes to the people who act on it: reviewers and DPOs see what waits for review, the DPO
    what awaits advice, approvers what awaits a decision, teams and approvers the open conditions.
    Each shows its first items and its total; one statement per queue whatever its size."""
    actor = current_user._get_current_object()
    now = clock.now()
    shown = [(queue, queue.fetch(actor, now, 1, ON_DASHBOARD)) for queue in QUEUES if queue.allowed(actor)]
    return render_template("dashboard/index.html", queues=[(queue, page) for queue, page in shown
                                                           if page.items or queue.empty is not None])


@bp.route("/queues/<key>")
@reads_only
def queue(key: str):
    """One queue in full, 50 to a page (403 for a queue that is not the user's to work)."""
    chosen = BY_KEY.get(key)
    if chosen is None:
        abort(404)
    actor = current_user._get_current_object()
    if not chosen.allowed(actor):
        abort(403)
    number = page_number(request.args.get("page"))
    page = chosen.fetch(actor, clock.now(), number, PER_PAGE)
    if number > 1 and not page.items:
        abort(404)
    return render_template("dashboard/queue.html", queue=chosen, page=page,
                           pagination=page.govuk(lambda n: url_for(".queue", key=key, page=n),
                                                 label=f"{chosen.heading}: pages"))
