"""Asking for an internal PDF: the document hash, the permission check, and (on PostgreSQL) two
people asking at once and two workers claiming at once."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from dpia.assessments.services.content import load_content
from dpia.core.clock import now
from dpia.core.errors import NotFoundError
from dpia.core.extensions import db as _db
from dpia.documents.models import ExportStatus, StoredExport
from dpia.documents.services.exports import claim_next_export, internal_pdf_source, request_internal_pdf
from dpia.documents.tasks import build_next_export
from tests import factories
from tests.factories import ORGANISATION


def test_the_hash_follows_the_document_not_only_the_answers(draft, db):
    content = load_content(draft.revision)
    before = internal_pdf_source(content, organisation=ORGANISATION)
    assert internal_pdf_source(content, organisation=ORGANISATION).document_hash == before.document_hash
    draft.revision.assessment.title = "A new title"  # not part of revision_hash, but printed on the PDF
    assert internal_pdf_source(content, organisation=ORGANISATION).document_hash != before.document_hash
    draft.revision.state = draft.revision.state.APPROVED  # frozen: no DRAFT watermark
    frozen = internal_pdf_source(content, organisation=ORGANISATION)
    assert frozen.watermark is None and before.watermark == "DRAFT"


def test_the_service_checks_who_may_see_the_revision(draft, db):
    outsider = factories.create_user(teams=(factories.create_team(),))
    with pytest.raises(NotFoundError):
        request_internal_pdf(actor=outsider, now=now(), content=load_content(draft.revision),
                             organisation=ORGANISATION)
    assert db.session.scalar(select(func.count()).select_from(StoredExport)) == 0


def _in_thread(app, target):  # noqa: ANN001, ANN202
    """Run `target` in its own app context (its own session and connection); return (thread, errors)."""
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                target()
            except BaseException as error:  # reported by the test; a thread's exception is otherwise lost
                errors.append(error)
                _db.session.rollback()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def _wait_for_a_lock_wait(limit: int = 600) -> None:
    """Poll pg_stat_activity until another session waits on a lock (bounded by attempts, not asserted on)."""
    with _db.engine.connect() as watcher:
        for _ in range(limit):
            waiting = watcher.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                          "AND datname = current_database()"))
            if waiting:
                return
            watcher.rollback()
            time.sleep(0.05)
    raise AssertionError("the second session never waited on the first one's row")


@pytest.mark.postgresql_only
def test_two_people_asking_at_once_make_one_job_without_an_error(committed_draft):
    app, revision, author = committed_draft
    mine = request_internal_pdf(actor=author, now=now(), content=load_content(revision), organisation=ORGANISATION)
    theirs: list[int] = []

    def ask() -> None:
        export = request_internal_pdf(actor=author, now=now(), content=load_content(_db.session.merge(revision)),
                                      organisation=ORGANISATION)
        theirs.append(export.id)
        _db.session.commit()

    thread, errors = _in_thread(app, ask)
    _wait_for_a_lock_wait()  # their insert waits on my uncommitted row: ON CONFLICT DO NOTHING then
    _db.session.commit()
    thread.join(timeout=30)

    assert errors == [] and theirs == [mine.id]
    assert _db.session.scalar(select(func.count()).select_from(StoredExport)) == 1


@pytest.mark.postgresql_only
def test_two_workers_claiming_at_once_build_once(committed_draft, builds):
    app, revision, author = committed_draft
    export_id = request_internal_pdf(actor=author, now=now(), content=load_content(revision),
                                     organisation=ORGANISATION).id
    _db.session.commit()
    assert claim_next_export(worker="worker-a", now=now()).id == export_id  # locked, not yet committed
    other: list[bool] = []

    def claim_elsewhere() -> None:
        _db.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting on the lock would fail
        other.append(build_next_export(worker="worker-b"))

    thread, errors = _in_thread(app, claim_elsewhere)
    thread.join(timeout=30)
    _db.session.rollback()

    assert errors == [] and other == [False] and builds.calls == 0  # skipped the locked row
    results = []
    threads = [_in_thread(app, lambda name=name: results.append(build_next_export(worker=name)))
               for name in ("worker-c", "worker-d")]
    for thread, _ in threads:
        thread.join(timeout=60)
    assert all(errors == [] for _, errors in threads)
    assert sorted(results) == [False, True] and builds.calls == 1
    _db.session.expire_all()
    assert _db.session.get(StoredExport, export_id).status is ExportStatus.READY
