"""What other areas use of documents: build a revision's document, and render documents as PDF.

A document is built once from a `RevisionContent` and then rendered to every format (the public page,
the PDF, the JSON bundle), so redaction happens in one place: `model.build_document`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dpia.core.dates import day_label
from dpia.documents.builders import build_docx, build_pdf
from dpia.documents.model import (  # noqa: F401 - the document types other areas build and read
    ConditionLine,
    Document,
    Item,
    RedactionMark,
    Section,
    SignOffInput,
    build_document,
    document_from_data,
)


def render_pdf(document: Document, *, watermark: str | None = None) -> bytes:
    """The document as an A4 PDF; `watermark` (such as DRAFT) is drawn across every page."""
    return build_pdf(document, watermark=watermark)


def render_docx(document: Document) -> bytes:
    """The document as a Word file."""
    return build_docx(document, watermark=None)


def statement_pdf(*, organisation: str, reference: str, title: str, team: str, regime: str, revision: int,
                  status: str, written_on: datetime, scope: str, heading: str,
                  lines: Sequence[tuple[str, str]]) -> bytes:
    """A one-section PDF of labelled statements, such as the FOI s.22 evidence."""
    document = Document(
        organisation=organisation, reference=reference, title=title, team=team, regime=regime, revision=revision,
        status=status, written_on=day_label(written_on), approved_on=None, content_hash="", public=False,
        scope=scope, sections=(Section("statement", heading, tuple(Item(f"statement-{number}", label, text=text)
                                                                   for number, (label, text) in enumerate(lines))),))
    return build_pdf(document)
