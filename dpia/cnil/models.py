"""The "Imported from CNIL" annex: what a CNIL export held that has no place in our records.

One annex per imported revision (a CNIL PIA) or questionnaire version (a CNIL structure). It keeps
each such field under its JSON path, with the import report (every field and where it went), so an
import loses nothing and can be explained later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from dpia.core.extensions import db


class CnilAnnex(db.Model):
    __tablename__ = "cnil_annex"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of the two is set; each is unique, so "has this revision an annex?" is one index lookup.
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"), unique=True)
    questionnaire_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), unique=True)
    source_kind: Mapped[str] = mapped_column(String(20))  # "pia" or "structure"
    source_name: Mapped[str] = mapped_column(String(300))  # the uploaded file's name
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # JSON path -> value, for fields kept only here
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # every field: path, where it went
    imported_at: Mapped[datetime]
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
