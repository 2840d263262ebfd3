"""The risk matrix: drawn in its levels' colours, and the same matrix in words as a table."""

from __future__ import annotations

from typing import Any

from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from dpia.assessments.rules.risk import HeatMap
from dpia.documents.pdf.styles import BLACK, BODY, CELL, FRAME_WIDTH, HEAD_CELL, HEAD_FILL, TABLE_STYLE, TEXT, WHITE
from dpia.documents.pdf.tables import column_widths
from dpia.documents.pdf.text import escape_text, fit, wrap_lines

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
        lines = wrap_lines(heat_map.likelihood_levels[r].label, "Helvetica", 8, row_label, 3)
        top = y + cell_h / 2 + (len(lines) - 1) * 5 - 3
        for k, line in enumerate(lines):
            drawing.add(String(grid_x - 6, top - k * 10, line, fontName="Helvetica", fontSize=8, fillColor=TEXT,
                               textAnchor="end"))
        for c, cell in enumerate(row):
            x = grid_x + c * cell_w
            fill, ink = _level_colours(cell.level, cell.level_rank)
            drawing.add(Rect(x, y, cell_w, cell_h, fillColor=fill, strokeColor=WHITE, strokeWidth=2))
            drawing.add(String(x + cell_w / 2, y + cell_h - 12, fit(cell.level_label, "Helvetica", 7.5, cell_w - 6),
                               fontName="Helvetica", fontSize=7.5, fillColor=ink, textAnchor="middle"))
            if cell.refs:
                refs = wrap_lines(", ".join(cell.refs), "Helvetica-Bold", 9, cell_w - 6, 3)
                for k, line in enumerate(refs):
                    drawing.add(String(x + cell_w / 2, y + cell_h - 25 - k * 10.5, line, fontName="Helvetica-Bold",
                                       fontSize=9, fillColor=ink, textAnchor="middle"))
    for c, level in enumerate(heat_map.severity_levels):
        lines = wrap_lines(level.label, "Helvetica", 8, cell_w - 4, 2)
        for k, line in enumerate(lines):
            drawing.add(String(grid_x + (c + 0.5) * cell_w, base - 11 - k * 9.5, line, fontName="Helvetica",
                               fontSize=8, fillColor=TEXT, textAnchor="middle"))
    drawing.add(String(grid_x + columns * cell_w / 2, 4, fit(heat_map.severity_axis_label, "Helvetica-Bold", 9,
                                                                columns * cell_w),
                       fontName="Helvetica-Bold", fontSize=9, fillColor=TEXT, textAnchor="middle"))
    likelihood = Group(String(0, 0, fit(heat_map.likelihood_axis_label, "Helvetica-Bold", 9, rows * cell_h),
                              fontName="Helvetica-Bold", fontSize=9, fillColor=TEXT, textAnchor="middle"))
    likelihood.transform = (0, 1, -1, 0, axis - 6, base + rows * cell_h / 2)  # turned to read bottom to top
    drawing.add(likelihood)
    return drawing


def heat_map_table(heat_map: HeatMap) -> list[Flowable]:
    """The matrix in words, for readers who cannot see its colours: each occupied square and its risks."""
    story: list[Flowable] = []
    if heat_map.occupied:
        columns = [heat_map.likelihood_axis_label, heat_map.severity_axis_label, "Level", "Risks"]
        rows: list[list[Any]] = [[Paragraph(escape_text(c), HEAD_CELL) for c in columns]]
        for cell in heat_map.occupied:
            risks = "<br/>".join(escape_text(f"{risk.ref}: {risk.title}" if risk.title else risk.ref)
                                 for risk in cell.risks)
            rows.append([Paragraph(escape_text(cell.likelihood_label), CELL),
                         Paragraph(escape_text(cell.severity_label), CELL),
                         Paragraph(escape_text(cell.level_label), CELL), Paragraph(risks, CELL)])
        table = Table(rows, colWidths=column_widths([14, 14, 12, 60], FRAME_WIDTH), repeatRows=1, splitInRow=1)
        table.setStyle(TableStyle([*TABLE_STYLE, ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL)]))
        story.append(table)
    else:
        story.append(Paragraph("No risk is rated at this stage.", BODY))
    if heat_map.unrated:
        story.append(Spacer(1, 4))
        story.append(Paragraph("Not rated at this stage: " + escape_text(", ".join(heat_map.unrated)), BODY))
    return story
