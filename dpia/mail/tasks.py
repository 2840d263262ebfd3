"""The worker (`flask dpia worker`): delivers the outbox and runs the other areas' jobs (building
stored exports), committing after each step so another worker sees its claims. Its command is defined
here, beside the loop, because the layers contract keeps commands (cli) and tasks apart.

Other areas add jobs in their `init_app` under `app.extensions[WORKER_JOBS]`: a name and a function
`job(worker=...) -> bool` that does at most one piece of work and says whether it found any. The loop
delivers what is due, gives each job one turn, and goes round again at once while jobs find work, so
one long job never holds the outbox back by more than one piece of work.

Each message is claimed (a lease, committed) before the server is contacted, and its outcome is
committed straight after, so a message is handed over once however many workers run, and a worker
that dies mid-send only delays the message until its lease runs out.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import FrameType

import click
from flask import current_app
from sqlalchemy.exc import OperationalError

from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now
from dpia.core.transaction import commit, rollback
from dpia.mail.models import MessageStatus, OutboxMessage
from dpia.mail.rules import MailUrlError
from dpia.mail.services.delivery import (
    DeliveryError,
    InboxTransport,
    MailNotConfigured,
    Transport,
    build_email,
    transport_for,
)
from dpia.mail.services.outbox import claim_next, record_failure, record_sent

log = logging.getLogger("dpia.mail")

WORKER_JOBS = "dpia.worker_jobs"


def worker_name() -> str:
    """Who holds a lease: host, process and a random part, so two workers never share a name."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _hand_over(message: OutboxMessage, *, transport: Transport) -> DeliveryError | None:
    """Build the message, commit its claim, then send it: no transaction stays open while the server
    is talking (on SQLite that would hold the write lock). Returns the failure, if any."""
    try:
        outgoing = build_email(message, config=current_app.config)
    except DeliveryError as error:
        commit()
        return error
    commit()
    try:
        transport.send(outgoing)
    except DeliveryError as error:
        return error
    return None


def _record(message: OutboxMessage, failure: DeliveryError | None) -> None:
    """Commit the outcome, then log one line naming only the outbox row."""
    if failure is None:
        record_sent(message, now=now())
    else:
        record_failure(message, now=now(), error=str(failure), permanent=failure.permanent)
    row_id, attempts, status, next_attempt_at = message.id, message.attempts, message.status, message.next_attempt_at
    commit()
    if status is MessageStatus.SENT:
        log.info("outbox message %s sent on attempt %s", row_id, attempts)
    elif status is MessageStatus.FAILED:
        log.warning("outbox message %s failed on attempt %s; giving up", row_id, attempts)
    else:
        log.warning("outbox message %s failed on attempt %s; next attempt at %s",
                    row_id, attempts, next_attempt_at.isoformat())


def deliver_due(*, worker: str, transport: Transport, stop: threading.Event | None = None) -> int:
    """Attempt every message that is due now, or until `stop` is set; return how many were attempted."""
    attempted = 0
    try:
        while stop is None or not stop.is_set():
            message = claim_next(worker=worker, now=now())
            if message is None:
                break
            attempted += 1
            _record(message, _hand_over(message, transport=transport))
        commit()
        return attempted
    except BaseException:
        rollback()
        raise
    finally:
        transport.close()


def jobs() -> Mapping[str, Callable[..., bool]]:
    """The jobs other areas registered, by name."""
    return current_app.extensions.get(WORKER_JOBS, {})


def take_turns(*, worker: str, stop: threading.Event | None = None) -> bool:
    """Give each job one turn (until `stop` is set); whether any of them did something."""
    busy = False
    for job in jobs().values():
        if stop is not None and stop.is_set():
            break
        busy = job(worker=worker) or busy
    return busy


def run_jobs_until_idle(*, worker: str) -> dict[str, int]:
    """Run each job until it finds nothing to do; how many pieces of work each did (for `--once`)."""
    done = {}
    for name, job in jobs().items():
        done[name] = 0
        while job(worker=worker):
            done[name] += 1
    return done


@contextmanager
def _stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT end the loop after the current message, instead of killing it mid-send."""

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("worker stopping on %s", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is not threading.main_thread():  # only the main thread receives signals
        yield
        return
    previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run(*, transport: Transport, interval: float, stop: threading.Event | None = None) -> None:
    """Deliver what is due and give each job a turn, every `interval` seconds (at once while jobs find
    work), until stopped by a signal or `stop` being set.

    The SMTP connection is closed after each pass and opened again when a message is due."""
    stop = stop or threading.Event()
    worker = worker_name()
    log.info("worker %s polling every %s s", worker, interval)
    with _stopped_by_signals(stop):
        while not stop.is_set():
            busy = False
            try:
                deliver_due(worker=worker, transport=transport, stop=stop)
                busy = take_turns(worker=worker, stop=stop)
            except OperationalError:
                log.error("worker %s could not use the database (unavailable or busy); trying again in %s s",
                          worker, interval)
            if not busy:
                stop.wait(interval)
    log.info("worker %s stopped", worker)


def _log_to_standard_error() -> None:
    """One line per delivery where the operator runs the worker, unless logging is configured already."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)


@dpia_cli.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due and run every job that is due now, then exit.")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between polls of the outbox and the jobs.")
def worker_command(once: bool, interval: float) -> None:
    """Deliver the e-mail outbox over SMTP (MAIL_URL), or to the local inbox outside production, and
    build the queued exports (one at a time per worker process).

    Stops cleanly on SIGTERM or Ctrl+C. Several workers, on several servers, may run at once.
    """
    _log_to_standard_error()
    try:
        transport = transport_for(current_app.config)
    except (MailNotConfigured, MailUrlError) as error:
        fail(str(error))
    if isinstance(transport, InboxTransport):
        click.echo(f"No MAIL_URL: e-mail goes to the local inbox {transport.directory}")
    if once:
        worker = worker_name()
        attempted = deliver_due(worker=worker, transport=transport)
        click.echo(f"Attempted {attempted} message{'' if attempted == 1 else 's'}")
        for name, done in run_jobs_until_idle(worker=worker).items():
            click.echo(f"{name.capitalize()}: {done}")
    else:
        run(transport=transport, interval=interval)
