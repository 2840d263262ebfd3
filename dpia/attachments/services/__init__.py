"""Evidence files: upload, remove, decide publication, carry into new revisions, and what other areas read.

Services take the actor and the time, check the rules again, flush and never commit. Each file's bytes
are stored once under their SHA-256 (`files.py`); rows point at them.

For other areas:
- `document_files(revision)` feeds a revision's document (the public one keeps only published files,
  and withheld ones as notices: `dpia.documents.model.build_document` does the redaction);
- `export_attachments(revision)`, `read_content(sha256)` and `import_attachment(...)` are the
  export and import hooks;
- `copy_attachments` runs (through review's carry-over hook) when a revision starts from an earlier one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from dpia.assessments.models import Assessment, Revision
from dpia.assessments.services.content import revision_definition
from dpia.attachments.models import Attachment
from dpia.attachments.rules import (
    Choice,
    FileRefused,
    PublicationChoice,
    check_upload,
    display_name,
    size_label,
)
from dpia.attachments.services.files import matches, read_bytes, store_bytes, stored_digests, stored_path
from dpia.core.audit.services import record_event
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import Actor, require
from dpia.permissions import can_attach_evidence, can_decide_evidence_publication
from dpia.publication.models import Publication
from dpia.publication.rules import Exemption
from dpia.publication.services.redactions import ensure_redactions_editable
from dpia.publication.services.register import visible

__all__ = [
    "FileRefused", "StoreReport", "attachments_of", "check_store", "copy_attachments", "document_files",
    "export_attachments", "get_attachment", "import_attachment", "prune_store", "public_attachment", "read_content",
    "remove_attachment", "set_publication", "stored_path", "upload_attachment",
]


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def attachments_of(revision: Revision) -> list[Attachment]:
    """The revision's evidence files: those for the whole revision first, then by question, oldest first."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.revision_id == revision.id)
        .order_by(Attachment.question_key.is_not(None), Attachment.question_key, Attachment.uploaded_at,
                  Attachment.id)))


