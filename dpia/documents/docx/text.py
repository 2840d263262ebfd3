"""User text made safe for a Word file.

python-docx escapes `<`, `&` and the rest, so a string such as `<w:t>` stays text. What it cannot do is
write a character that XML 1.0 forbids (most control characters, lone surrogates, U+FFFE and U+FFFF):
lxml refuses it and the export would fail. Every string is cleaned here before it reaches python-docx.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Drop characters XML cannot hold (and DEL, which nothing should print); normalise line ends."""
    return _FORBIDDEN.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
