"""Markdown answers as Paragraph markup: the sanitised HTML of `render_markdown` mapped, tag by tag from an
allow-list, onto the few Paragraph tags written here (`text` says why no user text may become markup).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle

from dpia.core.markdown import render_markdown
from dpia.documents.pdf.styles import BODY, CODE_SIZE, MARKDOWN_HEADINGS, MAX_DEPTH, SECONDARY
from dpia.documents.pdf.text import clean

_SAFE_LINK = re.compile(r"(?i)^(https?|mailto):")

# A rendered answer as blocks, so a repeated answer is parsed once per build:
#   ("p", kind, markup, bullet, list depth, quote depth)   kind: "body" or "h2".."h6"
#   ("pre", text, list depth, quote depth)                 text is plain, drawn by Preformatted
#   ("hr",)
#   ("table", rows, list depth, quote depth)               rows: ((is_header, markup), …), …
Block = tuple[Any, ...]


class _MarkdownMapper(HTMLParser):
    """Sanitised HTML from `render_markdown` mapped onto Paragraph markup written here.

    Only allowed tags mean anything; any other tag is ignored (its text stays, escaped). Inline formats
    are counted rather than copied, and each run of text is wrapped in the tags for the formats open
    around it, so the markup is balanced whatever the HTML did.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._has_text = False
        self._bold = self._italic = self._code = 0
        self._lists: list[list[Any]] = []  # [tag, items so far]
        self._bullet: str | None = None
        self._quote = 0
        self._heading: str | None = None
        self._pre: list[str] | None = None
        self._links: list[tuple[str | None, list[str]]] = []
        self._tables = 0
        self._rows: list[tuple[tuple[bool, str], ...]] = []
        self._row: list[tuple[bool, str]] | None = None
        self._cell: tuple[bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._pre is not None:
            return
        if tag in ("strong", "b"):
            self._bold += 1
        elif tag in ("em", "i"):
            self._italic += 1
        elif tag == "code":
            self._code += 1
        elif tag == "br":
            self._target().append("<br/>")
        elif tag == "a":
            href = dict(attrs).get("href") or None
            self._links.append((href if href and _SAFE_LINK.match(href) else None, []))
        elif self._cell is not None or (self._tables and tag not in ("table", "tr", "th", "td")):
            if tag == "table":
                self._tables += 1
        elif tag == "table":
            self._flush()
            self._tables += 1
            self._rows = []
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = (tag == "th", [])
        elif tag in MARKDOWN_HEADINGS:
            self._flush()
            self._heading = tag
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self._lists:
                self._lists[-1][1] += 1
                kind, number = self._lists[-1]
                self._bullet = f"{number}." if kind == "ol" else ("•", "–")[(len(self._lists) - 1) % 2]
        elif tag == "blockquote":
            self._flush()
            self._quote += 1
        elif tag == "pre":
            self._flush()
            self._pre = []
        elif tag == "hr":
            self._flush()
            self.blocks.append(("hr",))
        elif tag == "p":
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self._pre is not None:
            text = "".join(self._pre).rstrip("\n")
            self._pre = None
            if text.strip():
                self.blocks.append(("pre", text, *self._indent()))
            return
        if self._pre is not None:
            return
        if tag in ("strong", "b"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("em", "i"):
            self._italic = max(0, self._italic - 1)
        elif tag == "code":
            self._code = max(0, self._code - 1)
        elif tag == "a":
            if self._links:
                href, words = self._links.pop()
                text = " ".join("".join(words).split())
                if href and text not in (href, href.removeprefix("mailto:")):
                    self._target().append(escape(f" ({href})"))
                elif href and not text:
                    self._add_text(href)
        elif self._tables and tag == "table":
            self._tables -= 1
            if not self._tables:
                if self._rows:
                    self.blocks.append(("table", tuple(self._rows), *self._indent()))
                self._rows, self._row, self._cell = [], None, None
        elif self._tables > 1:  # a table inside a cell: its text stays in the cell, one line per row
            if tag == "tr":
                self._target().append("<br/>")
            elif tag in ("th", "td"):
                self._target().append(" ")
        elif self._cell is not None and tag in ("th", "td"):
            if self._row is None:
                self._row = []
            self._row.append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None
        elif self._cell is None and self._tables == 1 and tag == "tr":
            if self._row:
                self._rows.append(tuple(self._row))
            self._row = None
        elif self._tables or self._cell is not None:
            return
        elif tag in MARKDOWN_HEADINGS:
            self._flush()
            self._heading = None
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag == "li":
            self._flush()
            self._bullet = None
        elif tag == "blockquote":
            self._flush()
            self._quote = max(0, self._quote - 1)
        elif tag == "p":
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._pre is not None:
            self._pre.append(data)
            return
        if self._tables and self._cell is None:
            return  # whitespace between rows and cells
        for _href, words in self._links:
            words.append(data)
        self._add_text(data)

    def close(self) -> None:
        super().close()
        if self._pre is not None:
            self.handle_endtag("pre")
        self._flush()

    def _indent(self) -> tuple[int, int]:
        """List depth and quote depth, within bounds so text never runs out of width."""
        depth = min(len(self._lists), MAX_DEPTH)
        return depth, min(self._quote, MAX_DEPTH - depth)

    def _target(self) -> list[str]:
        return self._cell[1] if self._cell is not None else self._parts

    def _add_text(self, data: str) -> None:
        markup = escape(clean(data))
        if self._code:
            markup = f'<font face="Courier">{markup}</font>'
        if self._italic:
            markup = f"<i>{markup}</i>"
        if self._bold:
            markup = f"<b>{markup}</b>"
        self._target().append(markup)
        if data.strip() and self._cell is None:
            self._has_text = True

    def _flush(self) -> None:
        if self._has_text:
            kind = self._heading or "body"
            self.blocks.append(("p", kind, "".join(self._parts).strip(), self._bullet, *self._indent()))
            self._bullet = None
        self._parts = []
        self._has_text = False


def markdown_blocks(source: str) -> tuple[Block, ...]:
    """Render Markdown through the sanitiser and map it onto Paragraph markup blocks (see `Block`)."""
    mapper = _MarkdownMapper()
    mapper.feed(str(render_markdown(source)))
    mapper.close()
    return tuple(mapper.blocks)


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
