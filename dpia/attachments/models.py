"""Evidence files attached to a revision or to one of its questions.

The row holds what people see and decide about a file; its bytes live outside the database, stored once
under their SHA-256 (`services/files.py`), so a file carried into later revisions is not copied.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.attachments.rules import Choice, FileType
from dpia.core.database import enum_type
from dpia.core.extensions import db
from dpia.publication.rules import Exemption


class Attachment(db.Model):
    """One evidence file in one revision. A new revision gets its own rows, pointing at the same content."""

    __tablename__ = "attachment"
    __table_args__ = (
        Index("ix_attachment_revision_id_sha256", "revision_id", "sha256"),
        CheckConstraint("size > 0", name="size_positive"),
        # Withholding names its exemption and reason; nothing else carries them.
        CheckConstraint("(publication = 'withhold') = (exemption IS NOT NULL AND publication_reason IS NOT NULL)",
                        name="withheld_has_exemption"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    question_key: Mapped[str | None] = mapped_column(String(100))  # None: evidence for the whole revision
    filename: Mapped[str] = mapped_column(String(255))  # made safe for display at upload
    file_type: Mapped[FileType] = mapped_column(enum_type(FileType, "file_type", length=10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[datetime]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    publication: Mapped[Choice] = mapped_column(enum_type(Choice, "publication", length=20),
                                                default=Choice.UNDECIDED)
    exemption: Mapped[Exemption | None] = mapped_column(enum_type(Exemption, "exemption", length=20))
    publication_reason: Mapped[str | None] = mapped_column(Text)
    publication_set_at: Mapped[datetime | None]
    publication_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    revision: Mapped[Revision] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
