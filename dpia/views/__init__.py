"""Blueprints and the request-wide hooks around them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user

from dpia.domain import permissions
from forms.auth import SignOutForm


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    active: bool


def _navigation() -> list[NavItem]:
    """The header links this user may follow; same rules as the pages themselves."""
    if not current_user.is_authenticated:
        return []
    items = [("Dashboard", "dashboard.index", True),
             ("Questionnaires", "admin.questionnaires", permissions.can_manage_questionnaires(current_user)),
             ("Users", "admin.users", permissions.can_manage_users(current_user))]
    return [NavItem(text, url_for(endpoint), request.endpoint == endpoint)
            for text, endpoint, allowed in items if allowed]


def register_views(app: Flask) -> None:
    from dpia.domain.answers import display_text
    from dpia.domain.progress import missing_cells
    from dpia.domain.publication import Scope
    from dpia.domain.signoff import Recommendation
    from dpia.rendering.markdown import render_markdown
    from dpia.views import admin, assessments, auth, dashboard, public, publication, review
    from dpia.views.errors import init_errors
    from dpia.views.security import init_security
    from forms import error_summary_items
    from forms.questionnaire import condition_attributes, field_name

    for module in (auth, dashboard, assessments, review, publication, admin, public):
        app.register_blueprint(module.bp)
    init_security(app)
    init_errors(app)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_global(display_text, "answer_text")
    app.add_template_global(field_name, "field_name")
    app.add_template_global(condition_attributes, "condition_attributes")
    app.add_template_global(missing_cells, "missing_cells")
    app.add_template_global(error_summary_items, "error_summary_items")
    # Enums whose labels templates show, so the wording is written once, beside the values.
    app.add_template_global(Scope, "Scope")
    app.add_template_global(Recommendation, "Recommendation")

    @app.context_processor
    def inject_layout() -> dict[str, object]:
        return {
            "organisation_name": app.config["ORGANISATION_NAME"],
            "service_name": app.config["SERVICE_NAME"],
            "navigation": _navigation(),
            "sign_out_form": SignOutForm() if current_user.is_authenticated else None,
            "permissions": permissions,
            "govukRebrand": False,
        }
