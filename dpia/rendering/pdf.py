"""The PDF of one revision: reportlab platypus drawing a `Document` into bytes.

Every string in a `Document` is user text, and reportlab's `Paragraph` parses an XML-like markup
(`<a href>`, `<img src>`, `<font>`, …) in whatever text it is given: an unclosed tag stops the export,
`<a>` plants a live link and `<img>` embeds a server file (security.md X1, §3.6). So no document string
reaches a Paragraph unescaped: plain strings go through `xml.sax.saxutils.escape`, and Markdown answers
go through the project's one sanitising path (`render_markdown`) and are then mapped, tag by tag from an
allow-list, onto the few Paragraph tags this module writes itself (`<b>`, `<i>`, `<font face="Courier">`,
`<br/>`). Links become their text followed by the address in brackets, never an annotation; images are
never drawn. Strings drawn straight on the canvas (running header, risk matrix) never meet the markup
parser at all.

One layout pass: "Page X of Y", the contents' page numbers and the bookmarks are added when the canvas is
saved, once the page count and the page each part starts on are known (the deferred-canvas recipe). That
costs half of what `multiBuild`'s two or three passes would (security.md X3).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Preformatted,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from dpia.domain.risk import HeatMap
from dpia.rendering import document as doc_model
from dpia.rendering.markdown import render_markdown

# Nothing in this PDF is fetched: no scheme and no host is trusted, so even markup that slipped past the
# escaping could not reach the network (GHSA-mpvw-25mg-59vx / CVE-2020-28463).
rl_config.trustedSchemes = []
rl_config.trustedHosts = []

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
TOP_MARGIN = 24 * mm
BOTTOM_MARGIN = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
MAX_DEPTH = 6  # deeper lists and quotes (raw HTML can nest them without end) stop indenting here
NUMBER_WIDTH = 28  # room kept on the right of a contents line for its page number
CONTENTS_TITLE_LENGTH = 200  # a contents line or bookmark shows at most this much of a title
REPEATED_HEADER_LENGTH = 200  # longer column headings are not repeated on each page

BLACK = colors.black
WHITE = colors.white
TEXT = colors.HexColor("#0b0c0c")  # GOV.UK text colour
SECONDARY = colors.HexColor("#505a5f")
BORDER = colors.HexColor("#b1b4b6")
HEAD_FILL = colors.HexColor("#f3f2f1")
REDACTION_FILL = colors.HexColor("#b1b4b6")
WATERMARK_GREY = colors.Color(0.86, 0.86, 0.86)

# Level fills and the text drawn on them, as on screen (static/scss/_risk-matrix.scss): a level's rank
# (its position in the model, lowest first) colours any model; the ICO's own level keys win where named.
RANK_COLOURS = (
    (colors.HexColor("#00703c"), WHITE),
    (colors.HexColor("#ffdd00"), BLACK),
    (colors.HexColor("#f47738"), BLACK),
    (colors.HexColor("#d4351c"), WHITE),
    (colors.HexColor("#7f2011"), WHITE),
)
LEVEL_COLOURS = {"low": RANK_COLOURS[0], "medium": RANK_COLOURS[1], "high": RANK_COLOURS[3]}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SAFE_LINK = re.compile(r"(?i)^(https?|mailto):")


def _style(name: str, **values: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": "Helvetica", "fontSize": 10, "leading": 13.5, "textColor": TEXT,
                            "spaceAfter": 4}
    return ParagraphStyle(name, **{**base, **values})


BODY = _style("body")
COVER_ORGANISATION = _style("cover-organisation", fontSize=14, leading=18, textColor=SECONDARY, spaceAfter=40)
COVER_KIND = _style("cover-kind", fontSize=14, leading=18, spaceAfter=8)
COVER_TITLE = _style("cover-title", fontName="Helvetica-Bold", fontSize=24, leading=29, spaceAfter=24)
NOTE = _style("note", fontName="Helvetica-Bold", spaceBefore=8)
H1 = _style("h1", fontName="Helvetica-Bold", fontSize=16, leading=20, spaceBefore=6, spaceAfter=10,
            keepWithNext=1)
H2 = _style("h2", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=8, spaceAfter=6, keepWithNext=1)
LABEL = _style("label", fontName="Helvetica-Bold", fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=3,
               keepWithNext=1)
CELL = _style("cell", fontSize=8.5, leading=10.5, spaceAfter=0)
HEAD_CELL = _style("head-cell", fontName="Helvetica-Bold", fontSize=8.5, leading=10.5, spaceAfter=0)
REDACTED = _style("redacted", fontName="Helvetica-Bold", fontSize=9.5, leading=12.5, spaceAfter=0)
CONTENTS_LINE = _style("contents-line", spaceAfter=3)
CODE_SIZE = 8.5
MARKDOWN_HEADINGS = {  # h1 is not allowed by the sanitiser; the question label is the answer's heading
    "h2": _style("md-h2", fontName="Helvetica-Bold", fontSize=11.5, leading=15, spaceBefore=6, keepWithNext=1),
    "h3": _style("md-h3", fontName="Helvetica-Bold", fontSize=10.5, leading=14, spaceBefore=5, keepWithNext=1),
    "h4": _style("md-h4", fontName="Helvetica-Bold", fontSize=10, leading=13.5, spaceBefore=4, keepWithNext=1),
    "h5": _style("md-h5", fontName="Helvetica-BoldOblique", fontSize=10, leading=13.5, keepWithNext=1),
    "h6": _style("md-h6", fontName="Helvetica-Oblique", fontSize=10, leading=13.5, keepWithNext=1),
}
TABLE_STYLE = [
    ("GRID", (0, 0), (-1, -1), 0.5, BORDER),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def build_pdf(document: doc_model.Document, *, watermark: str | None = None) -> bytes:
    """Draw a revision's document as an A4 PDF and return its bytes (nothing is written to disk).

    :param document: what to show; redaction has already happened (a withheld part holds only its notice).
    :param watermark: a word such as "DRAFT" drawn large and light across every page.
    """
    return _Builder(document, watermark).build()


# --- Text --------------------------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    """Drop control characters (which nothing should print) and normalise line ends."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def _x(text: str | None) -> str:
    """User text as Paragraph markup that can only ever mean that text."""
    return escape(_clean(text))


