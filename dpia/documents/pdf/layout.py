"""Page furniture: the running header, the watermark, "Page X of Y", the contents' page numbers and the
bookmarks.

One layout pass: "Page X of Y", the contents' page numbers and the bookmarks are added when the canvas is
saved, once the page count and the page each part starts on are known (the deferred-canvas recipe). That
costs half of what `multiBuild`'s two or three passes would (docs/security.md X3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph

from dpia.documents import model as doc_model
from dpia.documents.pdf.styles import (
    BORDER,
    CONTENTS_LINE,
    CONTENTS_TITLE_LENGTH,
    FRAME_WIDTH,
    MARGIN,
    NUMBER_WIDTH,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SECONDARY,
    TEXT,
    WATERMARK_GREY,
)
from dpia.documents.pdf.text import clean, escape_text, fit, shorten


@dataclass
class Layout:
    """What one build learns while laying out, and draws when the canvas is saved."""

    header: str
    watermark: str | None
    starts: dict[str, int] = field(default_factory=dict)  # contents key -> page its part starts on
    anchors: dict[int, list[tuple[str, str, float]]] = field(default_factory=dict)  # page -> (key, title, top)
    slots: dict[int, list[tuple[str, float, float]]] = field(default_factory=dict)  # page -> (key, x, y)


class Anchor(Flowable):
    """Marks where a part starts: its page for the contents, and a bookmark for the outline."""

    def __init__(self, layout: Layout, key: str, title: str) -> None:
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


class ContentsLine(Flowable):
    """A contents entry: the title, a dotted leader, and the page number (drawn once it is known)."""

    def __init__(self, layout: Layout, key: str, title: str) -> None:
        super().__init__()
        self.layout, self.key = layout, key
        self.paragraph = Paragraph(escape_text(shorten(title, CONTENTS_TITLE_LENGTH)), CONTENTS_LINE)

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


class DeferredCanvas(Canvas):
    """A canvas that holds every page back until the end, then adds what needed the whole document:
    "Page X of Y", the contents' page numbers and the bookmarks (whose page objects only exist then)."""

    def __init__(self, *args: Any, layout: Layout, **kwargs: Any) -> None:
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
            self.addOutlineEntry(shorten(title, CONTENTS_TITLE_LENGTH), key, level=0)


def decorate_page(canv: Canvas, _doc: BaseDocTemplate, *, layout: Layout) -> None:
    """Draw the watermark (under the page's content) and, after the cover, the running header."""
    canv.saveState()
    if layout.watermark:
        text = shorten(layout.watermark, 60)
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


def running_header(document: doc_model.Document) -> str:
    revision = f"Revision {document.revision}"
    room = FRAME_WIDTH - stringWidth(f" · {revision}", "Helvetica", 8.5)
    organisation, reference = (" ".join(clean(text).split()) for text in (document.organisation, document.reference))
    head = f"{organisation} · {reference}"
    if stringWidth(head, "Helvetica", 8.5) > room:  # keep the reference whole where possible
        reference = fit(reference, "Helvetica", 8.5, room / 2)
        organisation = fit(organisation, "Helvetica", 8.5, room - stringWidth(f" · {reference}", "Helvetica", 8.5))
        head = f"{organisation} · {reference}"
    return f"{head} · {revision}"
