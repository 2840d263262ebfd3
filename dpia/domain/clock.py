"""Time helpers. Services receive `now` from their caller so tests can move the clock."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
