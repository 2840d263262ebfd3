"""Nothing is silently dropped: every leaf of each real CNIL export is found where the report says it
went (an answer, a row, a comment, the title, the definition) or, as it was, in the annex."""

from __future__ import annotations

from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.models import Measure, Risk
from dpia.assessments.services.content import load_content
from dpia.cnil.rules import leaves
from dpia.cnil.services.common import annex_of_revision, annex_of_version
from dpia.cnil.services.pia import import_pia
from dpia.cnil.services.structure import import_structure
from dpia.review.models import Comment
from tests import factories
from tests.cnil.conftest import found_in


def _row_text(row) -> str:
    names = ("description", "affected", "likelihood", "severity", "residual_likelihood", "residual_severity")
    return "\n".join(str(getattr(row, n, "") or "") for n in names)


def test_every_leaf_of_the_example_pia_is_in_the_assessment_or_its_annex(db, clock, pia_document):
    admin = factories.create_user(Role.ADMIN)
    result = import_pia(actor=admin, now=factories.NOW, data=pia_document, filename="captoo.json")
    revision = result.assessment.revisions[0]
    answers = load_content(revision).answers
    rows = {r.row_uid: r for model in (Risk, Measure)
            for r in db.session.scalars(select(model).where(model.revision_id == revision.id))}
    comments = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.revision_id == revision.id))}
    annex = annex_of_revision(revision.id)
    report = {entry["path"]: entry for entry in annex.report}
    walked = list(leaves(pia_document))
    assert len(walked) == len(report) == 877
    places = set()
    for path, value in walked:
        entry = report[path]
        places.add(entry["to"])
        if entry["to"] == "annex":
            assert annex.fields[path] == value, path
            continue
        if entry["to"] == "assessment":
            destination = result.assessment.title
        elif entry["to"] == "question":
            destination = answers[entry["target"]]
        elif entry["to"] == "row":
            row = rows[entry["ref"]]
            if "stored" in entry:
                column = entry["target"].rsplit(", ", 1)[1]
                assert getattr(row, column) == entry["stored"], path
                continue
            destination = _row_text(row)
        else:
            destination = comments[entry["ref"]].body
        if "stored" in entry:
            stored = entry["stored"]
            assert destination == stored or (isinstance(destination, list) and stored in destination) or \
                found_in(stored, destination), path
        else:
            assert found_in(value, destination), (path, value)
    assert places == {"assessment", "question", "row", "comment", "annex"}
    # The annex keeps only what has no other place: no answer text hides in it.
    assert not any(path.endswith((".data.text", ".description", ".evaluation_comment")) for path in annex.fields)


def test_every_leaf_of_the_example_structure_is_in_the_version_or_its_annex(db, clock, structure_document):
    admin = factories.create_user(Role.ADMIN)
    result = import_structure(actor=admin, now=factories.NOW, data=structure_document, filename="structure.json")
    assert result.created
    definition = result.version.definition
    annex = annex_of_version(result.version.id)
    report = {entry["path"]: entry for entry in annex.report}
    walked = list(leaves(structure_document))
    assert len(walked) == len(report) > 400
    texts = [text for _, text in leaves(definition) if isinstance(text, str)]
    to_definition = 0
    for path, value in walked:
        entry = report[path]
        if entry["to"] == "annex":
            assert annex.fields[path] == value, path
        else:
            assert entry["to"] == "definition"
            assert any(found_in(value, text) for text in texts), (path, value)
            to_definition += 1
    assert to_definition >= 20
    # The example's suggested answers become guidance, and its measure note a starting row.
    measures = next(q for s in definition["sections"] for q in s["questions"] if q["key"] == "measures.register")
    assert "Notes regarding security measures" in measures["prefill"][0]["description"]
