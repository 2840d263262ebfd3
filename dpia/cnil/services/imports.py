"""One entry point for both kinds of CNIL export, for the command and the admin page alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dpia.accounts.models import User
from dpia.cnil.services.common import export_kind, read_export
from dpia.cnil.services.pia import import_pia
from dpia.cnil.services.structure import import_structure


@dataclass(frozen=True)
class ImportOutcome:
    kind: str  # "pia" or "structure"
    summary: str  # "Imported as DPIA-2026-007" or "Imported as questionnaire cnil-x, version 1 (...)"
    report: list[dict[str, Any]]
    reference: str | None = None
    questionnaire_key: str | None = None
    version_number: int | None = None
    version_id: int | None = None


def import_file(*, actor: User, now: datetime, raw: bytes, filename: str,
                team_name: str | None = None) -> ImportOutcome:
    """Read a CNIL export and import it as an assessment (a PIA) or a questionnaire version (a structure).

    :raise ValidationError: the file is not an export this can import; nothing is written.
    """
    data = read_export(raw, filename)
    if export_kind(data, filename) == "structure":
        result = import_structure(actor=actor, now=now, data=data, filename=filename)
        version = result.version
        state = "Imported as" if result.created else "Already stored as"
        return ImportOutcome("structure", f"{state} questionnaire {result.key}, version {version.number} "
                             f"({version.label})", result.report, questionnaire_key=result.key,
                             version_number=version.number, version_id=version.id)
    pia = import_pia(actor=actor, now=now, data=data, filename=filename, team_name=team_name)
    return ImportOutcome("pia", f"Imported as {pia.reference}", pia.report, reference=pia.reference)