def get_attachment(revision: Revision, attachment_id: int) -> Attachment:
    """:raise NotFoundError: the revision has no such file."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.revision_id != revision.id:
        raise NotFoundError(f"attachment {attachment_id}")
    return attachment


def upload_attachment(*, actor: Actor, now: datetime, revision: Revision, filename: str | None, data: bytes,
                      question_key: str | None = None, description: str | None = None) -> Attachment:
    """Check an uploaded file by its content, store its bytes once, and attach it.

    :raise PermissionDeniedError: the actor may not edit the revision now.
    :raise FileRefused: the file is empty, too large or of a type not accepted (the message says which).
    :raise ValidationError: the question is not one of the revision's.
    """
    require(can_attach_evidence(actor, revision), "Only the assessment's team can add evidence to a draft revision")
    if question_key and revision_definition(revision).question(question_key) is None:
        raise ValidationError("Select a question of this revision, or the whole revision")
    file_type = check_upload(data, max_bytes=max_bytes())
    digest = store_bytes(data)
    attachment = Attachment(
        revision_id=revision.id, question_key=question_key or None, filename=display_name(filename, file_type),
        file_type=file_type, size=len(data), sha256=digest, description=(description or "").strip() or None,
        uploaded_at=now, uploaded_by_id=actor.id, publication=Choice.UNDECIDED)
    db.session.add(attachment)
    db.session.flush()
    record_event(actor=actor, now=now, action="attachment.upload", object_type="revision", object_id=revision.id,
                 summary={"attachment": attachment.id, "sha256": digest, "size": len(data), "type": file_type.value,
                          "question": attachment.question_key})
    return attachment


def remove_attachment(*, actor: Actor, now: datetime, revision: Revision, attachment: Attachment) -> None:
    """Take a file off the revision (its bytes stay while any revision still points at them).

    :raise PermissionDeniedError: the actor may not edit the revision now.
    """
    require(can_attach_evidence(actor, revision),
            "Only the assessment's team can remove evidence from a draft revision")
    if attachment.revision_id != revision.id:
        raise NotFoundError(f"attachment {attachment.id}")
    db.session.delete(attachment)
    db.session.flush()
    record_event(actor=actor, now=now, action="attachment.remove", object_type="revision", object_id=revision.id,
                 summary={"attachment": attachment.id, "sha256": attachment.sha256})


def set_publication(*, actor: Actor, now: datetime, revision: Revision, attachment: Attachment,
                    choice: PublicationChoice) -> None:
    """Record whether a file is published with the revision, or withheld under an FOI exemption.

    :raise PermissionDeniedError: the actor is not a DPO.
    :raise ConflictError: the revision is scheduled, and its published bundle never changes.
    """
    require(can_decide_evidence_publication(actor), "Only a data protection officer decides what is published")
    if attachment.revision_id != revision.id:
        raise NotFoundError(f"attachment {attachment.id}")
    ensure_redactions_editable(revision)
    attachment.publication = choice.choice
    attachment.exemption = choice.exemption
    attachment.publication_reason = choice.reason
    attachment.publication_set_at, attachment.publication_set_by_id = now, actor.id
    db.session.flush()
    record_event(actor=actor, now=now, action="attachment.publication", object_type="revision",
                 object_id=revision.id, summary={"attachment": attachment.id, "choice": choice.choice.value,
                                                 "exemption": choice.exemption.value if choice.exemption else None})


_COPIED = ("question_key", "filename", "file_type", "size", "sha256", "description", "uploaded_at", "uploaded_by_id",
           "publication", "exemption", "publication_reason", "publication_set_at", "publication_set_by_id")


def copy_attachments(*, actor: Actor | None = None, now: datetime | None = None, revision: Revision,
                     source: Revision | None = None) -> list[Attachment]:
    """Give a new revision the files of the one it starts from: new rows, the same stored content, and the
    same publication choices (a withheld file stays withheld until a DPO decides otherwise).

    :param source: the revision to copy from; by default the one `revision` is based on.
    """
    source_id = source.id if source is not None else revision.based_on_id
    if source_id is None:
        return []
    copies = [Attachment(revision_id=revision.id, **{key: getattr(row, key) for key in _COPIED})
              for row in db.session.scalars(select(Attachment).where(Attachment.revision_id == source_id)
                                            .order_by(Attachment.id))]
    db.session.add_all(copies)
    db.session.flush()
    return copies


def public_attachment(reference: str, number: int, digest: str, *, now: datetime) -> Attachment | None:
    """The published file with this content in a revision whose publication the public can see now, or None
    (not published, not yet public, withdrawn, withheld or undecided all look the same: nothing).

    The stored public document has the last word: a file is served only if the bundle fixed at scheduling
    lists it as published, so a file on a withheld question (or scheduled before the file was) never is.
    """
    row = db.session.execute(
        select(Attachment, Publication.json)
        .join(Revision, Revision.id == Attachment.revision_id)
        .join(Assessment, Assessment.id == Revision.assessment_id)
        .join(Publication, Publication.revision_id == Revision.id)
        .where(Assessment.reference == reference, Revision.number == number, Attachment.sha256 == digest,
               Attachment.publication == Choice.PUBLISH, visible(now))
        .order_by(Attachment.id).limit(1)).first()
    if row is None or not _listed_as_published(row[1], digest):
        return None
    return row[0]


def _listed_as_published(bundle_json: str, digest: str) -> bool:
    try:
        files = json.loads(bundle_json).get("document", {}).get("files") or []
    except (ValueError, AttributeError):
        return False
    suffix = f"/files/{digest}"
    return any(isinstance(f, dict) and not f.get("withheld") and str(f.get("url", "")).endswith(suffix)
               for f in files)


@dataclass(frozen=True)
class FileInput:
    """An evidence file as a revision's document is given it (the document builder decides what the public sees)."""

    name: str
    size: str
    media_type: str
    type_label: str
    question_key: str | None
    description: str | None
    choice: Choice
    exemption: Exemption | None
    reason: str | None
    public_url: str
    staff_url: str

    @property
    def published(self) -> bool:
        return self.choice is Choice.PUBLISH


def _url(endpoint: str, **values: Any) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):  # the command line (demo, exports) has no request
        return url_for(endpoint, **values)


def document_files(revision: Revision) -> list[FileInput]:
    """The revision's evidence files as its document needs them."""
    reference, number = revision.assessment.reference, revision.number
    return [FileInput(
        name=a.filename, size=size_label(a.size), media_type=a.file_type.media_type, type_label=a.file_type.label,
        question_key=a.question_key, description=a.description, choice=a.publication, exemption=a.exemption,
        reason=a.publication_reason,
        public_url=_url("published_files.download", reference=reference, number=number, sha256=a.sha256),
        staff_url=_url("assessments.attachments.download", reference=reference, number=number, attachment_id=a.id),
    ) for a in attachments_of(revision)]