def _x_lines(text: str | None) -> str:
    """Like `_x`, keeping the text's line breaks."""
    return _x(text).replace("\n", "<br/>")


def _shorten(text: str, limit: int) -> str:
    text = " ".join(_clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Cut text drawn straight on the canvas so that it fits `width`, ending it with "…"."""
    text = " ".join(_clean(text).split())
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _wrap_lines(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Break text into at most `max_lines` lines of `width`, for strings drawn on the canvas."""
    lines: list[str] = []
    current = ""
    for word in " ".join(_clean(text).split()).split(" "):
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    lines = [_fit(line, font, size, width) for line in lines]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_fit(" ".join(lines[max_lines - 1:]) + " …", font, size, width)]
    return lines


# --- Markdown ----------------------------------------------------------------------------------------

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
        markup = escape(_clean(data))
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


def _block_style(kind: str, depth: int, quote: int) -> ParagraphStyle:
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


# --- Page furniture ----------------------------------------------------------------------------------


@dataclass
class _Layout:
    """What one build learns while laying out, and draws when the canvas is saved."""

    header: str
    watermark: str | None
    starts: dict[str, int] = field(default_factory=dict)  # contents key -> page its part starts on
    anchors: dict[int, list[tuple[str, str, float]]] = field(default_factory=dict)  # page -> (key, title, top)
    slots: dict[int, list[tuple[str, float, float]]] = field(default_factory=dict)  # page -> (key, x, y)


class _Anchor(Flowable):
    """Marks where a part starts: its page for the contents, and a bookmark for the outline."""

    def __init__(self, layout: _Layout, key: str, title: str) -> None:
        super().__init__()
        self.layout, self.key, self.title = layout, key, title
        self.keepWithNext = 1  # stay with the heading after it if that moves to the next page
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        page = self.canv.getPageNumber()
        _x0, top = self.canv.absolutePosition(0, 0)
        self.layout.starts.setdefault(self.key, page)
        self.layout.anchors.setdefault(page, []).append((self.key, self.title, top + 8))


