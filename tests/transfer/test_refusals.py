"""Malformed and hostile files: each is refused with a message saying what and where, and nothing changes."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from dpia.core.hashing import canonical_json, sha256
from dpia.demo.services import PUBLISHED_REFERENCE
from dpia.transfer.rules.reading import MAX_DEPTH, encode
from dpia.transfer.services.importer import ImportRefused, import_assessment
from tests.transfer.builders import LATER, export, table_counts


def refused(data: bytes, *, reference: str | None = None, max_bytes: int = 100 * 1024 * 1024) -> str:
    """The message an import of `data` is refused with; the database must be as it was."""
    before = table_counts()
    with pytest.raises(ImportRefused) as caught:
        import_assessment(actor=None, now=LATER, data=data, reference=reference, max_bytes=max_bytes)
    assert table_counts() == before
    return str(caught.value)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = document
        for part in parents:
            target = target[part]
        target[last] = value
    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = document
        for part in parents:
            target = target[part]
        del target[last]
    return change


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def _spoil_audit(document: dict[str, Any]) -> None:
    document["audit"][0]["record"]["summary"]["reference"] = "DPIA-1999-001"


def _spoil_definition(document: dict[str, Any]) -> None:
    document["questionnaires"][0]["definition"]["title"] = "Another title"


def _fake_pdf(document: dict[str, Any]) -> None:
    publication = document["revisions"][0]["publication"]
    publication["pdf"] = base64.b64encode(b"%PDF-1.4 a stored file").decode()
    publication["pdf_sha256"] = sha256(b"%PDF-1.4 another file")


def _duplicate_row(document: dict[str, Any]) -> None:
    rows = document["revisions"][0]["rows"]
    rows.append(dict(rows[0]))


def _lost_pin(document: dict[str, Any]) -> None:
    document["revisions"][0]["questionnaire"]["content_hash"] = "0" * 64


SPOILED = {
    "wrong format": (_set("format", "cnil-pia"), 'This is not an assessment export: "format" must be '
                                                 '"dpia-assessment-export" (found "cnil-pia").'),
    "wrong version": (_set("version", 2), "Export format version 2 is not supported; this service reads version 1."),
    "wrong type": (_set("revisions.0.number", "1"),
                   "At $.revisions[0].number: expected a whole number, found a string."),
    "wrong type in a nullable value": (_set("revisions.0.submitted_at", 5),
                                       "At $.revisions[0].submitted_at: expected a string, found a whole number."),
    "missing key": (_delete("revisions.0.answers"), 'At $.revisions[0]: the key "answers" is missing.'),
    "missing top-level key": (_delete("audit"), 'At $: the key "audit" is missing.'),
    "unknown key": (_set("revisions.0.colour", "red"),
                    'At $.revisions[0]: the key "colour" is not part of the format.'),
    "unknown state": (_set("revisions.0.state", "lost"), 'At $.revisions[0].state: "lost" is not one of'),
    "bad time": (_set("assessment.created_at", "yesterday"),
                 'At $.assessment.created_at: "yesterday" is not in the expected form (a UTC time'),
    "impossible date": (_set("revisions.0.created_at", "2019-02-30T10:00:00+00:00"),
                        "At $.revisions[0].created_at: '2019-02-30T10:00:00+00:00' is not a valid time."),
    "bundle changed": (_set("revisions.0.publication.html", "<p>Changed</p>"),
                       "At $.revisions[0].publication.html_sha256: the stored html does not match its hash"),
    "json changed": (_set("revisions.0.publication.json", "{}"),
                     "At $.revisions[0].publication.json_sha256: the stored json does not match its hash"),
    "pdf changed": (_fake_pdf, "At $.revisions[0].publication.pdf_sha256: the stored pdf does not match its hash"),
    "pdf not base64": (_set("revisions.0.publication.pdf", "not base64!"),
                       "At $.revisions[0].publication.pdf: the value is not valid base64."),
    "audit row changed": (_spoil_audit, "At $.audit[0].entry_hash: the audit row does not match its hash"),
    "definition changed": (_spoil_definition, "At $.questionnaires[0].definition: the definition does not match "
                                              "its content_hash"),
    "unknown publication column": (_set("revisions.0.publication.colour", "red"),
                                   'At $.revisions[0].publication: "colour" is not a column this database stores'),
    "duplicate row": (_duplicate_row, "At $.revisions[0].rows[" ),
    "pin to a missing questionnaire": (_lost_pin, "At $.revisions[0].questionnaire: questionnaire uk-dpia version"),
    "attachment of another format": (_set("revisions.0.attachments", [{"name": "policy.pdf"}]),
                                     'At $.revisions[0].attachments[0]: the key "name" is not part of the format.'),
    "annex without its report": (_set("revisions.0.cnil_annex", {"source_kind": "pia"}),
                                 'At $.revisions[0].cnil_annex: the key "fields" is missing.'),
    "nested too deep inside": (_set("revisions.0.answers.0.value", _nested(MAX_DEPTH + 5)),
                               f"more than {MAX_DEPTH} levels deep"),
}


@pytest.mark.parametrize("case", SPOILED, ids=list(SPOILED))
def test_a_spoiled_file_is_refused_with_its_message(valid_document, case):
    spoil, message = SPOILED[case]
    spoil(valid_document)
    assert message in refused(encode(valid_document))


BAD_BYTES = {
    "empty": (b"  \n", "The file is empty."),
    "not JSON": (b"reference,title\nDPIA-1,x\n", "The file is not JSON: Expecting value at line 1, column 1."),
    "truncated": (b'{"format": "dpia-assessment-export", "version": 1, "assessment": {', "The file is not JSON"),
    "not UTF-8": (b'{"format": "\xff"}', "The file is not UTF-8 text (byte 12 cannot be read)."),
    "a list": (b"[1, 2]", "The file must hold one JSON object, the assessment export."),
    "NaN": (b'{"format": NaN}', "The file holds NaN, which is not JSON."),
    "duplicate key": (b'{"format": "a", "format": "b"}', 'The key "format" appears twice in one object'),
    "deeply nested": (b"[" * 200_000 + b"]" * 200_000, f"more than {MAX_DEPTH} levels deep (at byte {MAX_DEPTH})"),
    "nested objects": (b'{"a":' * 100 + b"1" + b"}" * 100, f"more than {MAX_DEPTH} levels deep"),
}


@pytest.mark.parametrize("case", BAD_BYTES, ids=list(BAD_BYTES))
def test_a_file_that_is_not_an_export_is_refused_with_its_message(db, case):
    data, message = BAD_BYTES[case]
    assert message in refused(data)


def test_brackets_inside_strings_do_not_count_as_nesting(valid_document):
    valid_document["assessment"]["title"] = "[" * 150 + '\\"{' * 40
    result = import_assessment(actor=None, now=LATER, data=encode(valid_document))
    assert result.assessment.title.startswith("[[[")


def test_a_stored_pdf_whose_hash_matches_is_imported_and_exported_unchanged(valid_document):
    pdf = b"%PDF-1.4 a stored file"
    publication = valid_document["revisions"][0]["publication"]
    publication.update(pdf=base64.b64encode(pdf).decode(), pdf_sha256=sha256(pdf))
    data = encode(valid_document)
    import_assessment(actor=None, now=LATER, data=data)
    assert export(valid_document["assessment"]["reference"]) == data


def test_an_oversized_file_is_refused_before_it_is_read(valid_file):
    message = refused(valid_file, reference="DPIA-BIG-1", max_bytes=1024)
    assert "files larger than 1.0 KB are refused (TRANSFER_MAX_BYTES)" in message
    assert refused(b"x" * 2048, max_bytes=1024) == ("The file is 2.0 KB; files larger than 1.0 KB are refused "
                                                    "(TRANSFER_MAX_BYTES).")


def test_a_taken_reference_is_refused_naming_the_as_option(valid_file):
    import_assessment(actor=None, now=LATER, data=valid_file)
    message = refused(valid_file)
    assert message == (f"An assessment with the reference {PUBLISHED_REFERENCE} already exists. Import the file "
                       'under a new reference with --as NEW-REFERENCE (on the admin page: "New reference").')
    assert "--as" in refused(valid_file, reference=PUBLISHED_REFERENCE)


@pytest.mark.parametrize("reference", ["has space", "DPIA/2019", "-leading", "x" * 41])
def test_an_invalid_new_reference_is_refused(valid_file, reference):
    assert "cannot be a reference" in refused(valid_file, reference=reference)


@pytest.mark.postgresql_only  # SQLite does not enforce the lengths of text columns
def test_a_value_too_long_for_its_column_is_refused_without_a_database_error(valid_document):
    valid_document["revisions"][0]["rows"][0]["question_key"] = "q" * 5000
    message = refused(canonical_json(valid_document))
    assert message == ("The database refused a value in the file (a text longer than its field allows, say): "
                       "StringDataRightTruncation. Nothing was imported.")
