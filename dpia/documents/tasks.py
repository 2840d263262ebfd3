"""The worker's export job: build one queued export, committing after each step.

`flask dpia worker` (dpia/mail/tasks.py) calls `build_next_export` between its outbox passes. Each
call builds at most one file, so a worker process renders one file (a PDF or a Word file) at a time
and the capacity for builds is the number of worker processes: start more workers to build more at once, never more
than the machine's cores can render beside the web workers.

The claim is committed before the build, so another worker passes the row over; the content is read
and that read transaction ended before rendering starts, so no transaction (and, on SQLite, no lock)
is held while the CPU-heavy part runs. A worker that dies mid-build only delays the row until its
lease runs out.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from dpia.core.clock import now
from dpia.core.extensions import db
from dpia.core.transaction import commit, rollback
from dpia.documents.models import ExportStatus, StoredExport
from dpia.documents.rules import failure_summary
from dpia.documents.services.exports import (
    claim_next_export,
    current_source,
    drop_export,
    record_export_failure,
    render_export,
    store_export,
)

log = logging.getLogger("dpia.documents")


def _built_file(export: StoredExport) -> bytes | Exception | None:
    """The file, the error that stopped it, or None when the revision's document is no longer the one
    this export was asked for. The read transaction ends before rendering starts."""
    try:
        source = current_source(export, organisation=current_app.config["ORGANISATION_NAME"])
        if source is None:
            return None
        commit()  # end the read: nothing is held open while the file is rendered
        return render_export(source)
    except SQLAlchemyError:  # the database, not the document: the lease runs out and it is tried again
        raise
    except Exception as error:  # noqa: BLE001 - any failure to build is recorded, not fatal to the worker
        return error


def build_next_export(*, worker: str) -> bool:
    """Claim the next due export and build it; False when none is due."""
    try:
        export = claim_next_export(worker=worker, now=now())
        if export is None:
            commit()
            return False
        export_id = export.id
        commit()  # the claim: other workers now pass this row over
        outcome = _built_file(export)
        export = db.session.get(StoredExport, export_id)
        if export is None:  # its revision was deleted meanwhile
            commit()
        elif outcome is None:
            drop_export(export)
            commit()
            log.info("export %s dropped: the revision changed after it was asked for", export_id)
        else:
            _record(export, outcome)
        return True
    except BaseException:
        rollback()
        raise


def _record(export: StoredExport, outcome: bytes | Exception) -> None:
    """Commit the file or the failure, then log one line naming only the export row."""
    if isinstance(outcome, bytes):
        store_export(export, outcome, now=now())
    else:
        record_export_failure(export, now=now(), error=failure_summary(outcome))
    row_id, attempts, status, size = export.id, export.attempts, export.status, export.size
    commit()
    if status is ExportStatus.READY:
        log.info("export %s built on attempt %s (%s bytes)", row_id, attempts, size)
    elif status is ExportStatus.FAILED:
        log.warning("export %s failed on attempt %s; giving up", row_id, attempts)
    else:
        log.warning("export %s failed on attempt %s; will try again", row_id, attempts)
