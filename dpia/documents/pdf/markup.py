"""Markdown answers as Paragraph markup: the blocks `rich_text` reads from the sanitised HTML, written
with the few Paragraph tags this module uses (`text` says why no user text may become markup).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle

from dpia.documents import rich_text
from dpia.documents.pdf.styles import BODY, CODE_SIZE, MARKDOWN_HEADINGS, SECONDARY
from dpia.documents.pdf.text import clean

# A rendered answer as blocks, so a repeated answer is parsed once per build:
#   ("p", kind, markup, bullet, list depth, quote depth)   kind: "body" or "h2".."h6"
#   ("pre", text, list depth, quote depth)                 text is plain, drawn by Preformatted
#   ("hr",)
#   ("table", rows, list depth, quote depth)               rows: ((is_header, markup), …), …
Block = tuple[Any, ...]


def _tagged(runs: tuple[rich_text.Run, ...]) -> str:
    """Runs as Paragraph markup: each run's text escaped, then wrapped in the tags written here only."""
    parts = []
    for run in runs:
        if run.text == rich_text.LINE_BREAK:
            parts.append("<br/>")
            continue
        markup = escape(clean(run.text))
        if run.code:
            markup = f'<font face="Courier">{markup}</font>'
        if run.italic:
            markup = f"<i>{markup}</i>"
        if run.bold:
            markup = f"<b>{markup}</b>"
        parts.append(markup)
    return "".join(parts)


def _block(block: rich_text.Block) -> Block:
    if isinstance(block, rich_text.Paragraph):
        return ("p", block.heading or "body", _tagged(block.runs), block.bullet, block.nesting.lists,
                block.nesting.quotes)
    if isinstance(block, rich_text.Code):
        return ("pre", clean(block.text), block.nesting.lists, block.nesting.quotes)
    if isinstance(block, rich_text.MarkdownTable):
        rows = tuple(tuple((cell.header, _tagged(cell.runs)) for cell in row) for row in block.rows)
        return ("table", rows, block.nesting.lists, block.nesting.quotes)
    return ("hr",)


def markdown_blocks(source: str) -> tuple[Block, ...]:
    """Markdown, read through the one sanitiser (`rich_text`), as Paragraph markup blocks (see `Block`)."""
    return tuple(_block(block) for block in rich_text.markdown_blocks(source))


_derived_styles: dict[tuple[Any, ...], ParagraphStyle] = {}


def block_style(kind: str, depth: int, quote: int) -> ParagraphStyle:
    key = (kind, depth, quote)
    if key not in _derived_styles:
        parent = MARKDOWN_HEADINGS.get(kind, BODY)
        indent = 16 * depth + 14 * quote
        values: dict[str, Any] = {"parent": parent, "leftIndent": indent, "bulletIndent": max(0, indent - 14),
                                  "bulletFontName": "Helvetica"}
        if quote:
            values["textColor"] = SECONDARY
        if kind == "pre":
            values.update(fontName="Courier", fontSize=CODE_SIZE, leading=CODE_SIZE * 1.25, spaceBefore=2,
                          spaceAfter=6)
        elif depth:
            values["spaceAfter"] = 2
        _derived_styles[key] = ParagraphStyle(f"md-{kind}-{depth}-{quote}", **values)
    return _derived_styles[key]
