"""The append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dpia.core.extensions import db


class AuditEvent(db.Model):
    """One thing that happened. `entry_hash` covers this row and `prev_hash`, chaining the log."""

    __tablename__ = "audit_event"
    # The audit page lists one assessment's events; this keeps that a single index lookup.
    __table_args__ = (Index("ix_audit_event_object_type_object_id", "object_type", "object_id"),)

    seq: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
