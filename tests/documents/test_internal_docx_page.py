"""The internal Word file's URL, beside the PDF's: queued by the request and built by the worker like
the PDF, then served as a .docx attachment; the published copy's canary never appears in the public
document's Word file, while the internal one has everything."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from dpia.assessments.services.content import load_content
from dpia.documents.docx.builder import build_docx
from dpia.documents.models import ExportKind, ExportStatus, StoredExport
from dpia.documents.rules import MAX_ATTEMPTS
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.redactions import set_redaction
from dpia.publication.services.scheduling import document_for
from tests import factories
from tests.documents.docx.reading import docx_text, xml_parts
from tests.factories import CANARY, NOW
from tests.web import as_user, csrf_token, text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REFRESH = 'data-module="dpia-wait-for-file"'


def docx_url(draft) -> str:  # noqa: ANN001
    return draft.url.removesuffix(".pdf") + ".docx"


def exports_of(db, revision) -> list[StoredExport]:  # noqa: ANN001
    db.session.expire_all()
    return list(db.session.scalars(select(StoredExport).where(StoredExport.revision_id == revision.id)
                                   .order_by(StoredExport.id)))


def test_the_request_queues_a_word_build_and_never_renders(draft, builds, docx_builds, db):
    docx_builds.error = AssertionError("a request rendered the file")
    response = draft.client.get(docx_url(draft))

    assert response.status_code == 202 and docx_builds.calls == builds.calls == 0
    page = text_of(response)
    assert "Your Word document is being prepared" in page and REFRESH in page and "marked DRAFT" in page
    assert f'data-file-url="{docx_url(draft)}"' in page
    [export] = exports_of(db, draft.revision)
    assert export.kind is ExportKind.INTERNAL_DOCX and export.status is ExportStatus.PENDING


def test_the_worker_builds_it_and_it_is_served_as_a_word_attachment(draft, builds, docx_builds, work, db):
    draft.client.get(docx_url(draft))
    draft.client.get(draft.url)  # the PDF is a job of its own
    assert len(exports_of(db, draft.revision)) == 2
    assert "Exports built: 2" in work()

    served = draft.client.get(docx_url(draft))
    assert served.status_code == 200 and served.mimetype == DOCX
    assert served.headers["Content-Disposition"] == (
        f"attachment; filename={draft.revision.assessment.reference}-revision-1.docx")
    assert served.headers["Cache-Control"] == "private, no-store"
    text = docx_text(served.data)
    assert "Number plate cameras on the bypass" in text and "Read number plates" in text and "DRAFT" in text
    assert docx_builds.calls == builds.calls == 1
    [export] = [e for e in exports_of(db, draft.revision) if e.kind is ExportKind.INTERNAL_DOCX]
    again = draft.client.get(docx_url(draft), headers={"If-None-Match": f'"{export.sha256}"'})
    assert again.status_code == 304 and again.data == b""
    assert draft.client.get(draft.url).mimetype == "application/pdf"


def test_an_edited_draft_is_built_again(draft, docx_builds, work, db):
    draft.client.get(docx_url(draft))
    work()
    draft.edit("Read number plates and colours")
    assert draft.client.get(docx_url(draft)).status_code == 202
    work()
    assert "colours" in docx_text(draft.client.get(docx_url(draft)).data) and docx_builds.calls == 2


def test_a_failed_word_build_offers_to_try_again(draft, docx_builds, work, db, clock):
    url = docx_url(draft)
    draft.client.get(url)
    docx_builds.error = ValueError(f"cannot write {CANARY}")
    for _ in range(MAX_ATTEMPTS):
        work()
        clock.set(clock() + timedelta(minutes=5))
    failed = draft.client.get(url)
    page = text_of(failed)
    assert failed.status_code == 202 and "The Word document could not be made" in page and REFRESH not in page
    assert re.search(r'<form method="post" action="[^"]+\.docx/retry"', page)

    docx_builds.error = None
    retry = draft.client.post(f"{url}/retry", data={"csrf_token": csrf_token(draft.client, url)})
    assert retry.status_code == 302 and retry.headers["Location"].endswith(url)
    work()
    assert draft.client.get(url).status_code == 200


def test_the_word_retry_needs_its_csrf_token(draft, db):
    draft.client.get(docx_url(draft))
    assert draft.client.post(f"{docx_url(draft)}/retry").status_code == 400


def test_someone_who_cannot_see_the_revision_gets_404_and_queues_nothing(app, draft, db):
    other = as_user(app, factories.create_user(teams=(factories.create_team(),)))
    factories.commit()
    assert other.get(docx_url(draft)).status_code == 404
    assert other.post(f"{docx_url(draft)}/retry", data={"csrf_token": csrf_token(other, "/")}).status_code == 404
    assert exports_of(db, draft.revision) == []


def test_the_task_list_links_the_word_file(draft, db):
    reference = draft.revision.assessment.reference
    page = text_of(draft.client.get(f"/assessments/{reference}/revisions/1"))
    assert f'href="{docx_url(draft)}"' in page and f'href="{draft.url}"' in page


def test_serving_a_stored_word_file_costs_the_same_statements_whatever_the_revision_size(
        app, db, clock, work, count_queries):
    publisher = factories.Publisher()
    counts = {}
    for rows in (1, 10):
        revision = publisher.draft(rows=tuple({**factories.ALL_TYPES_RETENTION, "data_category": f"Category {n}"}
                                              for n in range(rows)), aims="Plates " * 200 * rows)
        author = as_user(app, publisher.author(revision.assessment.team))
        url = f"/assessments/{revision.assessment.reference}/revisions/1.docx"
        author.get(url)
        work()
        with count_queries() as counter:
            assert author.get(url).status_code == 200
        counts[rows] = counter.count
    assert counts[1] == counts[10], counts


def test_withheld_text_is_nowhere_in_the_public_documents_word_file(app, db, clock):
    setup = factories.create_publication_setup()
    factories.approve(setup)
    revision = setup["revision"]
    for target_type, key, exemption in ((TargetType.QUESTION, "basics.name", Exemption.S40_2),
                                        (TargetType.ROW, setup["hidden_row"], Exemption.S31_1_A)):
        set_redaction(actor=setup["dpo"], now=NOW, content=load_content(revision), target_type=target_type,
                      target_key=key, exemption=exemption, reason="Kept back")
    public = build_docx(document_for(load_content(revision), organisation="Org", public=True))
    internal = build_docx(document_for(load_content(revision), organisation="Org", public=False))

    assert CANARY in docx_text(internal)  # the canary is there to be found
    assert CANARY not in xml_parts(public) and "Dana Protection" not in xml_parts(public)
    text = docx_text(public)
    assert "Withheld under FOI Act s.40(2): Kept back" in text
    assert "Withheld under FOI Act s.31(1)(a): Kept back" in text
    assert "Public aims text" in text and "Visible rule" in text
