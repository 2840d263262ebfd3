"""What every template may use: the Markdown filter, date filters, the organisation's names, and
GOV.UK Frontend components rendered once per set of parameters."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from functools import lru_cache
from typing import Any

from flask import Flask, current_app
from flask.templating import Environment
from markupsafe import Markup

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


class _Uncacheable(Exception):  # noqa: N818 - a signal, not an error
    pass


def _freeze(value: Any) -> Any:
    """`value` (the params of a GOV.UK macro) as a hashable key that keeps every distinction the
    template could see (True and 1 stay apart). Anything but plain data, Markup included, is not cached."""
    kind = type(value)
    if kind is dict:
        return ("d", tuple((key, _freeze(item)) for key, item in value.items()))
    if kind in (list, tuple):
        return ("l", tuple(_freeze(item) for item in value))
    if kind is bool:
        return ("b", value)
    if value is None or kind in (str, int):
        return value
    raise _Uncacheable


def _thaw(key: Any) -> Any:
    if isinstance(key, tuple):
        kind, inner = key
        if kind == "d":
            return {name: _thaw(item) for name, item in inner}
        if kind == "l":
            return [_thaw(item) for item in inner]
        return inner
    return key


def govuk_macro(name: str) -> Any:
    """The GOV.UK macro of component `name` ("button", "back-link"), from its template's module: called
    outside any page, its output is autoescaped Markup that depends on its params alone."""
    return getattr(current_app.jinja_env.get_template(f"govuk_frontend_jinja/components/{name}/macro.html").module,
                   "govuk" + name.title().replace("-", ""))


@lru_cache(maxsize=4096)
def _render_frozen(name: str, frozen: Any) -> Markup:
    return govuk_macro(name)(_thaw(frozen))


def cached_component(name: str, params: dict[str, Any]) -> Markup | None:
    """A GOV.UK component rendered once per worker for these params; None when they hold anything but
    plain data (Markup, say), which the caller then renders itself.

    The macros are general, so each call costs far more than its output (every one imports others
    and assembles its attributes), while pages call the same ones with the same params on every
    visit: the form fields of a section, the frame's navigation, a form's buttons.
    """
    try:
        return _render_frozen(name, _freeze(params))
    except _Uncacheable:
        return None


def component(name: str, params: dict[str, Any]) -> Markup:
    """`cached_component` for templates, rendering uncacheable params directly. Only for params that
    repeat: a value unique to one request (a CSRF token) would only fill the cache, so such a value
    goes in afterwards (see base.html)."""
    rendered = cached_component(name, params)
    return govuk_macro(name)(params) if rendered is None else rendered


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
