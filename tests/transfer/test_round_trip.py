"""Export, import into an empty database, export again: the same bytes, with signatures and audit intact."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from dpia.accounts.models import User
from dpia.assessments.models import Assessment
from dpia.assessments.services.content import load_content, revision_hash
from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import entry_hash, verify_chain
from dpia.core.extensions import db
from dpia.core.hashing import canonical_json
from dpia.demo.services import DEMO_REFERENCE, PUBLISHED_REFERENCE
from dpia.review.models import SignOff
from dpia.transfer.models import ImportedAuditEvent
from dpia.transfer.rules.schema import export_schema
from dpia.transfer.services.importer import ImportRefused, import_assessment
from tests.attachments import samples
from tests.factories import own_database_app
from tests.transfer.builders import (
    EVIDENCE,
    LATER,
    PUBLISHED_TWICE,
    REFERENCES,
    SLIPPED,
    WITHDRAWN,
    build_rich_data,
    export,
)

SCHEMA = Draft202012Validator(export_schema())


@pytest.fixture(scope="module")
def exported(backend, tmp_path_factory) -> dict[str, bytes]:
    """Each rich assessment's export file, from a database and an attachment store of its own (then dropped)."""
    store = tmp_path_factory.mktemp("source-files")
    with own_database_app(backend, tmp_path_factory.mktemp("source"), ATTACHMENTS_DIR=str(store)) as source, \
            source.app_context():
        return {reference: export(reference) for reference in build_rich_data()}


@pytest.fixture(scope="module")
def target_store(tmp_path_factory) -> Path:
    """The empty database's attachment store: another directory, so the files really travel in the file."""
    return tmp_path_factory.mktemp("target-files")


@pytest.fixture(scope="module")
def imported(backend, tmp_path_factory, exported, target_store):
    """An empty database of its own into which every export file was imported (tests only read it)."""
    with own_database_app(backend, tmp_path_factory.mktemp("target"), ATTACHMENTS_DIR=str(target_store)) as app:
        with app.app_context():
            for data in exported.values():
                import_assessment(actor=None, now=LATER, data=data)
                db.session.commit()
        yield app


@pytest.fixture()
def target(imported):
    with imported.app_context():
        yield imported


@pytest.fixture()
def empty(backend, tmp_path):
    """An empty, migrated database of its own, with an app context on it."""
    with own_database_app(backend, tmp_path) as app, app.app_context():
        yield app


def test_every_export_validates_against_the_published_schema(exported):
    for reference, data in exported.items():
        document = json.loads(data)
        assert list(SCHEMA.iter_errors(document)) == [], reference
        assert data == canonical_json(document) + b"\n"  # canonical: sorted keys, no spare whitespace


def test_the_rich_exports_hold_every_part(exported):
    trial, published, twice, withdrawn, slipped = (json.loads(exported[r]) for r in
                                                   (DEMO_REFERENCE, PUBLISHED_REFERENCE, PUBLISHED_TWICE,
                                                    WITHDRAWN, SLIPPED))
    assert [r["number"] for r in trial["revisions"]] == [1, 2]
    first, second = trial["revisions"]
    assert first["conditions"] and first["conditions"][0]["done_at"] is not None
    assert {r["kind"] for r in first["rows"]} >= {"risk", "measure", "retention_rule", "access_rule"}
    assert second["redactions"][0]["proposed"] is True and second["redactions"][0]["carried_from"] == 1
    assert second["decisions"] == [1] and trial["decisions"][0]["made_by"] == "Strategic Facial Recognition Board"
    assert second["based_on"] == 1 and second["comments"] and second["sign_offs"]
    assert trial["foi_requests"][0]["items"][2]["ncnd"] == "s31_3"
    assert second["attachments"] == [] and first["attachments"] == []
    assert [q["key"] for q in trial["questionnaires"]] == ["lfr-add-on", "uk-dpia"]
    assert published["revisions"][0]["publication"]["html_sha256"]
    assert [r["publication"]["revision_number"] for r in twice["revisions"]] == [1, 2]
    assert withdrawn["revisions"][0]["publication"]["withdrawn_reason"] == "Published by mistake"
    decision = slipped["revisions"][0]["publication_decisions"][0]
    assert decision["slippages"][0]["new_planned"] == "2019-Q1"
    comments = slipped["revisions"][0]["comments"]
    assert comments[1]["parent"] == 1 and comments[0]["resolved_by"]["name"] == "Rowan Reviewer"
    assert "id" not in json.dumps(trial["assessment"]) and "revision_id" not in exported[DEMO_REFERENCE].decode()
    # The audit slice: every row verifies on its own, and exports themselves are not in it.
    actions = {row["record"]["action"] for row in trial["audit"]}
    assert {"assessment.create", "revision.approve", "sign_off.record", "foi.record"} <= actions
    assert "transfer.export" not in actions
    for row in trial["audit"]:
        assert entry_hash(row["prev_hash"], row["record"]) == row["entry_hash"]


def test_import_into_an_empty_database_then_export_gives_the_same_bytes(exported, target):
    assert set(exported) > set(REFERENCES)  # and the CNIL import
    for reference, data in exported.items():
        assert export(reference) == data, reference


