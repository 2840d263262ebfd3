"""The one place user Markdown becomes HTML: Python-Markdown, then an nh3 allow-list.

Markdown passes raw HTML straight through, so its output is always sanitised before it reaches a
page. Images are not allowed at all (an external image leaks readers' addresses), links may only be
http, https or mailto, and every link gets rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

from html import unescape
from importlib.metadata import version

import markdown as markdown_lib
import nh3
from markupsafe import Markup

from dpia.core.caching import BoundedCache, CacheInfo
from dpia.core.hashing import sha256

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["extra", "sane_lists"]

# GOV.UK classes for the tags we allow, added after sanitising (nh3 drops class attributes).
_GOVUK_CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<table>": '<table class="govuk-table">',
    "<a href=": '<a class="govuk-link" href=',
}


def sanitise_html(html: str) -> str:
    """Clean HTML down to the allow-list (also used for HTML imported from other tools)."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer nofollow", strip_comments=True)


def _render(source: str) -> str:
    html = sanitise_html(markdown_lib.markdown(source, extensions=EXTENSIONS, output_format="html"))
    for plain, styled in _GOVUK_CLASSES.items():
        html = html.replace(plain, styled)
    return html


class RenderedCache(BoundedCache[str]):
    """Rendered HTML by digest, its size counted in characters."""

    def put(self, digest: str, html: str) -> None:  # type: ignore[override]
        super().put(digest, html, len(html))


# What the output depends on besides the source: a change to any of it is a different cache key.
_SETTINGS = sha256(repr((sorted(ALLOWED_TAGS), sorted((k, sorted(v)) for k, v in ALLOWED_ATTRIBUTES.items()),
                         sorted(URL_SCHEMES), EXTENSIONS, _GOVUK_CLASSES,
                         version("markdown"), version("nh3"))))
_CACHE = RenderedCache(max_entries=4096, max_size=32 * 1024 * 1024)


def _render_cached(digest: str, source: str) -> str:
    html = _CACHE.get(digest)
    if html is None:
        html = _render(source)
        _CACHE.put(digest, html)
    return html


def render_markdown(source: str | None) -> Markup:
    """Render user Markdown to safe HTML, once per distinct source text: a bounded in-process cache
    keyed by the hash of the source and of the renderer's settings, so an answer shown on every
    page view is rendered once."""
    if not source:
        return Markup("")
    return Markup(_render_cached(sha256(f"{_SETTINGS}\0{source}"), source))  # noqa: S704 - sanitised by nh3 above


def cache_info() -> CacheInfo:
    """Expose cache statistics so tests and benchmarks can prove nothing renders twice."""
    return _CACHE.info()


def plain_text(source: str | None) -> str:
    """Markdown as plain text (for listings and feeds): rendered, then every tag removed."""
    if not source:
        return ""
    html = markdown_lib.markdown(source, extensions=EXTENSIONS, output_format="html")
    return " ".join(unescape(nh3.clean(html, tags=set(), strip_comments=True)).split())
