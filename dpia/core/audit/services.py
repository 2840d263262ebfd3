"""The hash-chained audit log: appending in the caller's transaction, verifying the chain, and
listing events a page at a time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, func, select, text

from dpia.core.audit.models import AuditEvent
from dpia.core.extensions import db
from dpia.core.hashing import canonical_json, sha256
from dpia.core.pagination import Page, offset
from dpia.core.permissions import Actor

GENESIS_HASH = "0" * 64
# Any constant will do: it names the lock that serialises appends on PostgreSQL.
_AUDIT_LOCK_ID = 0x0D91A


def entry_hash(prev_hash: str, record: dict[str, Any]) -> str:
    """Hash a record together with its predecessor's hash (canonical JSON, UTF-8)."""
    return sha256(prev_hash.encode("ascii") + canonical_json(record))


class _RecordedFields(Protocol):
    """The columns an entry hash covers: an `AuditEvent`, or a row selected from its columns."""

    occurred_at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str | None
    summary: dict[str, Any]


def _canonical_time(moment: datetime) -> str:
    """Write a moment as UTC ISO 8601, the same before storing and after reading back.

    The database keeps the instant, not the offset it was given in: SQLite stores naive UTC and
    PostgreSQL converts to the session's zone, and both come back as aware UTC. Hashing the offset
    the caller happened to use would make a correct row fail verification once reloaded.
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; audit times must be aware")
    return moment.astimezone(UTC).isoformat()


def _record_fields(event: _RecordedFields) -> dict[str, Any]:
    """The hashed content of an event, in the form it takes after a round trip through the database."""
    return {
        "occurred_at": _canonical_time(event.occurred_at),
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        # As stored: JSON turns tuples into lists and keys into strings, and string keys sort
        # differently from numbers ("10" < "9"), so a summary with numeric keys would not verify.
        "summary": json.loads(json.dumps(event.summary)),
    }


def record_event(
    *,
    actor: Actor | None,
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


@dataclass(frozen=True)
class VerifyResult:
    """What `verify_chain` found: the rows it checked and, if the chain breaks, where and why.

    `last_seq` and `last_hash` name the last row that verified (the genesis hash for an empty
    log). Keeping `last_hash` outside the database is what makes a cut-off tail detectable: the
    chain itself cannot show rows missing from its end.
    """

    checked: int
    last_seq: int | None
    last_hash: str
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    @property
    def verified(self) -> int:
        """How many rows verified: all that were checked, or all but the broken one."""
        return self.checked if self.ok else self.checked - 1


_VERIFIED_COLUMNS = (AuditEvent.seq, AuditEvent.occurred_at, AuditEvent.actor_id, AuditEvent.action,
                     AuditEvent.object_type, AuditEvent.object_id, AuditEvent.summary, AuditEvent.prev_hash,
                     AuditEvent.entry_hash)


def verify_chain(*, batch_size: int = 1000) -> VerifyResult:
    """Walk the whole log in `seq` order and report the first link that does not hold.

    Each row must name its predecessor's `entry_hash` as its `prev_hash`, and its own `entry_hash`
    must match its stored content. Gaps in `seq` are not evidence of anything (PostgreSQL sequences
    skip numbers after a rollback), so deletions are found through the linkage instead. Rows are
    read in batches of `batch_size` by keyset, as plain column tuples rather than ORM objects, so
    memory stays flat and nothing cached in the session can stand in for what is stored.
    """
    expected_prev, last_seq, checked = GENESIS_HASH, None, 0
    while True:
        query = select(*_VERIFIED_COLUMNS).order_by(AuditEvent.seq).limit(batch_size)
        if last_seq is not None:
            query = query.where(AuditEvent.seq > last_seq)
        rows = db.session.execute(query).all()
        for row in rows:
            checked += 1
            if row.prev_hash != expected_prev:
                after = "the start of the chain" if last_seq is None else f"row {last_seq}"
                return VerifyResult(checked, last_seq, expected_prev, broken_seq=row.seq,
                                    reason=f"prev_hash does not match {after} (row deleted or reordered)")
            if entry_hash(row.prev_hash, _record_fields(row)) != row.entry_hash:
                return VerifyResult(checked, last_seq, expected_prev, broken_seq=row.seq,
                                    reason="entry_hash does not match its content (row edited)")
            expected_prev, last_seq = row.entry_hash, row.seq
        if len(rows) < batch_size:
            return VerifyResult(checked, last_seq, expected_prev)


def event_page(about: ColumnElement[bool], *, number: int, per_page: int) -> Page[AuditEvent]:
    """One page of the events matching `about`, newest first, with the total, in one statement.

    A page past the end comes back empty.
    """
    rows = db.session.execute(
        select(AuditEvent, func.count().over().label("total"))
        .where(about)
        .order_by(AuditEvent.seq.desc())
        .limit(per_page)
        .offset(offset(number, per_page))
    ).all()
    return Page([row.AuditEvent for row in rows], number, per_page, rows[0].total if rows else 0)
