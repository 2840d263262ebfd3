"""Time helpers. Services receive `now` from their caller so tests can move the clock."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
