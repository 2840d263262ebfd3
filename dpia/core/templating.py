"""What every template may use: the Markdown filter, date filters, and the organisation's names."""

from __future__ import annotations

from flask import Flask

from dpia.core.dates import day_label, utc_label
from dpia.core.markdown import render_markdown
from forms import error_summary_items


def init_app(app: Flask) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(day_label, "day")
    app.add_template_filter(utc_label, "utc_datetime")
    app.add_template_global(error_summary_items, "error_summary_items")

    @app.context_processor
    def organisation() -> dict[str, object]:
        return {
            "organisation_name": app.config["ORGANISATION_NAME"],
            "service_name": app.config["SERVICE_NAME"],
            "govukRebrand": False,  # read by GOV.UK Frontend's page template: no crown, no rebrand
        }
