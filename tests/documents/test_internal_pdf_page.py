"""The internal PDF's URL: "being prepared" (202, refreshing itself) until the worker has stored the
file, then the stored bytes with their hash as the ETag; a failed build offers to try again."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from dpia.documents.models import ExportStatus, StoredExport
from dpia.documents.rules import MAX_ATTEMPTS
from tests import factories
from tests.factories import CANARY
from tests.web import as_user, csrf_token, pdf_text, text_of

REFRESH = 'data-module="dpia-wait-for-file"'  # the script that checks again and starts the download


def exports_of(db, revision) -> list[StoredExport]:  # noqa: ANN001
    db.session.expire_all()
    return list(db.session.scalars(select(StoredExport).where(StoredExport.revision_id == revision.id)
                                   .order_by(StoredExport.id)))


def test_the_request_queues_a_build_and_never_renders(draft, builds, db):
    builds.error = AssertionError("a request rendered the PDF")
    response = draft.client.get(draft.url)

    assert response.status_code == 202 and builds.calls == 0
    assert response.headers["X-Export-Status"] == "pending" and "http-equiv" not in text_of(response)
    page = text_of(response)
    assert REFRESH in page and "Your PDF is being prepared" in page and "marked DRAFT" in page
    assert f'<a class="govuk-link" href="{draft.url}">Check again</a>' in page
    [export] = exports_of(db, draft.revision)
    assert export.status is ExportStatus.PENDING and export.requested_by_id == draft.author.id


def test_two_requests_make_one_job_and_the_worker_builds_it_once(draft, builds, work, db):
    assert draft.client.get(draft.url).status_code == 202
    assert draft.client.get(draft.url).status_code == 202
    assert len(exports_of(db, draft.revision)) == 1

    assert "Exports built: 1" in work()
    first = draft.client.get(draft.url)
    second = draft.client.get(draft.url)
    assert "Exports built: 0" in work()

    assert builds.calls == 1
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert first.mimetype == "application/pdf"
    assert first.headers["Content-Disposition"] == (
        f"attachment; filename={draft.revision.assessment.reference}-revision-1.pdf")
    text = pdf_text(first.data)
    assert "Number plate cameras on the bypass" in text and "DRAFT" in text


def test_the_stored_file_is_revalidated_by_its_hash(draft, builds, work, db):
    draft.client.get(draft.url)
    work()
    [export] = exports_of(db, draft.revision)
    served = draft.client.get(draft.url)

    assert served.headers["ETag"] == f'"{export.sha256}"' and export.size == len(served.data)
    assert served.headers["Cache-Control"] == "private, no-store"
    again = draft.client.get(draft.url, headers={"If-None-Match": f'"{export.sha256}"'})
    assert again.status_code == 304 and again.data == b""
    assert draft.client.get(draft.url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_an_edited_draft_is_built_again_and_the_old_file_is_pruned(draft, builds, work, db):
    draft.client.get(draft.url)
    work()
    old = exports_of(db, draft.revision)[0].document_hash
    draft.edit("Read number plates and colours")

    assert draft.client.get(draft.url).status_code == 202  # a new document, so a new job
    work()
    assert builds.calls == 2
    [export] = exports_of(db, draft.revision)
    assert export.document_hash != old and export.status is ExportStatus.READY
    assert "colours" in pdf_text(draft.client.get(draft.url).data)


def test_approval_changes_the_watermark_so_it_is_built_again(app, db, clock, builds, work):
    setup = factories.create_publication_setup()
    factories.approve(setup)
    db.session.commit()
    author = as_user(app, setup["author"])
    url = "/assessments/DPIA-2026-400/revisions/1.pdf"
    author.get(url)
    work()
    approved = pdf_text(author.get(url).data)
    assert CANARY in approved and "DRAFT" not in approved  # internal: nothing withheld

    setup["revision"].state = setup["revision"].state.SUBMITTED
    db.session.commit()
    assert author.get(url).status_code == 202
    work()
    assert "DRAFT" in pdf_text(author.get(url).data) and builds.calls == 2


def test_a_failed_build_offers_to_try_again(draft, builds, work, db, clock):
    draft.client.get(draft.url)
    builds.error = ValueError(f"cannot draw {CANARY}")
    for _ in range(MAX_ATTEMPTS):
        work()
        clock.set(clock() + timedelta(minutes=5))  # past the retry delay
    [export] = exports_of(db, draft.revision)
    assert export.status is ExportStatus.FAILED and CANARY not in export.error

    failed = draft.client.get(draft.url)
    page = text_of(failed)
    assert failed.status_code == 202 and "The PDF could not be made" in page and REFRESH not in page
    assert failed.headers["X-Export-Status"] == "failed"
    assert re.search(r'<form method="post" action="[^"]+\.pdf/retry"', page) and 'name="csrf_token"' in page

    builds.error = None
    retry = draft.client.post(f"{draft.url}/retry", data={"csrf_token": csrf_token(draft.client, draft.url)})
    assert retry.status_code == 302 and retry.headers["Location"].endswith(draft.url)
    assert exports_of(db, draft.revision)[0].status is ExportStatus.PENDING
    work()
    assert draft.client.get(draft.url).status_code == 200


def test_the_retry_form_needs_its_csrf_token(draft, db):
    draft.client.get(draft.url)
    assert draft.client.post(f"{draft.url}/retry").status_code == 400


def test_someone_who_cannot_see_the_revision_gets_404_and_queues_nothing(app, draft, db):
    outsider = factories.create_user(teams=(factories.create_team(),))
    db.session.commit()
    other = as_user(app, outsider)
    token = csrf_token(other, "/")

    assert other.get(draft.url).status_code == 404
    assert other.post(f"{draft.url}/retry", data={"csrf_token": token}).status_code == 404
    assert exports_of(db, draft.revision) == []


def test_serving_a_stored_file_costs_the_same_statements_whatever_the_revision_size(
        app, db, clock, builds, work, count_queries):
    publisher = factories.Publisher()
    counts = {}
    for rows in (1, 10):
        revision = publisher.draft(rows=tuple({**factories.ALL_TYPES_RETENTION, "data_category": f"Category {n}"}
                                              for n in range(rows)), aims="Plates " * 200 * rows)
        author = as_user(app, publisher.author(revision.assessment.team))
        url = f"/assessments/{revision.assessment.reference}/revisions/1.pdf"
        author.get(url)
        work()
        with count_queries() as counter:
            assert author.get(url).status_code == 200
        counts[rows] = counter.count
    assert counts[1] == counts[10], counts
