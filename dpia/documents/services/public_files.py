"""A scheduled publication's PDF and Word file: queued at scheduling, built by the worker.

Scheduling renders the page and the JSON in the request (they are quick), and queues the two slow
files here as stored exports of the public kinds, in the same transaction as the publication. The
worker (dpia/documents/tasks.py) builds each from the document stored in the publication's JSON, so
the files cannot differ from what the page says, and stores the bytes into the publication row.
"""

from __future__ import annotations

from datetime import datetime

from dpia.core.extensions import db
from dpia.documents.models import ExportKind, ExportStatus, StoredExport

PUBLIC_KINDS = (ExportKind.PUBLIC_PDF, ExportKind.PUBLIC_DOCX)


def queue_public_files(*, publication_id: int, revision_id: int, document_hash: str, now: datetime,
                       actor_id: int | None) -> None:
    """Add the publication's two file builds for the worker (flushes; the caller commits)."""
    for kind in PUBLIC_KINDS:
        db.session.add(StoredExport(
            revision_id=revision_id, publication_id=publication_id, kind=kind, document_hash=document_hash,
            status=ExportStatus.PENDING, requested_at=now, requested_by_id=actor_id, attempts=0,
            next_attempt_at=now))
    db.session.flush()
