"""Markdown answers as Word blocks: the sanitised HTML of `render_markdown` read tag by tag from an
allow-list into plain runs of text with their formats, so no HTML (and no markup of any kind) reaches the
file: python-docx writes each run's text as text.

The same sanitised HTML feeds the page and the PDF, so the three show the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from dpia.core.markdown import render_markdown
from dpia.documents.docx.text import clean

_SAFE_LINK = re.compile(r"(?i)^(https?|mailto):")
MAX_DEPTH = 6  # raw HTML can nest lists and quotes without end; indenting stops here
HEADINGS = ("h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    heading: str | None = None  # "h2".."h6"
    bullet: str | None = None  # "•", "–" or "3."
    depth: int = 0  # list depth plus quote depth, for the left indent
    quote: bool = False


@dataclass(frozen=True)
class Code:
    text: str
    depth: int = 0


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class MarkdownTable:
    rows: tuple[tuple[tuple[bool, str], ...], ...]  # ((is_header, text), ...), ...
    depth: int = 0


Block = Paragraph | Code | Rule | MarkdownTable


@dataclass
class _Cell:
    header: bool
    parts: list[str] = field(default_factory=list)


class _Mapper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._runs: list[Run] = []
        self._bold = self._italic = self._code = 0
        self._lists: list[list] = []  # [tag, items so far]
        self._bullet: str | None = None
        self._quote = 0
        self._heading: str | None = None
        self._pre: list[str] | None = None
        self._links: list[tuple[str | None, list[str]]] = []
        self._tables = 0
        self._rows: list[tuple[tuple[bool, str], ...]] = []
        self._row: list[tuple[bool, str]] | None = None
        self._cell: _Cell | None = None

    # -- tags ---------------------------------------------------------------------------------------

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
            self._add_text("\n")
        elif tag == "a":
            href = dict(attrs).get("href") or None
            self._links.append((href if href and _SAFE_LINK.match(href) else None, []))
        elif self._tables:
            if tag == "table":
                self._tables += 1
            elif self._tables == 1 and tag == "tr":
                self._row = []
            elif self._tables == 1 and tag in ("th", "td"):
                self._cell = _Cell(tag == "th")
        elif tag == "table":
            self._flush()
            self._tables, self._rows = 1, []
        elif tag in HEADINGS:
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
            self.blocks.append(Rule())
        elif tag == "p":
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._pre is not None:
            if tag == "pre":
                text, self._pre = "".join(self._pre).rstrip("\n"), None
                if text.strip():
                    self.blocks.append(Code(clean(text), self._depth()))
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
                    self._add_text(f" ({href})" if text else href)
        elif self._tables:
            self._end_table_tag(tag)
        elif tag in HEADINGS:
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

    def _end_table_tag(self, tag: str) -> None:
        if tag == "table":
            self._tables -= 1
            if not self._tables:
                if self._rows:
                    self.blocks.append(MarkdownTable(tuple(self._rows), self._depth()))
                self._rows, self._row, self._cell = [], None, None
        elif self._tables > 1:  # a table inside a cell: its text stays in the cell, a line per row
            if self._cell is not None:
                self._cell.parts.append("\n" if tag == "tr" else " ")
        elif tag in ("th", "td") and self._cell is not None:
            if self._row is None:
                self._row = []
            self._row.append((self._cell.header, clean("".join(self._cell.parts)).strip()))
            self._cell = None
        elif tag == "tr" and self._cell is None:
            if self._row:
                self._rows.append(tuple(self._row))
            self._row = None

    # -- text ---------------------------------------------------------------------------------------

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

    def _depth(self) -> int:
        return min(len(self._lists) + self._quote, MAX_DEPTH)

    def _add_text(self, data: str) -> None:
        if self._cell is not None:
            self._cell.parts.append(data)
            return
        text = clean(data) if data == "\n" else clean(data).replace("\n", " ")
        if text:
            self._runs.append(Run(text, bool(self._bold), bool(self._italic), bool(self._code)))

    def _flush(self) -> None:
        runs = _trimmed(self._runs)
        if runs:
            self.blocks.append(Paragraph(runs, self._heading, self._bullet, self._depth(), bool(self._quote)))
            self._bullet = None
        self._runs = []


def _trimmed(runs: list[Run]) -> tuple[Run, ...]:
    """Runs without the blank space HTML leaves around a block's text (none at all when all is blank)."""
    while runs and not runs[0].text.strip():
        runs = runs[1:]
    while runs and not runs[-1].text.strip():
        runs = runs[:-1]
    if not runs:
        return ()
    runs = [replace(runs[0], text=runs[0].text.lstrip()), *runs[1:]]
    runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip())
    return tuple(runs)


def markdown_blocks(source: str) -> tuple[Block, ...]:
    """Render Markdown through the one sanitiser and read it into Word blocks (see `Block`)."""
    mapper = _Mapper()
    mapper.feed(str(render_markdown(source)))
    mapper.close()
    return tuple(mapper.blocks)
