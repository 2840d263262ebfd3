"""The document model: totals across a table's rows, taken only over the rows a document shows."""

import io
import re

import pytest
from pypdf import PdfReader

from dpia.assessments.services.content import load_content
from dpia.documents.services import render_pdf
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.redactions import set_redaction
from dpia.publication.services.scheduling import document_for
from tests import factories


@pytest.fixture()
def deployments(db):
    """The all-types revision: its pre-filled deployment (104 alerts, 2 confirmed), and one whose confirmed
    alerts were not recorded."""
    publisher = factories.Publisher()
    revision = publisher.draft()
    outcome = factories.add_row(actor=publisher.author(revision.assessment.team), now=factories.NOW,
                                content=load_content(revision), question_key="later.deployments",
                                raw={"date": "2017-07-01", "alerts": "50"})
    assert outcome.ok, outcome.errors
    return publisher, revision, outcome.uid


def table(document, key="later.deployments"):
    return next(item.table for section in document.sections for item in section.items if item.key == key)


def test_totals_keep_not_recorded_apart_from_zero_and_give_their_denominators(db, deployments):
    _, revision, _ = deployments
    totals = table(document_for(load_content(revision), organisation="Org", public=False))
    assert totals.totals_heading == "Totals across the deployments shown: 2"
    assert [(cell.label, cell.text) for cell in totals.totals] == [
        ("Alerts", "154"),
        ("Confirmed", "2 (1 of 2 deployments recorded this)"),
        ("Precision", "2 of 104 (1.9%), from the 1 of 2 deployments that recorded both"),
    ]


def test_a_withheld_row_is_left_out_of_the_totals(db, deployments):
    publisher, revision, uid = deployments
    set_redaction(actor=publisher.dpo, now=factories.NOW, content=load_content(revision), target_type=TargetType.ROW,
                  target_key=uid, exemption=Exemption.S31_1_A, reason="Operational")
    document = document_for(load_content(revision), organisation="Org", public=True)
    shown = table(document)
    assert shown.totals_heading == "Totals across the deployments shown: 1 (1 withheld)"
    assert ("Alerts", "104") in [(cell.label, cell.text) for cell in shown.totals]
    # The sum with the withheld row would give it away (154, beside the references and hashes that can hold it).
    assert not [part for part in document.text_parts() if re.match(r"154\b", part)]


def test_the_pdf_prints_the_totals(db, deployments):
    _, revision, _ = deployments
    pdf = render_pdf(document_for(load_content(revision), organisation="Org", public=False))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Totals across the deployments shown: 2" in text and "154" in text
