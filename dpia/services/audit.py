"""Appending to the hash-chained audit log, in the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from dpia.extensions import db
from dpia.models import AuditEvent, User

GENESIS_HASH = "0" * 64
# Any constant will do: it names the lock that serialises appends on PostgreSQL.
_AUDIT_LOCK_ID = 0x0D91A


def entry_hash(prev_hash: str, record: dict[str, Any]) -> str:
    """Hash a record together with its predecessor's hash (canonical JSON, UTF-8)."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _record_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
    }


def record_event(
    *,
    actor: User | None,
    now: datetime,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    summary: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the current transaction; it commits or rolls back with the change.

    Appends are serialised so the chain cannot fork: SQLite write transactions already hold the
    database's write lock (`BEGIN IMMEDIATE`); PostgreSQL takes a transaction-scoped advisory lock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_ID})
    prev = db.session.scalar(select(AuditEvent.entry_hash).order_by(AuditEvent.seq.desc()).limit(1))
    event = AuditEvent(
        occurred_at=now.replace(microsecond=0),
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary or {},
        prev_hash=prev or GENESIS_HASH,
        entry_hash="",
    )
    event.entry_hash = entry_hash(event.prev_hash, _record_fields(event))
    db.session.add(event)
    db.session.flush()
    return event
