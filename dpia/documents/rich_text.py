"""Markdown answers as format-neutral blocks, for the documents that cannot show HTML (the PDF and Word).

The sanitised HTML of `render_markdown`, the same HTML the pages show, is read tag by tag from an
allow-list into runs of plain text with their formats: nothing of the HTML (and no markup of any kind)
survives, so each writer decides alone how its own format is made safe (`pdf.text` escapes for
reportlab's Paragraph markup; `docx.text` drops what XML cannot hold). One reader for both means the PDF
and the Word file always show an answer the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from dpia.core.markdown import render_markdown

_SAFE_LINK = re.compile(r"(?i)^(https?|mailto):")
MAX_DEPTH = 6  # raw HTML can nest lists and quotes without end; indenting stops here
HEADINGS = ("h2", "h3", "h4", "h5", "h6")
LINE_BREAK = "\n"  # a run of exactly this text is a line break within its paragraph or cell


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass(frozen=True)
class Nesting:
    """How deep a block sits in lists and block quotes, bounded so text never runs out of width."""

    lists: int = 0
    quotes: int = 0

    @property
    def depth(self) -> int:
        """Lists and quotes together, for a single left indent."""
        return self.lists + self.quotes


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    heading: str | None = None  # "h2".."h6"
    bullet: str | None = None  # "•", "–" or "3."
    nesting: Nesting = Nesting()


@dataclass(frozen=True)
class Code:
    text: str  # as written: a code block keeps its spaces and line breaks
    nesting: Nesting = Nesting()


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Cell:
    header: bool
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class MarkdownTable:
    rows: tuple[tuple[Cell, ...], ...]
    nesting: Nesting = Nesting()


Block = Paragraph | Code | Rule | MarkdownTable


@dataclass
class _OpenCell:
    header: bool
    runs: list[Run] = field(default_factory=list)


class _Reader(HTMLParser):
    """Only allowed tags mean anything; any other tag is ignored and its text kept as text. Inline
    formats are counted rather than copied, so a run's formats are right whatever the HTML did."""

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
        self._rows: list[tuple[Cell, ...]] = []
        self._row: list[Cell] | None = None
        self._cell: _OpenCell | None = None

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
            self._add_run(LINE_BREAK, line_break=True)
        elif tag == "a":
            href = dict(attrs).get("href") or None
            self._links.append((href if href and _SAFE_LINK.match(href) else None, []))
        elif self._tables:
            if tag == "table":
                self._tables += 1
            elif self._tables == 1 and tag == "tr":
                self._row = []
            elif self._tables == 1 and tag in ("th", "td"):
                self._cell = _OpenCell(tag == "th")
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
                    self.blocks.append(Code(text, self._nesting()))
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
                    self._add_run(f" ({href})" if text else href)
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
                    self.blocks.append(MarkdownTable(tuple(self._rows), self._nesting()))
                self._rows, self._row, self._cell = [], None, None
        elif self._tables > 1:  # a table inside a cell: its text stays in the cell, a line per row
            if self._cell is not None:
                self._cell.runs.append(Run(LINE_BREAK if tag == "tr" else " "))
        elif tag in ("th", "td") and self._cell is not None:
            if self._row is None:
                self._row = []
            self._row.append(Cell(self._cell.header, _trimmed(self._cell.runs)))
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
        self._add_run(data)

    def close(self) -> None:
        super().close()
        if self._pre is not None:
            self.handle_endtag("pre")
        self._flush()

    def _nesting(self) -> Nesting:
        lists = min(len(self._lists), MAX_DEPTH)
        return Nesting(lists, min(self._quote, MAX_DEPTH - lists))

    def _add_run(self, data: str, *, line_break: bool = False) -> None:
        # Line ends inside HTML text are only spaces; a line break (from <br>) is a run of its own.
        text = LINE_BREAK if line_break else data.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
        runs = self._cell.runs if self._cell is not None else self._runs
        if runs and runs[-1].text == LINE_BREAK and not line_break:
            text = text.lstrip()  # the line end HTML puts after a <br> is not a space at the new line's start
        if text:
            runs.append(Run(text, bool(self._bold), bool(self._italic), bool(self._code)))

    def _flush(self) -> None:
        runs = _trimmed(self._runs)
        if runs:
            self.blocks.append(Paragraph(runs, self._heading, self._bullet, self._nesting()))
            self._bullet = None
        self._runs = []


def _trimmed(runs: list[Run]) -> tuple[Run, ...]:
    """Runs without the blank space HTML leaves around a block's text (none at all when all is blank)."""
    start, end = 0, len(runs)
    while start < end and not runs[start].text.strip():
        start += 1
    while end > start and not runs[end - 1].text.strip():
        end -= 1
    if start == end:
        return ()
    kept = list(runs[start:end])
    kept[0] = replace(kept[0], text=kept[0].text.lstrip())
    kept[-1] = replace(kept[-1], text=kept[-1].text.rstrip())
    return tuple(kept)


def markdown_blocks(source: str) -> tuple[Block, ...]:
    """Render Markdown through the one sanitiser and read it into blocks (see `Block`)."""
    reader = _Reader()
    reader.feed(str(render_markdown(source)))
    reader.close()
    return tuple(reader.blocks)
