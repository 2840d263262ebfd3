"""Tables: table answers (a grid, or row by row when too wide), Markdown tables, the grey box left of a
withheld part, and how columns share the width."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from dpia.documents import model as doc_model
from dpia.documents.pdf.styles import (
    BODY,
    CELL,
    FRAME_WIDTH,
    HEAD_CELL,
    HEAD_FILL,
    REDACTED,
    REDACTION_FILL,
    REPEATED_HEADER_LENGTH,
    SECONDARY,
    TABLE_STYLE,
)
from dpia.documents.pdf.text import escape_lines, escape_text


def _header_rows(texts: Sequence[str]) -> int:
    """Repeat a table's header row on each page, unless it is so long it could fill a page by itself (a
    repeated row cannot be split, so reportlab would give up)."""
    return 1 if max((len(t) for t in texts), default=0) <= REPEATED_HEADER_LENGTH else 0


def column_widths(weights: Sequence[float], total: float) -> list[float]:
    whole = sum(weights) or 1
    return [total * w / whole for w in weights]


def text_weight(texts: Sequence[str]) -> float:
    """How much room a column wants: its longer texts, within bounds so no column starves."""
    lengths = sorted(len(t) for t in texts) or [0]
    typical = lengths[(len(lengths) * 3) // 4]
    return min(max(typical, 6), 40) + 4


def redaction(withheld: doc_model.Withheld) -> Flowable:
    """A grey box holding the exemption notice: all that is left of a withheld part."""
    box = Table([[Paragraph(escape_lines(withheld.notice), REDACTED)]], colWidths=[FRAME_WIDTH], splitInRow=1)
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), REDACTION_FILL),
                             ("BOX", (0, 0), (-1, -1), 0.5, SECONDARY),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                             ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return box


def answer_table(table: doc_model.Table) -> Flowable:
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
    data: list[list[Any]] = [[Paragraph("Ref", HEAD_CELL), *(Paragraph(escape_text(c), HEAD_CELL) for c in columns)]]
    commands: list[tuple[Any, ...]] = [*TABLE_STYLE, ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL)]
    for number, row in enumerate(table.rows, start=1):
        if row.withheld:
            data.append([Paragraph(escape_text(row.ref), CELL), Paragraph(escape_lines(row.withheld.notice), REDACTED),
                         *[""] * (count - 1)])
            commands += [("SPAN", (1, number), (-1, number)), ("BACKGROUND", (1, number), (-1, number), REDACTION_FILL)]
            continue
        texts = [cell.text for cell in row.cells[:count]] + [""] * (count - len(row.cells))
        data.append([Paragraph(escape_text(row.ref), CELL), *(Paragraph(escape_lines(t), CELL) for t in texts)])
    texts_by_column = [[c] + [row.cells[i].text for row in table.rows if i < len(row.cells)]
                       for i, c in enumerate(columns)]
    ref_weight = min(max(max(len(row.ref) for row in table.rows), 3), 10) + 2
    weights = [ref_weight, *(text_weight(texts) for texts in texts_by_column)]
    result = Table(data, colWidths=column_widths(weights, FRAME_WIDTH), repeatRows=_header_rows(columns),
                   splitInRow=1)
    result.setStyle(TableStyle(commands))
    return result


def totals_table(table: doc_model.Table) -> Flowable:
    """The totals under a table: a heading row saying what they are taken over, then label and total."""
    data: list[list[Any]] = [[Paragraph(escape_text(table.totals_heading), HEAD_CELL), ""]]
    data += [[Paragraph(escape_text(cell.label), CELL), Paragraph(escape_text(cell.text), CELL)]
             for cell in table.totals]
    result = Table(data, colWidths=[FRAME_WIDTH * 0.35, FRAME_WIDTH * 0.65], splitInRow=1)
    result.setStyle(TableStyle([*TABLE_STYLE, ("SPAN", (0, 0), (1, 0)), ("BACKGROUND", (0, 0), (1, 0), HEAD_FILL)]))
    return result


MAX_TABLE_COLUMNS = 6  # beyond this, columns on A4 get too narrow to read (or to lay out at all)


def _row_cards(table: doc_model.Table, columns: Sequence[str]) -> Flowable:
    """A wide table printed row by row: each row as label/value pairs, like the screen's summary cards."""
    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [*TABLE_STYLE]
    for row in table.rows:
        start = len(data)
        data.append([Paragraph(f"Row {escape_text(row.ref)}", HEAD_CELL), ""])
        commands += [("SPAN", (0, start), (1, start)), ("BACKGROUND", (0, start), (1, start), HEAD_FILL)]
        if row.withheld:
            data.append([Paragraph(escape_lines(row.withheld.notice), REDACTED), ""])
            commands += [("SPAN", (0, start + 1), (1, start + 1)),
                         ("BACKGROUND", (0, start + 1), (1, start + 1), REDACTION_FILL)]
            continue
        for label, cell in zip(columns, row.cells, strict=False):
            data.append([Paragraph(escape_text(label), CELL), Paragraph(escape_lines(cell.text), CELL)])
    result = Table(data, colWidths=[FRAME_WIDTH * 0.35, FRAME_WIDTH * 0.65], splitInRow=1)
    result.setStyle(TableStyle(commands))
    return result


def markdown_table(rows: Sequence[Sequence[tuple[bool, str]]], width: float) -> Flowable:
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
