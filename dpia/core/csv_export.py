"""CSV files people open in spreadsheets: RFC 4180 text, and no cell a spreadsheet would run.

A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return) as a formula, so a data category typed as `=HYPERLINK(...)` would run on the reader's machine.
Every such cell gets a leading apostrophe, which spreadsheets show as text. Every CSV the service
writes goes through `csv_chunks` (or `csv_text`), so the defence is in one place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import quote

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIME_TYPE = "text/csv"


def safe_cell(value: object) -> str:
    """The text of one cell, neutralised when a spreadsheet would read it as a formula (None is empty)."""
    if value is None:
        return ""
    text = ("Yes" if value else "No") if isinstance(value, bool) else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]], *, lines: int = 500) -> Iterator[str]:
    """A CSV document a few hundred lines at a time (for streaming a large export): a header row, then
    one line per row, quoted only where needed (QUOTE_MINIMAL), every line ending in CRLF (RFC 4180)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if count % lines == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document (see `csv_chunks`)."""
    return "".join(csv_chunks(header, rows))


def attachment(filename: str) -> str:
    """A Content-Disposition value that makes browsers save the file under `filename`."""
    ascii_name = "".join(char if char.isascii() and (char.isalnum() or char in "-_.") else "_" for char in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
