"""The one place user Markdown becomes HTML: Python-Markdown, then an nh3 allow-list.

Markdown passes raw HTML straight through, so its output is always sanitised before it reaches a
page. Images are not allowed at all (an external image leaks readers' addresses), links may only be
http, https or mailto, and every link gets rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

from functools import lru_cache
from html import unescape

import markdown as markdown_lib
import nh3
from markupsafe import Markup

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


@lru_cache(maxsize=4096)
def _render_cached(digest: str, source: str) -> str:
    html = sanitise_html(markdown_lib.markdown(source, extensions=EXTENSIONS, output_format="html"))
    for plain, styled in _GOVUK_CLASSES.items():
        html = html.replace(plain, styled)
    return html


def render_markdown(source: str | None) -> Markup:
    """Render user Markdown to safe HTML, once per distinct source text (cached by its hash)."""
    if not source:
        return Markup("")
    digest = sha256(source)
    return Markup(_render_cached(digest, source))  # noqa: S704 - sanitised by nh3 above


def cache_info() -> object:
    """Expose cache statistics so tests and benchmarks can prove nothing renders twice."""
    return _render_cached.cache_info()


def plain_text(source: str | None) -> str:
    """Markdown as plain text (for listings and feeds): rendered, then every tag removed."""
    if not source:
        return ""
    html = markdown_lib.markdown(source, extensions=EXTENSIONS, output_format="html")
    return " ".join(unescape(nh3.clean(html, tags=set(), strip_comments=True)).split())
