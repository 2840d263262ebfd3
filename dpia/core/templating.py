"""What every template may use: the Markdown filter, date filters, and the organisation's names."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from typing import Any

from flask import Flask
from flask.templating import Environment

from dpia.core.dates import day_label, utc_label
from dpia.core.markdown import render_markdown
from forms import error_summary_items


class TemplateGlobals(ChainMap):
    """A template's globals (its own over the environment's), whose keys are the environment's own
    dict view while the template has none of its own.

    Jinja works out, at every `{% from ... import ... %}`, which globals the importing page has that
    the imported template lacks: a set difference with `globals.keys()`. On a plain ChainMap each key
    is looked up map by map in Python; GOV.UK Frontend's macros import others inside each call, so
    that came to hundreds of lookups and a fifth of the time a simple page took. A dict's key view
    does it in C. Nothing else changes: the maps are the same, and a template given globals of its
    own takes the general path.
    """

    def keys(self) -> KeysView[Any]:  # type: ignore[override]
        own, *rest = self.maps
        if not own and len(rest) == 1 and isinstance(rest[0], dict):
            return rest[0].keys()
        return super().keys()


class FastImportEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, self.globals)


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
