"""Checking definitions written inside tests: the all-types fixture as text, what the validator says of a
changed copy, and the line a mistake stands on."""

from __future__ import annotations

from dpia.questionnaires.rules.schema import check_text
from tests.factories import FIXTURES

VALID = (FIXTURES / "all-types.yaml").read_text()


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line containing the n-th occurrence of `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found")


def problems_for(text: str) -> list[str]:
    return check_text(text, "broken.yaml")