class _ContentsLine(Flowable):
    """A contents entry: the title, a dotted leader, and the page number (drawn once it is known)."""

    def __init__(self, layout: _Layout, key: str, title: str) -> None:
        super().__init__()
        self.layout, self.key = layout, key
        self.paragraph = Paragraph(_x(_shorten(title, CONTENTS_TITLE_LENGTH)), CONTENTS_LINE)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _w, height = self.paragraph.wrap(availWidth - NUMBER_WIDTH - 8, availHeight)
        self.width, self.height = availWidth, height
        return self.width, self.height

    def getSpaceAfter(self) -> float:
        return CONTENTS_LINE.spaceAfter

    def draw(self) -> None:
        canv = self.canv
        self.paragraph.drawOn(canv, 0, 0)
        lines = self.paragraph.blPara.lines or [(self.paragraph.width, [])]  # an empty title has no lines
        last = lines[-1]
        spare = last[0] if isinstance(last, tuple) else last.extraSpace
        baseline = self.height - CONTENTS_LINE.fontSize - (len(lines) - 1) * CONTENTS_LINE.leading
        start, end = self.paragraph.width - spare + 6, self.width - NUMBER_WIDTH
        if end > start:
            canv.saveState()
            canv.setStrokeColor(BORDER)
            canv.setLineWidth(0.8)
            canv.setDash(1, 3)
            canv.line(start, baseline + 1, end, baseline + 1)
            canv.restoreState()
        x, y = canv.absolutePosition(self.width, baseline)
        self.layout.slots.setdefault(canv.getPageNumber(), []).append((self.key, x, y))
        canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1, thickness=0)


