"""Evidence files in an export: imported into the test's own store, and refused, with the database and
the store unchanged, when their bytes do not match what the file says about them."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dpia.assessments.models import Assessment
from dpia.attachments.services import attachments_of, check_store, prune_store
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.transfer.rules.reading import FileProblem, encode
from dpia.transfer.services import importer
from dpia.transfer.services.importer import ImportRefused, import_assessment
from tests.attachments import samples
from tests.transfer.builders import EVIDENCE, LATER, export, table_counts
from tests.transfer.test_refusals import refused


def stored_files(directory: Path) -> set[str]:
    return {path.name for path in directory.rglob("*") if path.is_file()} if directory.exists() else set()


def test_the_files_go_to_the_store_and_export_again_unchanged(evidence_file, attachments_dir):
    assessment = import_assessment(actor=None, now=LATER, data=evidence_file).assessment
    db.session.commit()
    files = [a for revision in assessment.revisions for a in attachments_of(revision)]
    assert [(a.filename, a.question_key) for a in files] == [("policy.pdf", None), ("rota.png", "basics.aims")] * 2
    assert stored_files(attachments_dir) == {a.sha256 for a in files} and len(stored_files(attachments_dir)) == 2
    assert export(EVIDENCE) == evidence_file


def _content(revision: int, index: int, data: bytes) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["revisions"][revision]["attachments"][index]["content"] = base64.b64encode(data).decode()
    return change


def _field(revision: int, index: int, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["revisions"][revision]["attachments"][index][key] = value
    return change


def _replace(revision: int, index: int, data: bytes) -> Callable[[dict[str, Any]], None]:
    """New bytes with a matching hash and size: only their type can be refused."""
    def change(document: dict[str, Any]) -> None:
        entry = document["revisions"][revision]["attachments"][index]
        entry.update(content=base64.b64encode(data).decode(), sha256=sha256(data), size=len(data))
    return change


TAMPERED = {
    "content changed": (_content(0, 0, samples.pdf("Another policy")),
                        "At $.revisions[0].attachments[0].sha256: the file's content does not match its hash "
                        "(the content or the sha256 was changed)."),
    # The first revision's files are sound: the second's is refused before either is stored.
    "content changed in a later revision": (_content(1, 1, samples.png() + b"x"),
                                            "At $.revisions[1].attachments[1].sha256: the file's content does not "
                                            "match its hash"),
    "hash changed": (_field(0, 1, "sha256", "0" * 64),
                     "At $.revisions[0].attachments[1].sha256: the file's content does not match its hash"),
    "not base64": (_field(0, 0, "content", "%%%"), "At $.revisions[0].attachments[0].content: the value is not "
                                                  "valid base64."),
    "size changed": (_field(0, 0, "size", 12), "At $.revisions[0].attachments[0].size: the file's content is"),
    "type changed": (_field(0, 1, "file_type", "pdf"),
                     "At $.revisions[0].attachments[1].file_type: the content is a png file, not pdf."),
    "unsafe name": (_field(0, 0, "filename", "../policy.pdf"),
                    "At $.revisions[0].attachments[0].filename: '../policy.pdf' is not a safe file name"),
    "withheld without a reason": (_field(0, 1, "publication_reason", None),
                                  "At $.revisions[0].attachments[1].exemption: a withheld file names its exemption"),
    "content of a refused type": (_replace(0, 0, b"<html><script>alert(1)</script></html>"),
                                  "At $.revisions[0].attachments[0].content: The selected file must be a PDF, DOCX, "
                                  "ODT, XLSX, PNG, JPEG or CSV."),
    "unknown type": (_field(0, 0, "file_type", "exe"), 'At $.revisions[0].attachments[0].file_type: "exe" is not '
                                                       "one of pdf"),
}


@pytest.mark.parametrize("case", TAMPERED, ids=list(TAMPERED))
def test_a_tampered_file_is_refused_with_its_path_and_nothing_is_stored(evidence_file, attachments_dir, case):
    spoil, message = TAMPERED[case]
    document = json.loads(evidence_file)
    spoil(document)
    assert message in refused(encode(document))  # the database unchanged (checked by `refused`)
    assert stored_files(attachments_dir) == set()
    assert db.session.scalar(select(Assessment.id).where(Assessment.reference == EVIDENCE)) is None


def test_files_stored_by_an_import_that_fails_later_are_pruned(evidence_file, attachments_dir, monkeypatch):
    def fail(*args: Any, **kwargs: Any) -> None:
        raise FileProblem("At $.audit: refused for the test.")

    monkeypatch.setattr(importer, "import_audit", fail)
    before = table_counts()
    with pytest.raises(ImportRefused, match="refused for the test"):
        import_assessment(actor=None, now=LATER, data=evidence_file)
    assert table_counts() == before
    left = stored_files(attachments_dir)
    assert len(left) == 2 and set(check_store().unreferenced) == left  # unreferenced, so never served
    assert sorted(prune_store(now=LATER + timedelta(days=400), grace=timedelta(0))) == sorted(left)
    assert stored_files(attachments_dir) == set()
