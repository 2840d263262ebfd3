"""The audit rows an imported assessment brought with it, kept exactly as its source database hashed them.

They are not part of this database's own hash chain (they were chained in another one), so they live
in their own table: `flask dpia audit verify` keeps checking this database's chain alone, each row here
still verifies on its own (its `entry_hash` covers `prev_hash` and `record`), and an export of the
assessment writes them out again unchanged, before the events recorded here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dpia.core.extensions import db


class ImportedAuditEvent(db.Model):
    __tablename__ = "imported_audit_event"
    __table_args__ = (UniqueConstraint("assessment_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    position: Mapped[int]  # the order of the file's audit list
    # The hashed fields as the source wrote them (its own ids and time text), never reinterpreted.
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # the same person, here
    revision_number: Mapped[int | None]