def test_evidence_files_travel_with_their_bytes_and_publication_choices(exported):
    first, second = json.loads(exported[EVIDENCE])["revisions"]
    policy, rota = first["attachments"]
    assert (policy["question_key"], policy["filename"], policy["publication"], policy["exemption"]) == (
        None, "policy.pdf", "publish", None)
    assert (rota["question_key"], rota["file_type"], rota["publication"], rota["exemption"],
            rota["publication_reason"]) == ("basics.aims", "png", "withhold", "s40_2", "Names of officers")
    assert base64.b64decode(policy["content"]) == samples.pdf("Retention policy")
    assert base64.b64decode(rota["content"]) == samples.png()
    assert rota["uploaded_by"]["email"] and rota["publication_set_by"] == policy["publication_set_by"]
    assert "uploaded_by_id" not in exported[EVIDENCE].decode()  # people by email, never by id
    assert [(a["sha256"], a["publication"]) for a in second["attachments"]] == [
        (a["sha256"], a["publication"]) for a in first["attachments"]]  # carried into the revision


def test_the_imported_files_are_in_the_target_store_and_served_from_it(exported, target, target_store):
    from dpia.attachments.services import attachments_of, read_content

    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == EVIDENCE))
    files = [a for revision in assessment.revisions for a in attachments_of(revision)]
    assert len(files) == 4
    assert {p.name for p in target_store.rglob("*") if p.is_file()} == {a.sha256 for a in files}
    assert read_content(files[0].sha256) == samples.pdf("Retention policy")


def test_the_cnil_annex_travels_only_with_revisions_that_have_one(exported, target):
    from dpia.cnil.services.common import annex_of_revision

    cnil_reference = next(r for r in exported if r not in REFERENCES)
    [revision] = json.loads(exported[cnil_reference])["revisions"]
    annex = revision["cnil_annex"]
    assert annex["source_kind"] == "pia" and annex["source_name"] == "2018-02-21-pia-example.json"
    assert annex["fields"] and annex["report"] and annex["imported_by"]["name"] == "Ada Admin"
    assert all("cnil_annex" not in r for ref in REFERENCES for r in json.loads(exported[ref])["revisions"])
    imported = db.session.scalar(select(Assessment).where(Assessment.reference == cnil_reference))
    kept = annex_of_revision(imported.revisions[0].id)
    assert kept is not None and kept.fields == annex["fields"] and kept.report == annex["report"]


def test_sign_off_hashes_still_verify_after_the_import(exported, target):
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == DEMO_REFERENCE))
    checked = 0
    for revision in assessment.revisions:
        current = revision_hash(load_content(revision))
        for sign_off in db.session.scalars(select(SignOff).where(SignOff.revision_id == revision.id)):
            assert sign_off.content_hash == current
            checked += 1
    assert checked >= 6


def test_the_import_keeps_the_audit_slice_apart_and_the_chain_verifies(exported, target):
    trial = json.loads(exported[DEMO_REFERENCE])
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == DEMO_REFERENCE))
    kept = db.session.scalars(select(ImportedAuditEvent).where(ImportedAuditEvent.assessment_id == assessment.id)
                              .order_by(ImportedAuditEvent.position)).all()
    assert [row.entry_hash for row in kept] == [row["entry_hash"] for row in trial["audit"]]
    imports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "transfer.import")).all()
    assert len(imports) == len(exported)
    assert imports[0].summary["source_reference"] == DEMO_REFERENCE
    result = verify_chain()
    assert result.ok and result.checked == db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_people_unknown_here_become_deactivated_accounts_without_password_or_roles(exported, target):
    people = db.session.scalars(select(User)).all()
    assert people and all(not p.active and p.password_hash is None and not p.role_set for p in people)
    assert {p.email for p in people} >= {"author@demo.test", "dpo@demo.test", "approver@demo.test"}
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "dpo@demo.test")) == 1


def test_a_second_import_is_refused_and_another_reference_is_accepted(exported, empty):
    data = exported[PUBLISHED_REFERENCE]
    import_assessment(actor=None, now=LATER, data=data)
    db.session.commit()
    with pytest.raises(ImportRefused, match="--as"):
        import_assessment(actor=None, now=LATER, data=data)
    copy = import_assessment(actor=None, now=LATER, data=data, reference="DPIA-COPY-1").assessment
    db.session.commit()
    assert copy.reference == "DPIA-COPY-1"
    original, again = json.loads(data), json.loads(export("DPIA-COPY-1"))
    original["assessment"]["reference"] = "DPIA-COPY-1"
    assert again == original  # questionnaires, people and everything else matched, not duplicated


@pytest.mark.postgresql_only
def test_a_file_from_postgresql_imports_into_sqlite_and_exports_the_same_bytes(backend, exported, tmp_path):
    with own_database_app("sqlite", tmp_path, ATTACHMENTS_DIR=str(tmp_path / "files")) as app, app.app_context():
        for data in exported.values():
            import_assessment(actor=None, now=LATER, data=data)
            db.session.commit()
        for reference, data in exported.items():
            assert export(reference) == data, reference
