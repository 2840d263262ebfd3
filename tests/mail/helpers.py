"""Queueing a message and running one pass of the worker, as a test's separate steps."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from dpia.core.clock import now
from dpia.core.extensions import db
from dpia.core.transaction import commit
from dpia.mail.models import OutboxMessage
from dpia.mail.services import queue_message
from dpia.mail.services.delivery import transport_for
from dpia.mail.tasks import deliver_due

RECIPIENT = "pat.jones@northshire.example"


def queue_committed(*, to: str = RECIPIENT, name: str = "Pat Jones") -> int:
    """Queue the test message and commit, as a request that succeeded would; return the row id."""
    row_id = queue_message(to=to, subject="Check your e-mail works", template="test_message",
                           context={"name": name}, now=now()).id
    commit()  # reading `message.id` after this would begin a transaction, holding SQLite's write lock
    return row_id


def deliver(worker: str = "worker-1") -> int:
    """One pass of the worker with the app's configured transport; how many messages it attempted."""
    return deliver_due(worker=worker, transport=transport_for(current_app.config))


def outbox_row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get_one(OutboxMessage, message_id)


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
