"""Dates and times as people read them. Pure: rules, documents and templates share these words."""

from __future__ import annotations

from datetime import UTC, date, datetime


def day_label(value: date | datetime | None, *, short: bool = False) -> str:
    """A date as people write it: 28 April 2017, or 28 Apr 2017 when `short` (empty when there is none)."""
    if not value:
        return ""
    return f"{value.day} {value:%b %Y}" if short else f"{value.day} {value:%B %Y}"


def moment_label(value: datetime) -> str:
    """A moment in its own time zone, as prose: 28 April 2017, 14:05."""
    return f"{day_label(value)}, {value:%H:%M}"


def utc_label(value: datetime | None, *, table: bool = False) -> str:
    """A moment in UTC: 28 April 2017, 14:05 UTC in prose; 28 Apr 2017 14:05:09 UTC in a `table`,
    where a log's entries must be told apart to the second. Empty when there is none."""
    if value is None:
        return ""
    moment = value.astimezone(UTC)
    if table:
        return f"{day_label(moment, short=True)} {moment:%H:%M:%S} UTC"
    return f"{moment_label(moment)} UTC"
