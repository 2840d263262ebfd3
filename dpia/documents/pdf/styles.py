"""Page geometry, colours, paragraph and table styles of the PDF, and reportlab's network lock-down.

Every module of the PDF that draws imports this one (and `builder` does), so the lock-down below is in
force whenever a PDF is built.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

# Nothing in this PDF is fetched: no scheme and no host is trusted, so even markup that slipped past the
# escaping could not reach the network (GHSA-mpvw-25mg-59vx / CVE-2020-28463).
rl_config.trustedSchemes = []
rl_config.trustedHosts = []

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
TOP_MARGIN = 24 * mm
BOTTOM_MARGIN = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
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