class _Canvas(Canvas):
    """A canvas that holds every page back until the end, then adds what needed the whole document:
    "Page X of Y", the contents' page numbers and the bookmarks (whose page objects only exist then)."""

    def __init__(self, *args: Any, layout: _Layout, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._layout = layout
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self._finish_page(total)
            super().showPage()
        super().save()

    def _finish_page(self, total: int) -> None:
        page = self.getPageNumber()
        self.saveState()
        self.setFillColor(SECONDARY)
        self.setFont("Helvetica", 9)
        self.drawCentredString(PAGE_WIDTH / 2, 10 * mm, f"Page {page} of {total}")
        self.setFillColor(TEXT)
        self.setFont(CONTENTS_LINE.fontName, CONTENTS_LINE.fontSize)
        for key, x, y in self._layout.slots.get(page, ()):
            if key in self._layout.starts:
                self.drawRightString(x, y, str(self._layout.starts[key]))
        self.restoreState()
        for key, title, top in self._layout.anchors.get(page, ()):
            self.bookmarkHorizontalAbsolute(key, min(top, PAGE_HEIGHT))
            self.addOutlineEntry(_shorten(title, CONTENTS_TITLE_LENGTH), key, level=0)


def _decorate_page(canv: Canvas, _doc: BaseDocTemplate, *, layout: _Layout) -> None:
    """Draw the watermark (under the page's content) and, after the cover, the running header."""
    canv.saveState()
    if layout.watermark:
        text = _shorten(layout.watermark, 60)
        diagonal = math.hypot(PAGE_WIDTH, PAGE_HEIGHT)
        size = min(120.0, 0.7 * diagonal / max(stringWidth(text, "Helvetica-Bold", 1), 1))
        canv.setFillColor(WATERMARK_GREY)
        canv.setFont("Helvetica-Bold", size)
        canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canv.rotate(math.degrees(math.atan2(PAGE_HEIGHT, PAGE_WIDTH)))
        canv.drawCentredString(0, -size / 3, text)
    canv.restoreState()
    if canv.getPageNumber() > 1:
        canv.saveState()
        canv.setFillColor(SECONDARY)
        canv.setFont("Helvetica", 8.5)
        canv.drawString(MARGIN, PAGE_HEIGHT - 13 * mm, layout.header)
        canv.setStrokeColor(BORDER)
        canv.setLineWidth(0.5)
        canv.line(MARGIN, PAGE_HEIGHT - 15 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 15 * mm)
        canv.restoreState()


def _running_header(document: doc_model.Document) -> str:
    revision = f"Revision {document.revision}"
    room = FRAME_WIDTH - stringWidth(f" · {revision}", "Helvetica", 8.5)
    organisation, reference = (" ".join(_clean(text).split()) for text in (document.organisation, document.reference))
    head = f"{organisation} · {reference}"
    if stringWidth(head, "Helvetica", 8.5) > room:  # keep the reference whole where possible
        reference = _fit(reference, "Helvetica", 8.5, room / 2)
        organisation = _fit(organisation, "Helvetica", 8.5, room - stringWidth(f" · {reference}", "Helvetica", 8.5))
        head = f"{organisation} · {reference}"
    return f"{head} · {revision}"


# --- Risk matrix -------------------------------------------------------------------------------------


def _level_colours(level: str, rank: int) -> tuple[colors.Color, colors.Color]:
    return LEVEL_COLOURS.get(level) or RANK_COLOURS[max(0, min(rank, len(RANK_COLOURS) - 1))]


def heat_map_drawing(heat_map: HeatMap, width: float = FRAME_WIDTH) -> Drawing:
    """Draw a risk matrix: likelihood rows top to bottom, severity columns left to right, each square in
    its level's colour with the level's name and the refs of the risks in it, and both axes labelled."""
    rows, columns = len(heat_map.likelihood_levels), len(heat_map.severity_levels)
    axis, row_label = 16.0, 84.0
    grid_x = axis + row_label + 6
    cell_w = min(110.0, (width - grid_x) / max(columns, 1))
    cell_h = 52.0
    base = 46.0  # room under the grid for the column labels and the axis label
    drawing = Drawing(width, base + rows * cell_h + 4)
    for r, row in enumerate(heat_map.rows):
        y = base + (rows - 1 - r) * cell_h
        lines = _wrap_lines(heat_map.likelihood_levels[r].label, "Helvetica", 8, row_label, 3)
        top = y + cell_h / 2 + (len(lines) - 1) * 5 - 3
        for k, line in enumerate(lines):
            drawing.add(String(grid_x - 6, top - k * 10, line, fontName="Helvetica", fontSize=8, fillColor=TEXT,
                               textAnchor="end"))
        for c, cell in enumerate(row):
            x = grid_x + c * cell_w
            fill, ink = _level_colours(cell.level, cell.level_rank)
            drawing.add(Rect(x, y, cell_w, cell_h, fillColor=fill, strokeColor=WHITE, strokeWidth=2))
            drawing.add(String(x + cell_w / 2, y + cell_h - 12, _fit(cell.level_label, "Helvetica", 7.5, cell_w - 6),
                               fontName="Helvetica", fontSize=7.5, fillColor=ink, textAnchor="middle"))
            if cell.refs:
                refs = _wrap_lines(", ".join(cell.refs), "Helvetica-Bold", 9, cell_w - 6, 3)
                for k, line in enumerate(refs):
                    drawing.add(String(x + cell_w / 2, y + cell_h - 25 - k * 10.5, line, fontName="Helvetica-Bold",
                                       fontSize=9, fillColor=ink, textAnchor="middle"))
    for c, level in enumerate(heat_map.severity_levels):
        lines = _wrap_lines(level.label, "Helvetica", 8, cell_w - 4, 2)
        for k, line in enumerate(lines):
            drawing.add(String(grid_x + (c + 0.5) * cell_w, base - 11 - k * 9.5, line, fontName="Helvetica",
                               fontSize=8, fillColor=TEXT, textAnchor="middle"))
    drawing.add(String(grid_x + columns * cell_w / 2, 4, _fit(heat_map.severity_axis_label, "Helvetica-Bold", 9,
                                                                columns * cell_w),
                       fontName="Helvetica-Bold", fontSize=9, fillColor=TEXT, textAnchor="middle"))
    likelihood = Group(String(0, 0, _fit(heat_map.likelihood_axis_label, "Helvetica-Bold", 9, rows * cell_h),
                              fontName="Helvetica-Bold", fontSize=9, fillColor=TEXT, textAnchor="middle"))
    likelihood.transform = (0, 1, -1, 0, axis - 6, base + rows * cell_h / 2)  # turned to read bottom to top
    drawing.add(likelihood)
    return drawing


# --- The document ------------------------------------------------------------------------------------


def _header_rows(texts: Sequence[str]) -> int:
    """Repeat a table's header row on each page, unless it is so long it could fill a page by itself (a
    repeated row cannot be split, so reportlab would give up)."""
    return 1 if max((len(t) for t in texts), default=0) <= REPEATED_HEADER_LENGTH else 0


def _column_widths(weights: Sequence[float], total: float) -> list[float]:
    whole = sum(weights) or 1
    return [total * w / whole for w in weights]


def _text_weight(texts: Sequence[str]) -> float:
    """How much room a column wants: its longer texts, within bounds so no column starves."""
    lengths = sorted(len(t) for t in texts) or [0]
    typical = lengths[(len(lengths) * 3) // 4]
    return min(max(typical, 6), 40) + 4


class _Builder:
    def __init__(self, document: doc_model.Document, watermark: str | None) -> None:
        self.document = document
        self.layout = _Layout(header=_running_header(document), watermark=_clean(watermark) or None)
        self._markdown: dict[str, tuple[Block, ...]] = {}

    def build(self) -> bytes:
        document = self.document
        parts = self._parts()
        story: list[Flowable] = [*self._cover(), PageBreak(), Paragraph("Contents", H1)]
        story += [_ContentsLine(self.layout, key, title) for key, title, _make in parts]
        story.append(PageBreak())
        for key, title, make in parts:
            story += [CondPageBreak(45 * mm), _Anchor(self.layout, key, title), Paragraph(_x(title), H1), *make()]
        buffer = BytesIO()
        template = BaseDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN, invariant=1, title=_shorten(document.title, 300),
            author=_shorten(document.organisation, 300), subject="Data protection impact assessment",
            creator="dpia",
        )
        frame = Frame(MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        template.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                                onPage=partial(_decorate_page, layout=self.layout))])
        template.build(story, canvasmaker=partial(_Canvas, layout=self.layout))
        return buffer.getvalue()

    def _parts(self) -> list[tuple[str, str, Callable[[], list[Flowable]]]]:
        """Every part with a contents line: (key, title, its flowables after the heading)."""
        document = self.document
        parts: list[tuple[str, str, Callable[[], list[Flowable]]]] = [
            (f"section-{number}", section.title, partial(self._section, section))
            for number, section in enumerate(document.sections, start=1)
        ]
        if document.retention:
            parts.append(("retention", "Retention rules", partial(self._rules, document.retention)))
        if document.access:
            parts.append(("access", "Access rules", partial(self._rules, document.access)))
        if document.heat_maps:
            parts.append(("risk-matrix", "Risk matrix", self._heat_maps))
        if document.sign_offs:
            parts.append(("sign-off", "Sign-off", self._sign_offs))
        return parts

    def _cover(self) -> list[Flowable]:
        d = self.document
        facts = [
            ("Reference", d.reference), ("Revision", str(d.revision)), ("Status", d.status),
            ("Written on", d.written_on), ("Approved on", d.approved_on), ("Published on", d.published_on),
            ("Team", d.team), ("Law", d.regime), ("Scope", d.scope),
            ("Copy", "Published copy" if d.public else "Internal copy: not for publication"),
        ]
        rows = [[Paragraph(_x(label), HEAD_CELL), Paragraph(_x_lines(value), CELL)] for label, value in facts if value]
        rows.append([Paragraph("Content fingerprint", HEAD_CELL),
                     Paragraph(f'<font face="Courier">{_x(d.content_hash)}</font>', CELL)])
        table = Table(rows, colWidths=[40 * mm, FRAME_WIDTH - 40 * mm], splitInRow=1)
        table.setStyle(TableStyle([*TABLE_STYLE, ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL)]))
        story: list[Flowable] = [
            Paragraph(_x(d.organisation), COVER_ORGANISATION),
            Paragraph("Data protection impact assessment", COVER_KIND),
            Paragraph(_x(d.title), COVER_TITLE),
            table,
        ]
        story += [Paragraph(_x_lines(note), NOTE) for note in d.notes if note]
        return story

    def _section(self, section: doc_model.Section) -> list[Flowable]:
        if section.withheld:
            return [_redaction(section.withheld)]
        story: list[Flowable] = []
        for item in section.items:
            story += self._item(item)
        return story or [Paragraph("Nothing is shown in this section.", BODY)]

    def _item(self, item: doc_model.Item) -> list[Flowable]:
        story: list[Flowable] = [Paragraph(_x(item.label), LABEL)] if item.label.strip() else []
        if item.withheld:
            story.append(_redaction(item.withheld))
        elif item.table is not None:
            story.append(_table(item.table))
        elif item.markdown is not None:
            story += self._markdown_flowables(item.markdown)
        elif item.text is not None:
            story.append(Paragraph(_x_lines(item.text), BODY))
        story.append(Spacer(1, 4))
        return story

    def _markdown_flowables(self, source: str) -> list[Flowable]:
        if source not in self._markdown:  # each distinct answer is rendered once per build
            self._markdown[source] = markdown_blocks(source)
        story: list[Flowable] = []
        in_list = False
        for block in self._markdown[source]:
            if in_list and (block[0] != "p" or not block[4]):
                story.append(Spacer(1, 4))  # a list item's spacing is tight; open up after the list
            in_list = block[0] == "p" and bool(block[4])
            if block[0] == "p":
                _p, kind, markup, bullet, depth, quote = block
                story.append(Paragraph(markup, _block_style(kind, depth, quote), bulletText=bullet))
            elif block[0] == "pre":
                _pre, text, depth, quote = block
                style = _block_style("pre", depth, quote)
                columns = max(20, int((FRAME_WIDTH - style.leftIndent) / (0.6 * CODE_SIZE)) - 1)
                story.append(Preformatted(text.expandtabs(4), style, maxLineLength=columns))
            elif block[0] == "hr":
                story.append(HRFlowable(width="100%", thickness=0.5, color=BORDER, spaceBefore=4, spaceAfter=6))
            elif block[0] == "table":
                story.append(_markdown_table(block[1], FRAME_WIDTH - 16 * block[2] - 14 * block[3]))
        return story

    def _rules(self, table: doc_model.Table) -> list[Flowable]:
        return [_table(table)]

    def _heat_maps(self) -> list[Flowable]:
        story: list[Flowable] = []
        for heat_map in self.document.heat_maps or ():
            story += [KeepTogether([Paragraph(_x(heat_map.title), H2), heat_map_drawing(heat_map)]),
                      *_heat_map_table(heat_map), Spacer(1, 10)]
        return story

    def _sign_offs(self) -> list[Flowable]:
        lines = self.document.sign_offs
        named = any(line.name for line in lines)
        columns = ["Sign-off", "Position", *(["Name"] if named else []), "Date", "Detail"]
        rows: list[list[Any]] = [[Paragraph(_x(c), HEAD_CELL) for c in columns]]
        for line in lines:
            values = [line.label, line.position, *([line.name or ""] if named else []), line.signed_on,
                      line.detail or ""]
            rows.append([Paragraph(_x_lines(v), CELL) for v in values])
        weights = [_text_weight([_column_text(line, c) for line in lines] + [c]) for c in columns]
        table = Table(rows, colWidths=_column_widths(weights, FRAME_WIDTH), repeatRows=1, splitInRow=1)
        table.setStyle(TableStyle([*TABLE_STYLE, ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL)]))
        return [table]


