"""The other shapes a CNIL export comes in: the server's nested object (alone or in a list), and
legacy files with numbers and booleans stored as text."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.models import Answer, Assessment, Measure, Risk
from dpia.cnil.rules import html_to_markdown
from dpia.cnil.services.common import annex_of_revision, read_export
from dpia.cnil.services.imports import import_file
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from tests import factories


@pytest.fixture()
def database(db):
    """The rolled-back test transaction (named apart from the `db` extension this module uses)."""
    return db


def _nested(document: dict) -> dict:
    return {**document["pia"], **{k: document[k] for k in ("answers", "measures", "evaluations", "comments")}}


def _answers(revision_id: int) -> dict:
    rows = db.session.scalars(select(Answer).where(Answer.revision_id == revision_id))
    return {a.question_key: a.value for a in rows}


def _revision(outcome):
    return db.session.scalar(select(Assessment).where(Assessment.reference == outcome.reference)).revisions[0]


@pytest.mark.parametrize("wrap", [_nested, lambda d: [_nested(d)]], ids=["object", "list of one"])
def test_the_servers_nested_shape_imports_the_same(database, clock, pia_document, wrap):
    admin = factories.create_user(Role.ADMIN)
    raw = json.dumps(wrap(pia_document)).encode()
    outcome = import_file(actor=admin, now=factories.NOW, raw=raw, filename="nested.json")
    assert outcome.kind == "pia" and outcome.summary == f"Imported as {outcome.reference}"
    paths = {entry["path"]: entry for entry in outcome.report}
    assert paths["$.name"] == {"path": "$.name", "to": "assessment", "target": "title"}
    assert paths["$.answers[0].data.text"]["target"] == "data.data"


def test_legacy_text_typed_numbers_and_booleans_are_read(database, clock, pia_document):
    admin = factories.create_user(Role.ADMIN)
    pia = pia_document["pia"]
    pia.update(status="1", dpo_status="0", concerned_people_searched_opinion="False",
               concerned_people_searched_content="<p>Not asked: a <em>pilot</em> only.</p>")
    outcome = import_file(actor=admin, now=factories.NOW, raw=json.dumps(pia_document).encode(), filename="old.json")
    revision = _revision(outcome)
    answers = _answers(revision.id)
    assert answers["validation.status"] == "refused"
    assert answers["validation.dpo_status"] == "unfavourable"
    assert answers["validation.concerned_people_searched"] is False
    assert answers["validation.concerned_people_not_searched"] == "Not asked: a *pilot* only."


def test_measures_are_linked_to_the_risks_that_name_them(database, clock, pia_document):
    admin = factories.create_user(Role.ADMIN)
    outcome = import_file(actor=admin, now=factories.NOW, raw=json.dumps(pia_document).encode(), filename="p.json")
    revision = _revision(outcome)
    risks = db.session.scalars(select(Risk).where(Risk.revision_id == revision.id).order_by(Risk.position)).all()
    measures = {m.description.split("\n")[0]: m for m in
                db.session.scalars(select(Measure).where(Measure.revision_id == revision.id))}
    assert len(measures) == 23
    # "Chiffrement" is a planned control of illegitimate access and of unwanted modification, not of disappearance.
    assert measures["**Chiffrement**"].risk_uids == [risks[0].row_uid, risks[1].row_uid]
    assert measures["**Sauvegardes**"].risk_uids == [risks[1].row_uid, risks[2].row_uid]
    assert measures["**Cloisonnement des données**"].risk_uids == []
    catalogue = _answers(revision.id)["measures.catalogue"]
    assert {"encryption", "partitioning", "logical_access_control", "archiving"} <= set(catalogue)


def test_answers_to_questions_of_a_custom_structure_go_to_the_annex(database, clock, pia_document):
    admin = factories.create_user(Role.ADMIN)
    pia_document["answers"].append({"id": 999, "pia_id": 12, "reference_to": 1001,
                                    "data": {"text": "An answer to our own question", "gauge": 0, "list": []}})
    outcome = import_file(actor=admin, now=factories.NOW, raw=json.dumps(pia_document).encode(), filename="p.json")
    annex = annex_of_revision(_revision(outcome).id)
    assert annex.fields["$.answers[36].data.text"] == "An answer to our own question"


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "is empty"),
    (b"\xff\xfe\x00", "is not UTF-8 text"),
    (b"[1, 2]", "holds a list of 2 PIAs"),
    (b'"just text"', "must be a JSON object"),
])
def test_files_that_are_not_exports_say_why(raw, message):
    with pytest.raises(ValidationError, match=message):
        read_export(raw, "f.json")


def test_html_becomes_markdown_a_reader_would_recognise():
    text = html_to_markdown("<div>Le PIA porte sur le <strong>moniteur</strong>.</div><ul><li>un</li>"
                            "<li>deux<ul><li>trois</li></ul></li></ul><p>a&nbsp;b * c <script>x()</script></p>")
    assert text == "Le PIA porte sur le **moniteur**.\n\n- un\n- deux\n  - trois\n\na b \\* c"
