"""The public document and scheduling: withheld text left out, rendered once, redactions frozen."""

import io
import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dpia.assessments.services.content import load_content
from dpia.core.errors import ConflictError, ValidationError
from dpia.core.hashing import sha256
from dpia.documents.models import StoredExport
from dpia.documents.services.exports import build_public_files_now
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.publication.services.redactions import set_redaction
from dpia.publication.services.register import register
from dpia.publication.services.scheduling import document_for, schedule
from dpia.review.rules.states import Action
from dpia.review.services.conditions import ConditionInput
from dpia.review.services.workflow import transition
from tests import factories
from tests.factories import CANARY, approve, decide

NOW = factories.NOW


def redact_all(setup):
    dpo, revision = setup["dpo"], setup["revision"]
    set_redaction(actor=dpo, now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                  target_key="basics.name", exemption=Exemption.S40_2, reason="Names of staff")
    set_redaction(actor=dpo, now=NOW, content=load_content(revision), target_type=TargetType.ROW,
                  target_key=setup["hidden_row"], exemption=Exemption.S31_1_A, reason="Tactics")


def test_public_document_drops_withheld_text_internal_keeps_it(db, setup):
    approve(setup)
    redact_all(setup)
    public = document_for(load_content(setup["revision"]), organisation="Org", public=True)
    text = " ".join(public.text_parts())
    assert CANARY not in text
    assert "Withheld under FOI Act s.40(2): Names of staff" in text
    assert "Withheld under FOI Act s.31(1)(a): Tactics" in text
    assert "Public aims text" in text and "Visible rule" in text
    assert "Dana Protection" not in text  # officials' names stay internal
    internal = document_for(load_content(setup["revision"]), organisation="Org", public=False)
    assert CANARY in " ".join(internal.text_parts())


def test_summary_scope_publishes_only_the_summary(db, setup):
    approve(setup)
    document = document_for(load_content(setup["revision"]), organisation="Org", public=True, scope=Scope.SUMMARY)
    assert [s.title for s in document.sections] == ["Summary"]
    assert document.notes == ("Only a summary of this assessment is published.",)


def test_schedule_renders_once_and_freezes_redactions(db, setup):
    approve(setup)
    redact_all(setup)
    with pytest.raises(ValidationError, match="decision"):
        schedule(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]),
                 publish_at=NOW + timedelta(days=1), organisation="Org")
    decide(setup)
    publication = schedule(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]),
                           publish_at=NOW + timedelta(days=1), organisation="Org")
    # The page and the JSON are stored at once; the PDF and the Word file are left to the worker.
    assert len(publication.html_sha256) == 64 and publication.pdf is None and publication.docx_sha256 is None
    queued = db.session.scalars(select(StoredExport).where(StoredExport.publication_id == publication.id)).all()
    assert sorted((e.kind.value, e.status.value, e.document_hash) for e in queued) == [
        ("public_docx", "pending", publication.json_sha256), ("public_pdf", "pending", publication.json_sha256)]
    build_public_files_now(publication_id=publication.id, now=NOW)
    db.session.refresh(publication)
    assert publication.pdf.startswith(b"%PDF") and publication.pdf_sha256 == sha256(publication.pdf)
    assert publication.docx.startswith(b"PK") and publication.docx_sha256 == sha256(publication.docx)
    assert CANARY not in publication.html and CANARY not in publication.json and CANARY not in publication.search_text
    assert "Withheld under FOI Act s.31(1)(a): Tactics" in publication.html
    with pytest.raises(ConflictError):
        set_redaction(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]),
                      target_type=TargetType.QUESTION, target_key="basics.aims", exemption=Exemption.S22,
                      reason="too late")
    assert register(NOW).total == 0  # not yet: publish_at is tomorrow
    assert register(NOW + timedelta(days=2)).total == 1


def test_only_approved_revisions_are_scheduled(db, setup):
    with pytest.raises(ValidationError, match="approved"):
        schedule(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]), publish_at=NOW,
                 organisation="Org")


def test_conditions_of_approval_are_part_of_the_published_record(db, setup):
    revision = setup["revision"]
    factories.to_sign_off(revision, setup)
    factories.sign_all(revision, setup)
    transition(actor=setup["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE,
               conditions=[ConditionInput("Publish the watchlist criteria", "Head of LFR", date(2030, 6, 30))])
    decide(setup)
    publication = schedule(actor=setup["dpo"], now=NOW, content=load_content(revision),
                           publish_at=NOW + timedelta(days=1), organisation="Org")
    build_public_files_now(publication_id=publication.id, now=NOW)
    assert "Publish the watchlist criteria" in publication.html and "Head of LFR" in publication.html
    conditions = json.loads(publication.json)["document"]["conditions"]
    assert [(c["action"], c["owner"], c["status"]) for c in conditions] == [
        ("Publish the watchlist criteria", "Head of LFR", "Open")]
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(publication.pdf)).pages)
    assert "Publish the watchlist criteria" in pdf_text
