"""A publication's stored document and its slow files, for the worker that builds them.

The PDF and the Word file are made from the document kept in the publication's JSON bundle, never
from the revision as it is when the worker runs: a condition marked done a minute after scheduling
must not make the files differ from the published page.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.orm.util import identity_key

from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.documents.services import Document, document_from_data
from dpia.publication.models import Publication

FILE_COLUMNS = {"pdf": (Publication.pdf, Publication.pdf_sha256),
                "docx": (Publication.docx, Publication.docx_sha256)}


def published_document(publication_id: int) -> Document | None:
    """The document a publication stored, or None when the publication is gone or withdrawn."""
    row = db.session.execute(select(Publication.json, Publication.withdrawn_at)
                             .where(Publication.id == publication_id)).first()
    if row is None or row.withdrawn_at is not None:
        return None
    return document_from_data(json.loads(row.json)["document"])


def store_public_file(publication_id: int, extension: str, data: bytes) -> str:
    """Keep a built file in its publication row; returns its SHA-256 (the file's ETag)."""
    content, digest = FILE_COLUMNS[extension]
    value = sha256(data)
    db.session.execute(update(Publication).where(Publication.id == publication_id)
                       .values({content: data, digest: value}).execution_options(synchronize_session=False))
    loaded = db.session.identity_map.get(identity_key(Publication, publication_id))
    if loaded is not None:  # a caller holding the publication sees the file on its next read
        db.session.expire(loaded, [content.key, digest.key])
    return value
