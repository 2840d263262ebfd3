"""Two requests at the same moment, for races that only a real database shows."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from dpia.core.extensions import db


def run_at_once(app: Flask, calls: list[Callable[[], None]], *, inserting: type) -> bool:
    """Run `calls` in threads side by side. On PostgreSQL each flush that inserts an `inserting` row
    waits until every call has reached it, so all of them find the row absent before any inserts it;
    SQLite queues writers (BEGIN IMMEDIATE), where holding one would only wait for the other.

    Returns whether the calls really ran concurrently (PostgreSQL)."""
    with app.app_context():
        concurrent = db.engine.dialect.name == "postgresql"
    all_checked = threading.Barrier(len(calls), timeout=10)

    def hold_insert(session: Session, _context: object, _instances: object) -> None:
        if any(isinstance(obj, inserting) for obj in session.new):
            all_checked.wait()

    if concurrent:
        event.listen(Session, "before_flush", hold_insert)
    try:
        threads = [threading.Thread(target=call) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if concurrent:
            event.remove(Session, "before_flush", hold_insert)
    return concurrent
