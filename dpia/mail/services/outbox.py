"""Writing messages into the outbox, and the worker's claims and outcomes on them.

`queue_message` only adds a row to the caller's transaction, so a change that is rolled back sends
nothing, and a committed change is sure to have its message. The worker (dpia/mail/tasks.py) claims
due rows, delivers them, and records what happened; these functions flush and leave committing to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_, select, update

from dpia.core.extensions import db
from dpia.mail.models import MessageStatus, OutboxMessage
from dpia.mail.rules import LEASE, error_summary, gives_up, new_message_id, retry_delay


def _render(template: str, context: dict[str, Any]) -> str:
    # The app's Jinja environment escapes `.html` templates and leaves `.txt` ones as written.
    return current_app.jinja_env.get_template(template).render(context)


def queue_message(*, to: str, subject: str, template: str, context: dict[str, Any], now: datetime) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction; the worker sends it once that commits.

    `template` names `templates/mail/<template>.txt` and `.html`, which see `context` plus
    `organisation_name`, `service_name` and `base_url`. The subject is given plainly ("Reset your
    password"); the organisation's name is added to it here.
    """
    config = current_app.config
    organisation = config["ORGANISATION_NAME"]
    variables = {**context, "organisation_name": organisation, "service_name": config["SERVICE_NAME"],
                 "base_url": config["BASE_URL"].rstrip("/"), "subject": subject}
    message = OutboxMessage(
        message_id=new_message_id(config["MAIL_FROM"]),
        created_at=now,
        to_address=to,
        subject=f"{subject} – {organisation}",
        body_text=_render(f"mail/{template}.txt", variables),
        body_html=_render(f"mail/{template}.html", variables),
        status=MessageStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
    )
    db.session.add(message)
    db.session.flush()
    return message


def _due(now: datetime) -> ColumnElement[bool]:
    """Pending, its time has come, and nobody holds a live lease on it."""
    return and_(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))


def claim_next(*, worker: str, now: datetime) -> OutboxMessage | None:
    """Take a lease on the next due message for `worker`, or return None when nothing is due.

    On PostgreSQL the candidate row is locked with `FOR UPDATE SKIP LOCKED`, so a worker on another
    server passes over a row being claimed instead of queueing behind it. SQLite renders no row lock
    (its writers are serialised by `BEGIN IMMEDIATE`); on both, the update only succeeds while the row
    is still due, so a row can never be leased twice. The caller commits the claim before sending.
    """
    candidate = db.session.scalar(
        select(OutboxMessage.id).where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1).with_for_update(skip_locked=True)
    )
    if candidate is None:
        return None
    claimed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == candidate, _due(now))
        .values(locked_by=worker, locked_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutboxMessage, candidate, populate_existing=True)


def _release(message: OutboxMessage) -> None:
    message.locked_by = None
    message.locked_until = None


def _forget_contents(message: OutboxMessage) -> None:
    """Drop the bodies once nothing will send them: they may hold a live single-use link."""
    message.body_text = ""
    message.body_html = ""


def record_sent(message: OutboxMessage, *, now: datetime) -> None:
    """The server accepted the message: keep who, what subject and when, not the bodies."""
    message.status = MessageStatus.SENT
    message.attempts += 1
    message.sent_at = now
    message.last_error = None
    _release(message)
    _forget_contents(message)
    db.session.flush()


def record_failure(message: OutboxMessage, *, now: datetime, error: str, permanent: bool) -> None:
    """The attempt failed: try again after a growing delay, or give up when the server refused the
    message for good or the attempts are used up."""
    message.attempts += 1
    message.last_error = error_summary(error) or "unknown error"
    _release(message)
    if permanent or gives_up(message.attempts):
        message.status = MessageStatus.FAILED
        _forget_contents(message)
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
    db.session.flush()
