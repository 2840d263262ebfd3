"""The clock.

Services and rules take `now` from their caller. The callers (views and commands) ask `now()`, which
reads the application's one clock, so a test sets the time for every page and command at once with
`set_clock(app, ...)` instead of patching modules.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, current_app, has_app_context

CLOCK_KEY = "dpia.clock"


def utcnow() -> datetime:
    """The real time, aware and in UTC."""
    return datetime.now(UTC)


def now() -> datetime:
    """The application's time: the real time unless a test has set the clock."""
    if has_app_context():
        return current_app.extensions.get(CLOCK_KEY, utcnow)()
    return utcnow()


def set_clock(app: Flask, clock: Callable[[], datetime] | None) -> None:
    """Make `clock` the application's time source (None restores the real time)."""
    app.extensions[CLOCK_KEY] = clock or utcnow
