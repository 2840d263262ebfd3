"""Time helpers. Services receive `now` from their caller so tests can move the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def day_label(value: date | datetime | None) -> str:
    """A date as people write it: 28 April 2017 (empty when there is none)."""
    return f"{value.day} {value:%B %Y}" if value else ""
