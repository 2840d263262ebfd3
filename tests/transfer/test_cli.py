"""`flask dpia export REFERENCE [--output FILE]` and `flask dpia import FILE [--as REFERENCE]`."""

from __future__ import annotations

import json

from sqlalchemy import select

from dpia.assessments.models import Assessment
from dpia.demo.services import PUBLISHED_REFERENCE
from tests.cli import run
from tests.transfer.builders import table_counts


def test_import_prints_the_new_reference_and_export_writes_the_same_file(app, valid_file, tmp_path, db):
    path = tmp_path / "in.json"
    path.write_bytes(valid_file)
    result = run(app, "import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == PUBLISHED_REFERENCE
    assert db.session.scalar(select(Assessment.title).where(Assessment.reference == PUBLISHED_REFERENCE))

    out = tmp_path / "out.json"
    written = run(app, "export", PUBLISHED_REFERENCE, "--output", str(out))
    assert written.exit_code == 0, written.output
    assert json.loads(out.read_bytes()) == json.loads(valid_file)
    to_stdout = run(app, "export", PUBLISHED_REFERENCE)
    assert to_stdout.exit_code == 0 and to_stdout.stdout_bytes == out.read_bytes()


def test_import_of_a_taken_reference_fails_naming_as_and_as_imports_it_again(app, valid_file, tmp_path, db):
    path = tmp_path / "in.json"
    path.write_bytes(valid_file)
    assert run(app, "import", str(path)).exit_code == 0
    before = table_counts()
    again = run(app, "import", str(path))
    assert again.exit_code == 1
    assert f"{path}: An assessment with the reference {PUBLISHED_REFERENCE} already exists" in again.stderr
    assert "--as NEW-REFERENCE" in again.stderr
    assert table_counts() == before
    copy = run(app, "import", str(path), "--as", "DPIA-2019-002-COPY")
    assert copy.exit_code == 0 and copy.stdout.strip() == "DPIA-2019-002-COPY"


def test_import_refuses_a_file_over_the_configured_limit_before_reading_it(app, valid_file, tmp_path, db,
                                                                          monkeypatch):
    path = tmp_path / "in.json"
    path.write_bytes(valid_file)
    monkeypatch.setitem(app.config, "TRANSFER_MAX_BYTES", 1024)
    before = table_counts()
    result = run(app, "import", str(path))
    assert result.exit_code == 1
    assert "files larger than 1.0 KB are refused (TRANSFER_MAX_BYTES)" in result.stderr
    assert table_counts() == before


def test_import_reports_a_broken_file_with_its_path(app, tmp_path, db):
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"format": "dpia-assessment-export", "version": 1}')
    result = run(app, "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f'Error: {path}: At $: the key "assessment" is missing.'
    missing = run(app, "import", str(tmp_path / "nowhere.json"))
    assert missing.exit_code == 1 and "cannot read the file" in missing.stderr


def test_export_of_an_unknown_reference_fails(app, db):
    result = run(app, "export", "DPIA-0000-000")
    assert result.exit_code == 1
    assert "There is no assessment with the reference DPIA-0000-000" in result.stderr
