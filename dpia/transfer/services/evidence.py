"""A revision's evidence files and its "Imported from CNIL" annex in the format, out and back in.

Each file travels with its metadata (as the attachments area's export hook gives it, with people and
times in the format's terms) and its bytes as base64, under their SHA-256. An import checks every
file's bytes against its hash, size and type before anything is written (`check_evidence`), then
stores them through the attachments area's import hook. The store is content-addressed, so bytes
written by an import that is then rolled back are unreferenced copies that nothing serves and that
`flask dpia attachments-prune` removes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dpia.assessments.models import Revision
from dpia.attachments.rules import FileRefused, check_upload, display_name
from dpia.attachments.services import export_attachments, import_attachment, read_content
from dpia.cnil.services.exchange import export_revision_annex, import_revision_annex
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.hashing import sha256
from dpia.transfer.rules.reading import FileProblem
from dpia.transfer.services.values import People, binary, moment, read_binary, read_moment

# The hook's people (account ids) become the format's people under these names, and back.
_PERSON_SUFFIX = "_by_id"


def export_evidence(revision: Revision, people: People) -> dict[str, Any]:
    """The revision's `attachments`, and its `cnil_annex` when it has one.

    :raise ValidationError: a file's stored bytes are missing or damaged (the export would lose them).
    """
    files = []
    for record in export_attachments(revision):
        entry: dict[str, Any] = {}
        for key, value in record.items():
            if key.endswith(_PERSON_SUFFIX):
                entry[key.removesuffix("_id")] = people.of(value)
            elif key.endswith("_at"):
                entry[key] = moment(datetime.fromisoformat(value)) if value else None
            else:
                entry[key] = value
        try:
            entry["content"] = binary(read_content(record["sha256"]))
        except NotFoundError:
            raise ValidationError(f"Revision {revision.number}'s file {record['filename']!r} is missing from the "
                                  "attachment store or damaged; run `flask dpia attachments-check` and restore "
                                  "it before exporting.") from None
        files.append(entry)
    parts: dict[str, Any] = {"attachments": files}
    annex = export_revision_annex(revision.id)
    if annex is not None:
        parts["cnil_annex"] = {"source_kind": annex["source_kind"], "source_name": annex["source_name"],
                               "fields": annex["fields"], "report": annex["report"],
                               "imported_at": moment(annex["imported_at"]),
                               "imported_by": people.of(annex["imported_by_id"])}
    return parts


def check_evidence(revision: dict[str, Any], path: str) -> None:
    """Every file's bytes must be base64 of an accepted type, and match its sha256, size and file_type.

    :raise FileProblem: naming the first value that is wrong.
    """
    for n, entry in enumerate(revision["attachments"]):
        where = f"{path}.attachments[{n}]"
        data = read_binary(entry["content"], f"{where}.content") or b""
        if sha256(data) != entry["sha256"]:
            raise FileProblem(f"At {where}.sha256: the file's content does not match its hash "
                              "(the content or the sha256 was changed).")
        if len(data) != entry["size"]:
            raise FileProblem(f"At {where}.size: the file's content is {len(data)} bytes, not {entry['size']}.")
        try:
            file_type = check_upload(data, max_bytes=len(data))
        except FileRefused as refused:
            raise FileProblem(f"At {where}.content: {refused}.") from None
        if file_type.value != entry["file_type"]:
            raise FileProblem(f"At {where}.file_type: the content is a {file_type.value} file, "
                              f"not {entry['file_type']}.")
        if display_name(entry["filename"], file_type) != entry["filename"]:
            raise FileProblem(f"At {where}.filename: {entry['filename'][:60]!r} is not a safe file name for a "
                              f"{file_type.value} file.")
        withheld = entry["publication"] == "withhold"
        if withheld != (entry["exemption"] is not None and entry["publication_reason"] is not None):
            raise FileProblem(f"At {where}.exemption: a withheld file names its exemption and reason, and no "
                              "other file does.")
        for key in ("uploaded_at", "publication_set_at"):
            read_moment(entry[key], f"{where}.{key}")
    annex = revision.get("cnil_annex")
    if annex is not None:
        read_moment(annex["imported_at"], f"{path}.cnil_annex.imported_at")


def import_evidence(revision: Revision, entry: dict[str, Any], people: People, *, now: datetime,
                    path: str) -> None:
    """Store the revision's files (in the file's order, so they export in it again) and its annex."""
    for n, file in enumerate(entry["attachments"]):
        where = f"{path}.attachments[{n}]"
        record: dict[str, Any] = {}
        user_ids: dict[int, int] = {}
        for key, value in file.items():
            if key == "content":
                continue
            if key.endswith("_by"):
                account = people.account(value, now=now)
                record[f"{key}_id"] = account
                if account is not None:
                    user_ids[account] = account
            else:
                record[key] = value
        data = read_binary(file["content"], f"{where}.content") or b""
        try:
            import_attachment(revision=revision, record=record, data=data, user_ids=user_ids)
        except ValidationError as error:  # checked before writing; kept in case the hook checks more
            raise FileProblem(f"At {where}: {error}") from None
    annex = entry.get("cnil_annex")
    if annex is not None:
        import_revision_annex(revision_id=revision.id, record=annex,
                              imported_at=read_moment(annex["imported_at"], f"{path}.cnil_annex.imported_at"),
                              imported_by_id=people.account(annex["imported_by"], now=now))
