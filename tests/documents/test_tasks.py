"""The worker's export job: one build per claim, no transaction open while rendering, nothing stored
for a document that changed meanwhile, retries with a growing delay, and logs that name only rows."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from dpia.assessments.services.content import load_content
from dpia.core.clock import now
from dpia.core.extensions import db as _db
from dpia.documents.models import ExportStatus, StoredExport
from dpia.documents.rules import FIRST_RETRY_DELAY
from dpia.documents.services.exports import request_internal_pdf
from dpia.documents.tasks import build_next_export
from tests.factories import ORGANISATION


def queue(draft) -> int:  # noqa: ANN001
    export = request_internal_pdf(actor=draft.author, now=now(), content=load_content(draft.revision),
                                  organisation=ORGANISATION)
    _db.session.commit()
    return export.id


def row(db, export_id: int) -> StoredExport | None:  # noqa: ANN001
    db.session.expire_all()
    return db.session.get(StoredExport, export_id)


def test_nothing_due_is_no_work(draft, builds, db):
    assert build_next_export(worker="w1") is False and builds.calls == 0


def test_the_file_is_rendered_with_no_transaction_open(draft, builds, db, monkeypatch):
    export_id = queue(draft)
    open_during_build = []
    real = builds.real
    builds.real = lambda *a, **k: (open_during_build.append(_db.session().in_transaction()), real(*a, **k))[1]

    assert build_next_export(worker="w1") is True
    assert open_during_build == [False]
    stored = row(db, export_id)
    assert stored.status is ExportStatus.READY and stored.data.startswith(b"%PDF")
    assert (stored.locked_by, stored.locked_until, stored.attempts) == (None, None, 1)


def test_a_draft_changed_after_the_request_stores_nothing(draft, builds, db, caplog):
    export_id = queue(draft)
    draft.edit("Read plates, and something new")
    with caplog.at_level(logging.INFO, logger="dpia.documents"):
        assert build_next_export(worker="w1") is True

    assert builds.calls == 0 and row(db, export_id) is None
    assert [r.getMessage() for r in caplog.records if r.name == "dpia.documents"] == [
        f"export {export_id} dropped: the revision changed after it was asked for"]
    assert draft.client.get(draft.url).status_code == 202  # the next request queues the new document
    assert db.session.scalar(select(StoredExport.status)) is ExportStatus.PENDING


def test_a_failed_build_waits_longer_each_time_and_logs_no_content(draft, builds, db, clock, caplog):
    export_id = queue(draft)
    builds.error = RuntimeError("could not draw 'Read plates at the port'")
    with caplog.at_level(logging.INFO, logger="dpia.documents"):
        build_next_export(worker="w1")
        failed = row(db, export_id)
        assert failed.status is ExportStatus.PENDING and failed.attempts == 1
        assert failed.next_attempt_at == now() + FIRST_RETRY_DELAY
        assert failed.error == "The file could not be built (RuntimeError)"
        assert build_next_export(worker="w1") is False  # not due yet
        clock.set(clock() + FIRST_RETRY_DELAY)
        assert build_next_export(worker="w1") is True
        assert row(db, export_id).next_attempt_at == now() + 2 * FIRST_RETRY_DELAY

    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "Read plates" not in logged and f"export {export_id} failed on attempt 2" in logged


def test_a_lease_keeps_a_second_worker_off_until_it_runs_out(draft, builds, db, clock):
    from dpia.documents.services.exports import claim_next_export

    export_id = queue(draft)
    assert claim_next_export(worker="w1", now=now()).id == export_id
    _db.session.commit()
    assert build_next_export(worker="w2") is False
    clock.set(clock() + timedelta(minutes=11))  # the first worker died mid-build
    assert build_next_export(worker="w2") is True and builds.calls == 1
