"""Reading a CNIL export safely, the ledger of where each field went, and the annex that keeps the rest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from dpia.accounts.models import User, UserRole
from dpia.accounts.rules import Role
from dpia.cnil.models import CnilAnnex
from dpia.cnil.rules import depth, has_invisible_parts, leaves
from dpia.core.errors import ValidationError
from dpia.core.extensions import db

MAX_BYTES = 10 * 1024 * 1024  # the CNIL's own example is 60 KB; attachments are never in the JSON
MAX_DEPTH = 40  # the deepest real export (a structure) nests 9 levels

# Where a field can go: a question's answer, a table row, a comment, the assessment itself, the
# questionnaire definition (for a structure), or the annex.
DESTINATIONS = ("assessment", "question", "row", "comment", "definition", "annex")


def read_export(raw: bytes, filename: str) -> dict[str, Any]:
    """Parse an uploaded CNIL export: JSON, an object, not too big or too deep.

    :raise ValidationError: with a message that says what is wrong and where.
    """
    if len(raw) > MAX_BYTES:
        raise ValidationError(f"{filename} is larger than {MAX_BYTES // (1024 * 1024)} MB: a CNIL export is "
                              "JSON text only (export without attachments)")
    if not raw.strip():
        raise ValidationError(f"{filename} is empty: choose the .json file the CNIL PIA tool exported")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{filename} is not UTF-8 text: choose the .json file the CNIL PIA tool "
                              "exported, not a ZIP or PDF") from error
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise ValidationError(f"{filename} nests too deeply to be a CNIL export") from error
    except json.JSONDecodeError as error:
        raise ValidationError(f"{filename} is not valid JSON: {error.msg} at line {error.lineno}, "
                              f"column {error.colno}") from error
    if isinstance(data, list):
        if len(data) != 1:
            raise ValidationError(f"{filename} holds a list of {len(data)} PIAs: import one PIA at a time")
        data = data[0]
    if not isinstance(data, dict):
        raise ValidationError(f"{filename} is not a CNIL export: it must be a JSON object with a "
                              "'pia' or a 'structure' key")
    if depth(data) > MAX_DEPTH:
        raise ValidationError(f"{filename} nests more than {MAX_DEPTH} levels deep, which no CNIL export does")
    return data


def export_kind(data: dict[str, Any], filename: str) -> str:
    """"pia" or "structure"; the server's nested shape (PIA fields at the top) counts as a PIA."""
    if isinstance(data.get("structure"), dict):
        return "structure"
    if isinstance(data.get("pia"), dict) or ("name" in data and "answers" in data):
        return "pia"
    raise ValidationError(f"{filename} is not a CNIL export: expected a 'pia' object (a PIA export) or a "
                          "'structure' object (a structure export) at the top level")


@dataclass
class Ledger:
    """Every leaf of the document, and where each went; what no mapping claimed goes to the annex."""

    document: dict[str, Any]
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def put(self, path: str, to: str, target: str, *, stored: Any = None, note: str | None = None,
            ref: str | int | None = None) -> None:
        """Record that the field at `path` went to `to` (`target` in words); `stored` is the value it
        became when that differs from the file's (a level for a gauge), `ref` the row or comment id."""
        entry: dict[str, Any] = {"path": path, "to": to, "target": target}
        for name, value in (("stored", stored), ("note", note), ("ref", ref)):
            if value is not None:
                entry[name] = value
        self.entries[path] = entry

    def close(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The annex's fields and the full report, in document order."""
        annex: dict[str, Any] = {}
        report = []
        for path, value in leaves(self.document):
            entry = self.entries.get(path)
            if entry is None:
                annex[path] = value
                entry = {"path": path, "to": "annex", "target": "Imported from CNIL annex"}
            elif has_invisible_parts(value):
                annex[path] = value  # its hidden markup has no place in Markdown: keep the original too
                entry = {**entry, "note": "the original HTML, with markup no reader sees, is in the annex"}
            report.append(entry)
        return annex, report


def store_annex(*, actor: User, now: datetime, kind: str, filename: str, fields: dict[str, Any],
                report: list[dict[str, Any]], revision_id: int | None = None,
                questionnaire_version_id: int | None = None) -> CnilAnnex:
    annex = CnilAnnex(revision_id=revision_id, questionnaire_version_id=questionnaire_version_id,
                      source_kind=kind, source_name=filename[:300], fields=fields, report=report,
                      imported_at=now, imported_by_id=actor.id)
    db.session.add(annex)
    db.session.flush()
    return annex


def revision_has_annex(revision_id: int) -> bool:
    """One lookup on the unique index: does this revision come from a CNIL import?"""
    return db.session.scalar(select(CnilAnnex.id).where(CnilAnnex.revision_id == revision_id)) is not None


def annex_of_revision(revision_id: int) -> CnilAnnex | None:
    return db.session.scalar(select(CnilAnnex).where(CnilAnnex.revision_id == revision_id))


def annex_of_version(version_id: int) -> CnilAnnex | None:
    return db.session.scalar(select(CnilAnnex).where(CnilAnnex.questionnaire_version_id == version_id))


def report_lines(report: list[dict[str, Any]]) -> list[str]:
    """The report as text, one field a line: `$.pia.name -> assessment: title`."""
    lines = []
    for entry in report:
        line = f"{entry['path']} -> {entry['to']}: {entry['target']}"
        if entry.get("note"):
            line += f" ({entry['note']})"
        lines.append(line)
    return lines


def report_counts(report: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(DESTINATIONS, 0)
    for entry in report:
        counts[entry["to"]] = counts.get(entry["to"], 0) + 1
    return counts


def default_importer() -> User | None:
    """The account a command-line import is recorded against when none is named: the first active
    administrator."""
    return db.session.scalar(select(User).join(UserRole).where(UserRole.role == Role.ADMIN, User.active.is_(True))
                             .order_by(User.id).limit(1))


def find_account(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
