"""Stored exports: a file built once by the worker for one revision and one version of its document.

The row is the job and the file in one: a request adds it (pending) in its own transaction, a worker
claims it with a lease, builds the file outside any transaction, then stores the bytes (ready) or
gives up (failed). `document_hash` is the hash of everything the file is made from, so the same
document is built once and any change (an edited draft, a new state and so its watermark, a
sign-off, a condition done) makes a new row.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from dpia.core.database import enum_type
from dpia.core.extensions import db


class ExportKind(enum.StrEnum):
    INTERNAL_PDF = "internal_pdf"  # the complete revision for staff, DRAFT unless frozen
    INTERNAL_DOCX = "internal_docx"  # the same document as a Word file
    PUBLIC_PDF = "public_pdf"  # a scheduled publication's PDF, stored into its publication row
    PUBLIC_DOCX = "public_docx"  # the same published document as a Word file

    @property
    def is_public(self) -> bool:
        return self in (ExportKind.PUBLIC_PDF, ExportKind.PUBLIC_DOCX)


class ExportStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a worker (first attempt or a retry)
    READY = "ready"
    FAILED = "failed"  # gave up after the last attempt; someone may ask again


class StoredExport(db.Model):
    __tablename__ = "stored_export"
    __table_args__ = (
        UniqueConstraint("revision_id", "kind", "document_hash"),
        Index("ix_stored_export_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    # Public kinds only: the publication whose stored document (its JSON bundle) the file is made from.
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"))
    kind: Mapped[ExportKind] = mapped_column(enum_type(ExportKind, "export_kind"))
    document_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[ExportStatus] = mapped_column(enum_type(ExportStatus, "export_status"))
    requested_at: Mapped[datetime]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    # A worker claims a build by setting these; another may take it over once the lease runs out.
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None]
    built_at: Mapped[datetime | None]
    # Deferred: finding, claiming and revalidating an export never reads the file itself.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(200))  # a safe summary: never the document's text

    @property
    def is_ready(self) -> bool:
        return self.status is ExportStatus.READY

    @property
    def has_failed(self) -> bool:
        return self.status is ExportStatus.FAILED
