"""The internal PDF's cost, built in-process: the demo's largest assessment, and a synthetic 200-section one.

`python -m tests.bench.pdf loop` builds the synthetic one over and over: the benchmark runs two of these
beside gunicorn to measure /healthz while exports build outside the request workers.
"""

from __future__ import annotations

import sys
import time

from flask import Flask
from sqlalchemy import func, select


def synthetic_document():  # noqa: ANN201 - a dpia.documents.model.Document
    """200 sections of 5 KB of Markdown each: the builder's cost at a real size."""
    from dpia.documents.model import Document, Item, Section

    text = "Cameras read **number plates** at the *entrance*, under `public task`. " * 70 + "\n\n- one\n- two\n"
    sections = tuple(Section(f"s{n}", f"Section {n}", (Item(f"q{n}", "Question", markdown=f"## Part {n}\n{text}"),))
                     for n in range(200))
    return Document(organisation="Org", reference="DPIA-1", title="Large", team="Team", regime="UK GDPR",
                    revision=1, status="Approved", written_on="1 June 2018", approved_on=None,
                    content_hash="0" * 64, public=False, scope="full", sections=sections)


def synthetic_pdf_seconds() -> float:
    from dpia.documents.services import render_pdf

    document = synthetic_document()
    start = time.perf_counter()
    render_pdf(document)
    return time.perf_counter() - start


def internal_pdf_seconds(app: Flask, *, rounds: int = 3) -> tuple[str, float]:
    """The best of `rounds` builds of the internal PDF of the revision with the most answer text."""
    from dpia.assessments.models import Answer, Assessment, Revision
    from dpia.assessments.services.content import load_content
    from dpia.core.extensions import db
    from dpia.demo.services import DEMO_REFERENCE, DRAFT_REFERENCE, PUBLISHED_REFERENCE, STADIUM_REFERENCE
    from dpia.documents.services import render_pdf
    from dpia.publication.services.scheduling import document_for

    demo = (DEMO_REFERENCE, DRAFT_REFERENCE, STADIUM_REFERENCE, PUBLISHED_REFERENCE)
    with app.app_context():
        revision_id = db.session.scalar(
            select(Revision.id).join(Assessment).join(Answer, Answer.revision_id == Revision.id)
            .where(Assessment.reference.in_(demo)).group_by(Revision.id)
            .order_by(func.sum(func.length(func.cast(Answer.value, db.Text))).desc()).limit(1))
        revision = db.session.get(Revision, revision_id)
        label = f"{revision.assessment.reference} revision {revision.number}"
        document = document_for(load_content(revision), organisation=app.config["ORGANISATION_NAME"], public=False)
        best = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            render_pdf(document)
            best = min(best, time.perf_counter() - start)
        db.session.remove()
    return label, best


def _loop() -> None:
    from dpia.documents.services import render_pdf

    document = synthetic_document()
    while True:
        render_pdf(document)


if __name__ == "__main__":
    if sys.argv[1:] == ["loop"]:
        _loop()