def _column_text(line: doc_model.SignOffLine, column: str) -> str:
    return {"Sign-off": line.label, "Position": line.position, "Name": line.name or "", "Date": line.signed_on,
            "Detail": line.detail or ""}[column]


def _redaction(withheld: doc_model.Withheld) -> Flowable:
    """A grey box holding the exemption notice: all that is left of a withheld part."""
    box = Table([[Paragraph(_x_lines(withheld.notice), REDACTED)]], colWidths=[FRAME_WIDTH], splitInRow=1)
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), REDACTION_FILL),
                             ("BOX", (0, 0), (-1, -1), 0.5, SECONDARY),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                             ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return box


def _table(table: doc_model.Table) -> Flowable:
    """A table answer (or the retention and access rules): a Ref column, then the table's own columns,
    with long cells wrapped and the header row repeated on each page. A withheld row keeps its ref and
    shows its notice in a grey box across the other columns."""
    if not table.rows:
        return Paragraph("No rows.", BODY)
    widest = max(table.rows, key=lambda row: len(row.cells))
    columns = list(table.columns) or [cell.label for cell in widest.cells] or [""]
    count = len(columns)
    if count > MAX_TABLE_COLUMNS:
        return _row_cards(table, columns)
    data: list[list[Any]] = [[Paragraph("Ref", HEAD_CELL), *(Paragraph(_x(c), HEAD_CELL) for c in columns)]]
    commands: list[tuple[Any, ...]] = [*TABLE_STYLE, ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL)]
    for number, row in enumerate(table.rows, start=1):
        if row.withheld:
            data.append([Paragraph(_x(row.ref), CELL), Paragraph(_x_lines(row.withheld.notice), REDACTED),
                         *[""] * (count - 1)])
            commands += [("SPAN", (1, number), (-1, number)), ("BACKGROUND", (1, number), (-1, number), REDACTION_FILL)]
            continue
        texts = [cell.text for cell in row.cells[:count]] + [""] * (count - len(row.cells))
        data.append([Paragraph(_x(row.ref), CELL), *(Paragraph(_x_lines(t), CELL) for t in texts)])
    texts_by_column = [[c] + [row.cells[i].text for row in table.rows if i < len(row.cells)]
                       for i, c in enumerate(columns)]
    ref_weight = min(max(max(len(row.ref) for row in table.rows), 3), 10) + 2
    weights = [ref_weight, *(_text_weight(texts) for texts in texts_by_column)]
    result = Table(data, colWidths=_column_widths(weights, FRAME_WIDTH), repeatRows=_header_rows(columns),
                   splitInRow=1)
    result.setStyle(TableStyle(commands))
    return result


