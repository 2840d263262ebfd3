"""The PDF of one revision: reportlab platypus drawing a `Document` into bytes.

`build_pdf` lays out the cover, the contents and each part. The package docstring says how the work is
split between the modules, `text` why no user text may become Paragraph markup, and `layout` how one
layout pass is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
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

from dpia.documents import model as doc_model
from dpia.documents.pdf.heatmap import heat_map_drawing, heat_map_table
from dpia.documents.pdf.layout import Anchor, ContentsLine, DeferredCanvas, Layout, decorate_page, running_header
from dpia.documents.pdf.markup import Block, block_style, markdown_blocks
from dpia.documents.pdf.styles import (
    BODY,
    BORDER,
    BOTTOM_MARGIN,
    CELL,
    CODE_SIZE,
    COVER_KIND,
    COVER_ORGANISATION,
    COVER_TITLE,
    FRAME_WIDTH,
    H1,
    H2,
    HEAD_CELL,
    HEAD_FILL,
    LABEL,
    MARGIN,
    NOTE,
    PAGE_HEIGHT,
    TABLE_STYLE,
    TOP_MARGIN,
)
from dpia.documents.pdf.tables import (
    answer_table,
    column_widths,
    markdown_table,
    redaction,
    text_weight,
    totals_table,
)
from dpia.documents.pdf.text import clean, escape_lines, escape_text, shorten


def build_pdf(document: doc_model.Document, *, watermark: str | None = None) -> bytes:
    """Draw a revision's document as an A4 PDF and return its bytes (nothing is written to disk).

    :param document: what to show; redaction has already happened (a withheld part holds only its notice).
    :param watermark: a word such as "DRAFT" drawn large and light across every page.
    """
    return _Builder(document, watermark).build()


class _Builder:
    def __init__(self, document: doc_model.Document, watermark: str | None) -> None:
        self.document = document
        self.layout = Layout(header=running_header(document), watermark=clean(watermark) or None)
        self._markdown: dict[str, tuple[Block, ...]] = {}

    def build(self) -> bytes:
        document = self.document
        parts = self._parts()
        story: list[Flowable] = [*self._cover(), PageBreak(), Paragraph("Contents", H1)]
        story += [ContentsLine(self.layout, key, title) for key, title, _make in parts]
        story.append(PageBreak())
        for key, title, make in parts:
            story += [CondPageBreak(45 * mm), Anchor(self.layout, key, title), Paragraph(escape_text(title), H1),
                      *make()]
        buffer = BytesIO()
        template = BaseDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN, invariant=1, title=shorten(document.title, 300),
            author=shorten(document.organisation, 300), subject="Data protection impact assessment",
            creator="dpia",
        )
        frame = Frame(MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        template.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                                onPage=partial(decorate_page, layout=self.layout))])
        template.build(story, canvasmaker=partial(DeferredCanvas, layout=self.layout))
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
        if document.conditions:
            parts.append(("conditions", "Conditions of approval", partial(self._rules, _conditions_table(document))))
        files = doc_model.files_table(document)
        if files:
            parts.append(("evidence-files", "Evidence files", partial(self._rules, files)))
        return parts

    def _cover(self) -> list[Flowable]:
        d = self.document
        facts = [
            ("Reference", d.reference), ("Revision", str(d.revision)), ("Status", d.status),
            ("Written on", d.written_on), ("Approved on", d.approved_on), ("Published on", d.published_on),
            ("Team", d.team), ("Law", d.regime), ("Scope", d.scope),
            ("Copy", "Published copy" if d.public else "Internal copy: not for publication"),
        ]
        rows = [[Paragraph(escape_text(label), HEAD_CELL), Paragraph(escape_lines(value), CELL)]
                for label, value in facts if value]
        rows.append([Paragraph("Content fingerprint", HEAD_CELL),
                     Paragraph(f'<font face="Courier">{escape_text(d.content_hash)}</font>', CELL)])
        table = Table(rows, colWidths=[40 * mm, FRAME_WIDTH - 40 * mm], splitInRow=1)
        table.setStyle(TableStyle([*TABLE_STYLE, ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL)]))
        story: list[Flowable] = [
            Paragraph(escape_text(d.organisation), COVER_ORGANISATION),
            Paragraph("Data protection impact assessment", COVER_KIND),
            Paragraph(escape_text(d.title), COVER_TITLE),
            table,
        ]
        story += [Paragraph(escape_lines(note), NOTE) for note in d.notes if note]
        return story

    def _section(self, section: doc_model.Section) -> list[Flowable]:
        if section.withheld:
            return [redaction(section.withheld)]
        story: list[Flowable] = []
        for item in section.items:
            story += self._item(item)
        return story or [Paragraph("Nothing is shown in this section.", BODY)]

    def _item(self, item: doc_model.Item) -> list[Flowable]:
        story: list[Flowable] = [Paragraph(escape_text(item.label), LABEL)] if item.label.strip() else []
        if item.withheld:
            story.append(redaction(item.withheld))
        elif item.table is not None:
            story.append(answer_table(item.table))
            if item.table.totals:
                story.append(totals_table(item.table))
        elif item.markdown is not None:
            story += self._markdown_flowables(item.markdown)
        elif item.text is not None:
            story.append(Paragraph(escape_lines(item.text), BODY))
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
                story.append(Paragraph(markup, block_style(kind, depth, quote), bulletText=bullet))
            elif block[0] == "pre":
                _pre, text, depth, quote = block
                style = block_style("pre", depth, quote)
                columns = max(20, int((FRAME_WIDTH - style.leftIndent) / (0.6 * CODE_SIZE)) - 1)
                story.append(Preformatted(text.expandtabs(4), style, maxLineLength=columns))
            elif block[0] == "hr":
                story.append(HRFlowable(width="100%", thickness=0.5, color=BORDER, spaceBefore=4, spaceAfter=6))
            elif block[0] == "table":
                story.append(markdown_table(block[1], FRAME_WIDTH - 16 * block[2] - 14 * block[3]))
        return story

    def _rules(self, table: doc_model.Table) -> list[Flowable]:
        return [answer_table(table)]

    def _heat_maps(self) -> list[Flowable]:
        story: list[Flowable] = []
        for heat_map in self.document.heat_maps or ():
            story += [KeepTogether([Paragraph(escape_text(heat_map.title), H2), heat_map_drawing(heat_map)]),
                      *heat_map_table(heat_map), Spacer(1, 10)]
        return story

    def _sign_offs(self) -> list[Flowable]:
        lines = self.document.sign_offs
        named = any(line.name for line in lines)
        columns = ["Sign-off", "Position", *(["Name"] if named else []), "Date", "Detail"]
        rows: list[list[Any]] = [[Paragraph(escape_text(c), HEAD_CELL) for c in columns]]
        for line in lines:
            values = [line.label, line.position, *([line.name or ""] if named else []), line.signed_on,
                      line.detail or ""]
            rows.append([Paragraph(escape_lines(v), CELL) for v in values])
        weights = [text_weight([_column_text(line, c) for line in lines] + [c]) for c in columns]
        table = Table(rows, colWidths=column_widths(weights, FRAME_WIDTH), repeatRows=1, splitInRow=1)
        table.setStyle(TableStyle([*TABLE_STYLE, ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL)]))
        return [table]


def _conditions_table(document: doc_model.Document) -> doc_model.Table:
    """The conditions of approval laid out as a table of the document model (numbered as the approver gave them)."""
    columns = ("Action", "Owner", "Due", "Status")
    rows = tuple(doc_model.Row(str(number), tuple(doc_model.Cell(label, value) for label, value in
                                                  zip(columns, (c.action, c.owner, c.due_on, c.status), strict=True)))
                 for number, c in enumerate(document.conditions, start=1))
    return doc_model.Table(columns, rows)


def _column_text(line: doc_model.SignOffLine, column: str) -> str:
    return {"Sign-off": line.label, "Position": line.position, "Name": line.name or "", "Date": line.signed_on,
            "Detail": line.detail or ""}[column]