# -- the store as a whole ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StoreReport:
    missing: tuple[str, ...]  # content rows point at but the store does not have
    damaged: tuple[str, ...]  # content whose bytes no longer hash to their address
    unreferenced: tuple[str, ...]  # stored content no row points at


def check_store() -> StoreReport:
    """Compare the rows with the store: what is missing, damaged, or no longer needed."""
    wanted = set(db.session.scalars(select(Attachment.sha256).distinct()))
    stored = stored_digests()
    return StoreReport(
        missing=tuple(sorted(wanted - stored.keys())),
        damaged=tuple(sorted(d for d in wanted & stored.keys() if not matches(stored[d], d))),
        unreferenced=tuple(sorted(stored.keys() - wanted)))


def prune_store(*, now: datetime, grace: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete stored content no row points at (left by removed files or rolled-back uploads), except
    content written within `grace`, which may belong to an upload still being committed."""
    wanted = set(db.session.scalars(select(Attachment.sha256).distinct()))
    removed = []
    for digest, path in stored_digests().items():
        if digest in wanted or datetime.fromtimestamp(path.stat().st_mtime, tz=now.tzinfo) > now - grace:
            continue
        path.unlink(missing_ok=True)
        removed.append(digest)
    return sorted(removed)


# -- export and import ------------------------------------------------------------------------------

def export_attachments(revision: Revision) -> list[dict[str, Any]]:
    """A revision's files as plain values (metadata and SHA-256; the bytes come from `read_content`)."""
    return [{
        "question_key": a.question_key, "filename": a.filename, "file_type": a.file_type.value, "size": a.size,
        "sha256": a.sha256, "description": a.description, "uploaded_at": a.uploaded_at.isoformat(),
        "uploaded_by_id": a.uploaded_by_id, "publication": a.publication.value,
        "exemption": a.exemption.value if a.exemption else None, "publication_reason": a.publication_reason,
        "publication_set_at": a.publication_set_at.isoformat() if a.publication_set_at else None,
        "publication_set_by_id": a.publication_set_by_id,
    } for a in attachments_of(revision)]


def read_content(digest: str) -> bytes:
    """The bytes stored under a SHA-256, checked against it.

    :raise NotFoundError: nothing (or something else) is stored under it.
    """
    return read_bytes(digest)


def import_attachment(*, revision: Revision, record: dict[str, Any], data: bytes,
                      user_ids: dict[int, int] | None = None) -> Attachment:
    """Recreate one exported file in `revision` (an import runs as the system, not as a person).

    :param user_ids: exported user ids to this database's; people not in it become None.
    :raise ValidationError: the bytes do not match the record's SHA-256 or size, or are not an accepted type.
    """
    try:
        file_type = check_upload(data, max_bytes=max(max_bytes(), len(data)))
    except FileRefused as refused:
        raise ValidationError(f"Attachment {record.get('filename')!r}: {refused}") from None
    if hashlib.sha256(data).hexdigest() != record.get("sha256") or len(data) != record.get("size"):
        raise ValidationError(f"Attachment {record.get('filename')!r}: its content does not match its SHA-256")
    digest = store_bytes(data)
    users = user_ids or {}

    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    choice = Choice(record.get("publication") or Choice.UNDECIDED.value)
    exemption = Exemption(record["exemption"]) if record.get("exemption") else None
    attachment = Attachment(
        revision_id=revision.id, question_key=record.get("question_key"),
        filename=display_name(record.get("filename"), file_type), file_type=file_type, size=len(data), sha256=digest,
        description=record.get("description"), uploaded_at=when(record["uploaded_at"]),
        uploaded_by_id=users.get(record.get("uploaded_by_id") or 0), publication=choice,
        exemption=exemption if choice is Choice.WITHHOLD else None,
        publication_reason=record.get("publication_reason") if choice is Choice.WITHHOLD else None,
        publication_set_at=when(record.get("publication_set_at")),
        publication_set_by_id=users.get(record.get("publication_set_by_id") or 0))
    db.session.add(attachment)
    db.session.flush()
    return attachment
