"""Internal exports (the PDF and the Word file): asked for by a request, built once per document by the
worker, then stored.

Each kind of file is its own stored export (`ExportKind`), made from the same document. Rendering a
large revision takes seconds of CPU, so a request never does it: it finds the stored file for the
revision's document as it is now, or adds a pending row for the worker in its own transaction
(idempotently, so two people asking at once make one job) and shows "being prepared". The worker
(dpia/documents/tasks.py) claims a row, builds the file with no transaction open, and stores it. These
functions flush and leave committing to the request or the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from dpia.assessments.models import Revision
from dpia.assessments.services.content import RevisionContent, load_content
from dpia.core.errors import NotFoundError
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.core.permissions import Actor
from dpia.documents.builders import build_docx, build_pdf
from dpia.documents.model import Document
from dpia.documents.models import ExportKind, ExportStatus, StoredExport
from dpia.documents.rules import LEASE, gives_up, retry_delay
from dpia.permissions import can_view_assessment
from dpia.publication.services.files import published_document, store_public_file
from dpia.publication.services.scheduling import document_for

# Part of every document hash: raise a kind's version when its renderer's output changes, so stored
# files are rebuilt. (The PDF's is the bare number it always was, so stored PDFs stay valid.)
RENDERER_VERSION = 1
RENDERER_VERSIONS = {ExportKind.INTERNAL_PDF: f"{RENDERER_VERSION}", ExportKind.INTERNAL_DOCX: "docx 1"}


@dataclass(frozen=True)
class ExportSource:
    """Everything an internal file is made from, and its hash (same hash, same file)."""

    kind: ExportKind
    document: Document
    watermark: str | None
    document_hash: str


PdfSource = ExportSource  # the name this had when the PDF was the only kind


@dataclass(frozen=True)
class ExportFile:
    """How a kind of internal file is named and served."""

    kind: ExportKind
    extension: str
    mimetype: str
    name: str  # as pages say it: "Your PDF is being prepared"


INTERNAL_FILES = {file.extension: file for file in (
    ExportFile(ExportKind.INTERNAL_PDF, "pdf", "application/pdf", "PDF"),
    ExportFile(ExportKind.INTERNAL_DOCX, "docx",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
)}


def export_source(content: RevisionContent, *, organisation: str, kind: ExportKind) -> ExportSource:
    """The complete (unredacted) document, marked DRAFT unless the revision is frozen.

    The hash covers the whole document, not only `revision_hash(content)`: the state (and so the
    watermark), the title, sign-offs and conditions change the file too."""
    document = document_for(content, organisation=organisation, public=False)
    watermark = None if content.revision.state.is_frozen else "DRAFT"
    return ExportSource(kind, document, watermark,
                        sha256(f"{RENDERER_VERSIONS[kind]}\n{watermark!r}\n{document!r}"))


PUBLIC_EXTENSIONS = {ExportKind.PUBLIC_PDF: "pdf", ExportKind.PUBLIC_DOCX: "docx"}


def internal_pdf_source(content: RevisionContent, *, organisation: str) -> ExportSource:
    return export_source(content, organisation=organisation, kind=ExportKind.INTERNAL_PDF)


def _find(revision_id: int, kind: ExportKind, document_hash: str) -> StoredExport | None:
    return db.session.scalar(select(StoredExport).where(
        StoredExport.revision_id == revision_id, StoredExport.kind == kind,
        StoredExport.document_hash == document_hash))


def _insert_if_missing(values: dict) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: when someone else queued the same export a moment ago (on
    PostgreSQL this waits for their commit), nothing is written and no unique violation is raised."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(StoredExport).values(**values).on_conflict_do_nothing(
        index_elements=["revision_id", "kind", "document_hash"]))


def request_export(*, actor: Actor, now: datetime, content: RevisionContent, organisation: str,
                   kind: ExportKind = ExportKind.INTERNAL_PDF) -> StoredExport:
    """The stored export (of `kind`) of the revision's document as it is now, queued for the worker if
    there is none.

    :raise NotFoundError: the actor may not see the revision (the loader's answer, so nothing is told).
    """
    revision = content.revision
    if not can_view_assessment(actor, revision.assessment):
        raise NotFoundError(f"{revision.assessment.reference} revision {revision.number}")
    document_hash = export_source(content, organisation=organisation, kind=kind).document_hash
    export = _find(revision.id, kind, document_hash)
    if export is None:
        _insert_if_missing({"revision_id": revision.id, "kind": kind,
                            "document_hash": document_hash, "status": ExportStatus.PENDING, "requested_at": now,
                            "requested_by_id": actor.id, "attempts": 0, "next_attempt_at": now})
        export = _find(revision.id, kind, document_hash)
    assert export is not None  # inserted, or inserted by someone else who committed first
    return export


def retry_export(*, actor: Actor, now: datetime, content: RevisionContent, organisation: str,
                 kind: ExportKind = ExportKind.INTERNAL_PDF) -> StoredExport:
    """Ask again for an export that failed: it goes back to the worker with its attempts reset."""
    export = request_export(actor=actor, now=now, content=content, organisation=organisation, kind=kind)
    if export.has_failed:
        export.status = ExportStatus.PENDING
        export.attempts = 0
        export.next_attempt_at = now
        export.error = None
        export.requested_at = now
        export.requested_by_id = actor.id
        db.session.flush()
    return export


request_internal_pdf = request_export  # the PDF is the default kind
retry_internal_pdf = retry_export


def stored_file(export: StoredExport) -> bytes:
    """The file's bytes (loaded only now: the column is deferred)."""
    assert export.data is not None
    return export.data


# -- the worker's side ----------------------------------------------------------------------------

def _due(now: datetime) -> ColumnElement[bool]:
    return and_(StoredExport.status == ExportStatus.PENDING, StoredExport.next_attempt_at <= now,
                or_(StoredExport.locked_until.is_(None), StoredExport.locked_until < now))


def claim_next_export(*, worker: str, now: datetime) -> StoredExport | None:
    """Take a lease on the next due build, or None when nothing is due (FOR UPDATE SKIP LOCKED on
    PostgreSQL; the update only succeeds while the row is still due, so no build is leased twice)."""
    candidate = db.session.scalar(select(StoredExport.id).where(_due(now))
                                  .order_by(StoredExport.next_attempt_at, StoredExport.id)
                                  .limit(1).with_for_update(skip_locked=True))
    if candidate is None:
        return None
    claimed = db.session.execute(update(StoredExport).where(StoredExport.id == candidate, _due(now))
                                 .values(locked_by=worker, locked_until=now + LEASE)
                                 .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(StoredExport, candidate, populate_existing=True)


def current_source(export: StoredExport, *, organisation: str) -> ExportSource | None:
    """Reload the revision and build its document as it is now; None when that is no longer the
    document this export was asked for (the draft changed meanwhile, or the revision is gone).

    A public file is made from the document its publication stored (None once withdrawn)."""
    if export.kind.is_public:
        assert export.publication_id is not None
        document = published_document(export.publication_id)
        return None if document is None else ExportSource(export.kind, document, None, export.document_hash)
    revision = db.session.get(Revision, export.revision_id)
    if revision is None:
        return None
    source = export_source(load_content(revision), organisation=organisation, kind=export.kind)
    return source if source.document_hash == export.document_hash else None


def render_export(source: ExportSource) -> bytes:
    """The CPU-heavy part, run by the worker with no transaction open."""
    if source.kind in (ExportKind.INTERNAL_DOCX, ExportKind.PUBLIC_DOCX):
        return build_docx(source.document, watermark=source.watermark)
    return build_pdf(source.document, watermark=source.watermark)


def drop_export(export: StoredExport) -> None:
    """Store nothing for a document that no longer exists; the next request queues the new one."""
    db.session.delete(export)
    db.session.flush()


def store_export(export: StoredExport, data: bytes, *, now: datetime) -> None:
    """Keep the file, and delete the revision's older finished exports of the same kind, so that
    drafts edited many times keep one file. A public file goes into its publication row instead (the
    export row stays as the record of the build)."""
    export.status = ExportStatus.READY
    export.attempts += 1
    if export.kind.is_public:
        assert export.publication_id is not None
        export.sha256 = store_public_file(export.publication_id, PUBLIC_EXTENSIONS[export.kind], data)
    else:
        export.data = data
        export.sha256 = sha256(data)
    export.size = len(data)
    export.built_at = now
    export.error = None
    export.locked_by = export.locked_until = None
    db.session.execute(delete(StoredExport).where(
        StoredExport.revision_id == export.revision_id, StoredExport.kind == export.kind,
        StoredExport.id < export.id, StoredExport.status != ExportStatus.PENDING))
    db.session.flush()


def record_export_failure(export: StoredExport, *, now: datetime, error: str) -> None:
    """Try again after a growing delay, or give up after the last attempt."""
    export.attempts += 1
    export.error = error
    export.locked_by = export.locked_until = None
    if gives_up(export.attempts):
        export.status = ExportStatus.FAILED
    else:
        export.next_attempt_at = now + retry_delay(export.attempts)
    db.session.flush()


def build_public_files_now(*, publication_id: int, now: datetime) -> None:
    """Build a publication's queued PDF and Word file at once, for commands (the demo, seeding) that
    run outside any request and want a complete publication when they finish. Flushes only."""
    exports = db.session.scalars(select(StoredExport).where(
        StoredExport.publication_id == publication_id, StoredExport.status == ExportStatus.PENDING)).all()
    for export in exports:
        source = current_source(export, organisation="")
        if source is None:
            drop_export(export)
        else:
            store_export(export, render_export(source), now=now)
