"""Helpers for the CNIL import tests: the two real example exports, and finding a leaf's value."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cnil"
PIA_FILE = FIXTURES / "2018-02-21-pia-example.json"
STRUCTURE_FILE = FIXTURES / "2018-11-21-structure-example-en.json"


def tokens(text: Any) -> list[str]:
    """The words of a text with its HTML and Markdown taken away: what a reader sees."""
    visible = re.sub(r"(?is)<!--.*?-->|<(style|script)\b.*?</\1>", " ", str(text))
    plain = html.unescape(re.sub(r"<[^>]+>", " ", visible))
    plain = re.sub(r"(?m)^\s*\d+\.\s", " ", plain)  # a Markdown numbered list's markers
    return re.findall(r"\w+", plain.casefold())


def found_in(value: Any, haystack: Any) -> bool:
    """Whether every word of `value`, in order and together, appears in `haystack`."""
    needle = tokens(value)
    if not needle:
        return False
    words = haystack if isinstance(haystack, str) else json.dumps(haystack, ensure_ascii=False)
    return f" {' '.join(needle)} " in f" {' '.join(tokens(words))} "


@pytest.fixture()
def pia_document() -> dict[str, Any]:
    return json.loads(PIA_FILE.read_text(encoding="utf-8"))


@pytest.fixture()
def structure_document() -> dict[str, Any]:
    return json.loads(STRUCTURE_FILE.read_text(encoding="utf-8"))
