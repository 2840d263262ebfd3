"""What every template may use: the Markdown filter, date filters, the organisation's names, and
GOV.UK Frontend components rendered once per set of parameters."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from typing import Any

from flask import Flask, get_template_attribute
from flask.templating import Environment
from markupsafe import Markup

from dpia.core.caching import BoundedCache
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


# The GOV.UK Frontend macros `component` renders, by the name templates give them.
COMPONENT_MACROS = {
    "back_link": ("govuk_frontend_jinja/components/back-link/macro.html", "govukBackLink"),
    "button": ("govuk_frontend_jinja/components/button/macro.html", "govukButton"),
    "service_navigation": ("govuk_frontend_jinja/components/service-navigation/macro.html",
                           "govukServiceNavigation"),
}
_COMPONENTS: BoundedCache[Markup] = BoundedCache(max_entries=1024, max_size=4 * 1024 * 1024)


def component(name: str, params: dict[str, Any]) -> Markup:
    """A GOV.UK Frontend component, rendered by its macro once per worker for these parameters.

    The macros are general, so each call costs far more than its output (every one imports others
    and assembles its attributes), while a page calls the same ones with the same parameters on
    every visit: the frame's navigation and a form's buttons were a tenth of a section page. The
    key is the parameters' `repr`, which tells Markup from plain text, so what the macro escapes is
    the same as it would be. Only for parameters that repeat: a value unique to one request (a
    CSRF token) would only fill the cache, so such a value goes in afterwards (see base.html).
    """
    key = f"{name}{params!r}"
    rendered = _COMPONENTS.get(key)
    if rendered is None:
        template, macro = COMPONENT_MACROS[name]
        rendered = get_template_attribute(template, macro)(params)  # Markup: the environment autoescapes
        _COMPONENTS.put(key, rendered, len(rendered))
    return rendered


def init_app(app: Flask) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(day_label, "day")
    app.add_template_filter(utc_label, "utc_datetime")
    app.add_template_global(error_summary_items, "error_summary_items")
    app.add_template_global(component, "component")

    @app.context_processor
    def organisation() -> dict[str, object]:
        return {
            "organisation_name": app.config["ORGANISATION_NAME"],
            "service_name": app.config["SERVICE_NAME"],
            "govukRebrand": False,  # read by GOV.UK Frontend's page template: no crown, no rebrand
        }
