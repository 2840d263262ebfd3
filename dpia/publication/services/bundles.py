"""Rendering a published bundle once: the full HTML page and the JSON, each with its SHA-256.

The PDF and the Word file take seconds for a large assessment, so the worker builds them afterwards
from the document stored in the JSON (dpia/documents/services/public_files.py). Public requests serve
these stored bytes. Only two markers in the page are replaced per request,
with small autoescaped fragments (notices and the revision history), so no Markdown or PDF work
happens when the public reads a page.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, url_for

from dpia.core.hashing import sha256
from dpia.documents.services import Document

NOTICES_MARKER = "<!--dpia:notices-->"
HISTORY_MARKER = "<!--dpia:history-->"


@dataclass(frozen=True)
class Bundle:
    html: str
    html_sha256: str
    json: str
    json_sha256: str


@dataclass(frozen=True)
class Changes:
    """What changed since the previous published revision, one line per changed section."""

    previous: int
    lines: tuple[str, ...]


def document_json(document: Document, *, publication: dict[str, Any]) -> str:
    """The machine-readable bundle: the same redacted document, plus when and how it was published."""
    body = {"publication": publication, "document": dataclasses.asdict(document)}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, indent=2, default=str)


def render_bundle(document: Document, *, changes: Changes | None, publication: dict[str, Any]) -> Bundle:
    """Render the page and the JSON of a public document. Needs an app context (templates, URLs)."""
    reference, number = document.reference, document.revision
    # A fresh, anonymous request context: the stored page must not carry the scheduler's session,
    # name or messages, and the command line (demo) has no request at all.
    with current_app.test_request_context("/register"):
        html = render_template(
            "public/document.html", doc=document, changes=changes,
            pdf_url=url_for("public.revision_pdf", reference=reference, number=number),
            json_url=url_for("public.revision_json", reference=reference, number=number),
            docx_url=url_for("public.revision_docx", reference=reference, number=number),
        )
    data = document_json(document, publication=publication)
    return Bundle(html, sha256(html), data, sha256(data))


def fill_markers(html: str, *, notices: str, history: str) -> str:
    """Put the per-request fragments into a stored page (both are autoescaped template output)."""
    return html.replace(NOTICES_MARKER, notices, 1).replace(HISTORY_MARKER, history, 1)
