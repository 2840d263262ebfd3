"""The export and import hooks for a revision's "Imported from CNIL" annex.

An assessment export carries the annex so that a CNIL import can still be explained after the
assessment moves to another database; the annex is written back exactly as it was kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from dpia.cnil.models import CnilAnnex
from dpia.core.extensions import db


def export_revision_annex(revision_id: int) -> dict[str, Any] | None:
    """The revision's annex as plain values (the time as stored, the importer as an account id), or None."""
    annex = db.session.scalar(select(CnilAnnex).where(CnilAnnex.revision_id == revision_id))
    if annex is None:
        return None
    return {"source_kind": annex.source_kind, "source_name": annex.source_name, "fields": annex.fields,
            "report": annex.report, "imported_at": annex.imported_at, "imported_by_id": annex.imported_by_id}


def import_revision_annex(*, revision_id: int, record: dict[str, Any], imported_at: datetime,
                          imported_by_id: int | None) -> CnilAnnex:
    """Keep an exported annex for a revision just imported (as the system: nobody imports it anew)."""
    annex = CnilAnnex(revision_id=revision_id, source_kind=record["source_kind"], source_name=record["source_name"],
                      fields=record["fields"], report=record["report"], imported_at=imported_at,
                      imported_by_id=imported_by_id)
    db.session.add(annex)
    db.session.flush()
    return annex
