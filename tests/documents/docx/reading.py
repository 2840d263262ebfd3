"""Reading a .docx back for tests: with python-docx, and as the raw XML of its parts."""

from __future__ import annotations

import zipfile
from io import BytesIO

import docx
from docx.document import Document as WordDocument


def open_docx(data: bytes) -> WordDocument:
    return docx.Document(BytesIO(data))


def xml_parts(data: bytes) -> str:
    """Every XML part of the file (the body, headers, footers, properties), as one string."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                         if name.endswith((".xml", ".rels")))


def docx_text(data: bytes) -> str:
    """The text a reader sees: paragraphs, then every table cell, then the page headers."""
    word = open_docx(data)
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in word.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)