MAX_TABLE_COLUMNS = 6  # beyond this, columns on A4 get too narrow to read (or to lay out at all)


def _row_cards(table: doc_model.Table, columns: Sequence[str]) -> Flowable:
    """A wide table printed row by row: each row as label/value pairs, like the screen's summary cards."""
    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [*TABLE_STYLE]
    for row in table.rows:
        start = len(data)
        data.append([Paragraph(f"Row {_x(row.ref)}", HEAD_CELL), ""])
        commands += [("SPAN", (0, start), (1, start)), ("BACKGROUND", (0, start), (1, start), HEAD_FILL)]
        if row.withheld:
            data.append([Paragraph(_x_lines(row.withheld.notice), REDACTED), ""])
            commands += [("SPAN", (0, start + 1), (1, start + 1)),
                         ("BACKGROUND", (0, start + 1), (1, start + 1), REDACTION_FILL)]
            continue
        for label, cell in zip(columns, row.cells, strict=False):
            data.append([Paragraph(_x(label), CELL), Paragraph(_x_lines(cell.text), CELL)])
    result = Table(data, colWidths=[FRAME_WIDTH * 0.35, FRAME_WIDTH * 0.65], splitInRow=1)
    result.setStyle(TableStyle(commands))
    return result


def _markdown_table(rows: Sequence[Sequence[tuple[bool, str]]], width: float) -> Flowable:
    count = max(len(row) for row in rows)
    data = [[Paragraph(markup, HEAD_CELL if header else CELL) for header, markup in row] + [""] * (count - len(row))
            for row in rows]
    header = all(is_header for is_header, _m in rows[0])
    repeat = _header_rows([markup for _h, markup in rows[0]]) if header else 0
    table = Table(data, colWidths=[width / count] * count, repeatRows=repeat, splitInRow=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = list(TABLE_STYLE)
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    table.setStyle(TableStyle(commands))
    return table


def _heat_map_table(heat_map: HeatMap) -> list[Flowable]:
    """The matrix in words, for readers who cannot see its colours: each occupied square and its risks."""
    story: list[Flowable] = []
    if heat_map.occupied:
        columns = [heat_map.likelihood_axis_label, heat_map.severity_axis_label, "Level", "Risks"]
        rows: list[list[Any]] = [[Paragraph(_x(c), HEAD_CELL) for c in columns]]
        for cell in heat_map.occupied:
            risks = "<br/>".join(_x(f"{risk.ref}: {risk.title}" if risk.title else risk.ref) for risk in cell.risks)
            rows.append([Paragraph(_x(cell.likelihood_label), CELL), Paragraph(_x(cell.severity_label), CELL),
                         Paragraph(_x(cell.level_label), CELL), Paragraph(risks, CELL)])
        table = Table(rows, colWidths=_column_widths([14, 14, 12, 60], FRAME_WIDTH), repeatRows=1, splitInRow=1)
        table.setStyle(TableStyle([*TABLE_STYLE, ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL)]))
        story.append(table)
    else:
        story.append(Paragraph("No risk is rated at this stage.", BODY))
    if heat_map.unrated:
        story.append(Spacer(1, 4))
        story.append(Paragraph("Not rated at this stage: " + _x(", ".join(heat_map.unrated)), BODY))
    return story
