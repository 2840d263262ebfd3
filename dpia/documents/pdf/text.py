"""User text made safe for the PDF: escaped into Paragraph markup, or fitted for the canvas.

Every string in a `Document` is user text, and reportlab's `Paragraph` parses an XML-like markup
(`<a href>`, `<img src>`, `<font>`, …) in whatever text it is given: an unclosed tag stops the export,
`<a>` plants a live link and `<img>` embeds a server file (docs/security.md X1). So no document string
reaches a Paragraph unescaped: plain strings go through `xml.sax.saxutils.escape` (`escape_text` and
`escape_lines` here), and Markdown answers go through the project's one sanitising path (`render_markdown`)
and are then mapped, tag by tag from an allow-list, onto the few Paragraph tags the PDF's modules write
themselves (`<b>`, `<i>`, `<font face="Courier">`, `<br/>`; see `markup`). Links become their text
followed by the address in brackets, never an annotation; images are never drawn. Strings drawn straight
on the canvas (running header, risk matrix) never meet the markup parser at all; `fit` and `wrap_lines`
only make them fit.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str | None) -> str:
    """Drop control characters (which nothing should print) and normalise line ends."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def escape_text(text: str | None) -> str:
    """User text as Paragraph markup that can only ever mean that text."""
    return escape(clean(text))


def escape_lines(text: str | None) -> str:
    """Like `escape_text`, keeping the text's line breaks."""
    return escape_text(text).replace("\n", "<br/>")


def shorten(text: str, limit: int) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit(text: str, font: str, size: float, width: float) -> str:
    """Cut text drawn straight on the canvas so that it fits `width`, ending it with "…"."""
    text = " ".join(clean(text).split())
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


def wrap_lines(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Break text into at most `max_lines` lines of `width`, for strings drawn on the canvas."""
    lines: list[str] = []
    current = ""
    for word in " ".join(clean(text).split()).split(" "):
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    lines = [fit(line, font, size, width) for line in lines]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [fit(" ".join(lines[max_lines - 1:]) + " …", font, size, width)]
    return lines
