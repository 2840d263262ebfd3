"""The PDF and Word builders, imported on first use.

reportlab, python-docx and lxml add about 35 MB to a process. Web workers serve stored files and
rarely build one (an FOI statement or letter), so they load the builders only when they do; the
background worker loads them with its first build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dpia.documents.model import Document


def build_pdf(document: Document, *, watermark: str | None = None) -> bytes:
    from dpia.documents.pdf.builder import build_pdf as build

    return build(document, watermark=watermark)


def build_docx(document: Document, *, watermark: str | None = None) -> bytes:
    from dpia.documents.docx.builder import build_docx as build

    return build(document, watermark=watermark)
