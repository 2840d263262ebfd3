"""The worker delivering through a real SMTP server on loopback: headers, TLS and passwords,
retries after an outage, leases, and several workers delivering each message once."""

from __future__ import annotations

import email
import email.policy
import logging
import threading
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import text

from dpia.core.clock import now
from dpia.core.extensions import db
from dpia.core.transaction import commit, rollback
from dpia.mail.models import MessageStatus
from dpia.mail.rules import LEASE, MAX_ATTEMPTS
from dpia.mail.services.delivery import MailNotConfigured, transport_for
from dpia.mail.services.outbox import claim_next
from dpia.mail.tasks import deliver_due
from tests.mail.conftest import SMTP_PASSWORD, SMTP_USER, WRONG_SMTP_PASSWORD
from tests.mail.helpers import RECIPIENT, deliver, outbox, outbox_row, queue_committed

LOGIN = f"{quote(SMTP_USER, safe='')}:{quote(SMTP_PASSWORD, safe='')}"  # as it must be written in MAIL_URL


class TestMessage:
    def test_headers_name_the_organisation_and_carry_the_message_id(self, mail_app, smtp_server):
        row_id = queue_committed()
        stored_id = outbox_row(row_id).message_id
        deliver()

        [received] = smtp_server.handler.messages()
        assert received["Message-ID"] == stored_id
        assert received["From"].addresses[0].display_name == "Northshire Police"
        assert received["From"].addresses[0].addr_spec == "dpia@northshire.example"
        assert received["To"] == RECIPIENT
        assert received["Subject"] == "Check your e-mail works – Northshire Police"
        assert received["Date"].datetime == now()
        assert smtp_server.handler.received[0].mail_from == "dpia@northshire.example"

    def test_plain_text_with_an_html_alternative(self, mail_app, smtp_server):
        queue_committed(name="O'Brien & <Sons>")
        deliver()

        [received] = smtp_server.handler.messages()
        assert received.get_content_type() == "multipart/alternative"
        plain, html = received.get_body(("plain",)), received.get_body(("html",))
        assert "Hello O'Brien & <Sons>," in plain.get_content()
        assert "O&#39;Brien &amp; &lt;Sons&gt;" in html.get_content()
        assert "Northshire Police" in plain.get_content() and "Northshire Police" in html.get_content()

    def test_a_sent_message_keeps_no_bodies(self, mail_app, smtp_server):
        row_id = queue_committed()
        deliver()

        row = outbox_row(row_id)
        assert row.status is MessageStatus.SENT and row.sent_at == now() and row.attempts == 1
        assert (row.body_text, row.body_html) == ("", "")
        assert (row.locked_by, row.locked_until) == (None, None)
        assert row.to_address == RECIPIENT and row.subject.startswith("Check your e-mail works")

    def test_the_log_names_the_row_not_the_person(self, mail_app, smtp_server, caplog):
        row_id = queue_committed()
        with caplog.at_level(logging.INFO, logger="dpia.mail"):
            deliver()

        ours = [record.getMessage() for record in caplog.records if record.name.startswith("dpia")]
        assert ours == [f"outbox message {row_id} sent on attempt 1"]


class TestTls:
    def test_starttls_then_password(self, mail_app, starttls_server, certificate, monkeypatch):
        monkeypatch.setitem(mail_app.config, "MAIL_URL", f"smtp://{LOGIN}@127.0.0.1:{starttls_server.port}")
        monkeypatch.setitem(mail_app.config, "MAIL_CA_FILE", str(certificate.cert_file))
        row_id = queue_committed()
        deliver()

        assert len(starttls_server.handler.received) == 1
        assert outbox_row(row_id).status is MessageStatus.SENT

    @pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # see `smtps_server`
    def test_smtps_with_a_password(self, mail_app, smtps_server, certificate, monkeypatch):
        monkeypatch.setitem(mail_app.config, "MAIL_URL", f"smtps://{LOGIN}@127.0.0.1:{smtps_server.port}")
        monkeypatch.setitem(mail_app.config, "MAIL_CA_FILE", str(certificate.cert_file))
        queue_committed()
        deliver()

        assert len(smtps_server.handler.received) == 1

    def test_an_untrusted_certificate_is_refused(self, mail_app, starttls_server, monkeypatch):
        monkeypatch.setitem(mail_app.config, "MAIL_URL", f"smtp://{LOGIN}@127.0.0.1:{starttls_server.port}")
        row_id = queue_committed()
        deliver()

        row = outbox_row(row_id)
        assert starttls_server.handler.received == []
        assert row.status is MessageStatus.PENDING and row.attempts == 1
        assert "certificate" in row.last_error.lower()

    def test_a_wrong_password_is_a_failed_attempt_that_does_not_store_it(self, mail_app, starttls_server,
                                                                        certificate, monkeypatch):
        url = f"smtp://{quote(SMTP_USER, safe='')}:{WRONG_SMTP_PASSWORD}@127.0.0.1:{starttls_server.port}"
        monkeypatch.setitem(mail_app.config, "MAIL_URL", url)
        monkeypatch.setitem(mail_app.config, "MAIL_CA_FILE", str(certificate.cert_file))
        row_id = queue_committed()
        deliver()

        row = outbox_row(row_id)
        assert starttls_server.handler.received == []
        assert row.attempts == 1 and row.last_error.startswith("authentication failed (535)")
        assert WRONG_SMTP_PASSWORD not in row.last_error

    def test_starttls_is_required_unless_turned_off(self, mail_app, smtp_server, monkeypatch):
        """The plain relay offers no STARTTLS: with the default URL the worker will not send in clear."""
        monkeypatch.setitem(mail_app.config, "MAIL_URL", f"smtp://127.0.0.1:{smtp_server.port}")
        row_id = queue_committed()
        deliver()

        assert smtp_server.handler.received == []
        assert "STARTTLS" in outbox_row(row_id).last_error


class TestRetries:
    @pytest.mark.parametrize("outage", ["try later", "server down"])
    def test_an_outage_then_recovery_delivers_exactly_once(self, mail_app, smtp_server, mail_clock, outage):
        start = mail_clock.now
        row_id = queue_committed()
        if outage == "try later":
            smtp_server.handler.data_reply = "451 4.3.0 Try again later"
        else:
            smtp_server.stop()

        assert deliver() == 1
        row = outbox_row(row_id)
        assert (row.status, row.attempts) == (MessageStatus.PENDING, 1)
        assert row.next_attempt_at == start + timedelta(minutes=1)
        assert row.last_error.startswith("451 4.3.0" if outage == "try later" else "ConnectionRefusedError")

        mail_clock.set(start + timedelta(seconds=59))
        assert deliver() == 0  # not due yet

        mail_clock.set(start + timedelta(minutes=1))
        assert deliver() == 1
        row = outbox_row(row_id)
        assert row.attempts == 2 and row.next_attempt_at == start + timedelta(minutes=3)  # then 2 minutes

        if outage == "try later":
            smtp_server.handler.data_reply = None
        else:
            smtp_server.start()
        mail_clock.set(start + timedelta(minutes=3))
        assert deliver() == 1
        mail_clock.set(start + timedelta(hours=2))
        assert deliver() == 0

        row = outbox_row(row_id)
        assert (row.status, row.attempts, row.last_error) == (MessageStatus.SENT, 3, None)
        assert len(smtp_server.handler.received) == 1

    def test_gives_up_after_the_last_attempt(self, mail_app, smtp_server, mail_clock):
        smtp_server.stop()
        row_id = queue_committed()
        for _ in range(MAX_ATTEMPTS):
            assert deliver() == 1
            mail_clock.set(mail_clock.now + timedelta(hours=1))

        assert deliver() == 0
        row = outbox_row(row_id)
        assert (row.status, row.attempts) == (MessageStatus.FAILED, MAX_ATTEMPTS)
        assert (row.body_text, row.body_html) == ("", "")

    def test_a_refused_recipient_fails_at_once_without_storing_the_address(self, mail_app, smtp_server):
        smtp_server.handler.recipient_reply = f"550 5.1.1 <{RECIPIENT}>: no such user"
        row_id = queue_committed()
        deliver()

        row = outbox_row(row_id)
        assert (row.status, row.attempts) == (MessageStatus.FAILED, 1)
        assert row.last_error == "recipient refused (550)"

    def test_a_message_whose_headers_cannot_be_written_fails_instead_of_blocking(self, mail_app, smtp_server):
        bad = queue_committed(to="pat@northshire.example\r\nBcc: someone@elsewhere.example")
        good = queue_committed()
        assert deliver() == 2

        assert outbox_row(bad).status is MessageStatus.FAILED
        assert "elsewhere" not in outbox_row(bad).last_error
        assert outbox_row(good).status is MessageStatus.SENT
        assert [e.rcpt_tos for e in smtp_server.handler.received] == [[RECIPIENT]]


class TestClaims:
    def test_a_lease_keeps_other_workers_off_until_it_runs_out(self, mail_app, smtp_server, mail_clock):
        """A worker that claimed a message and died: the message waits for its lease, then is sent."""
        row_id = queue_committed()
        assert claim_next(worker="dead-worker", now=now()).id == row_id
        commit()

        mail_clock.set(mail_clock.now + LEASE - timedelta(seconds=1))
        assert deliver("worker-2") == 0
        mail_clock.set(mail_clock.now + timedelta(seconds=2))
        assert deliver("worker-2") == 1
        assert len(smtp_server.handler.received) == 1

    def test_two_workers_racing_deliver_each_message_once(self, mail_app, smtp_server):
        count = 30
        message_ids = {outbox_row(queue_committed(to=f"person{n}@northshire.example")).message_id
                       for n in range(count)}
        commit()  # end this test's own read, which on SQLite holds the write lock
        start = threading.Barrier(2)
        attempted: dict[str, int] = {}
        errors: list[BaseException] = []

        def work(name: str) -> None:
            with mail_app.app_context():
                start.wait()
                try:
                    attempted[name] = deliver(name)
                except BaseException as error:  # reported below; a thread's exception is otherwise lost
                    errors.append(error)

        threads = [threading.Thread(target=work, args=(name,)) for name in ("worker-a", "worker-b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert errors == []
        received = [m["Message-ID"] for m in smtp_server.handler.messages()]
        assert sorted(received) == sorted(message_ids)  # every message, none twice
        assert sum(attempted.values()) == count
        assert all(row.status is MessageStatus.SENT and row.attempts == 1 for row in outbox())

    def test_a_second_worker_never_takes_the_row_being_claimed(self, mail_app, backend):
        """While one worker's claim is uncommitted, another gets the next row. On PostgreSQL it skips the
        locked row at once (SKIP LOCKED); SQLite has no row locks, so the other worker queues on BEGIN
        IMMEDIATE until the claim commits, then finds that row leased and takes the next."""
        first, second = queue_committed(), queue_committed()
        assert claim_next(worker="worker-a", now=now()).id == first  # locked, not yet committed

        other: list[int | None] = []

        def claim_elsewhere() -> None:
            with mail_app.app_context():
                if backend == "postgresql":
                    db.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting on the lock would fail
                claimed = claim_next(worker="worker-b", now=now())
                other.append(claimed.id if claimed else None)
                commit()

        thread = threading.Thread(target=claim_elsewhere)
        thread.start()
        if backend == "postgresql":
            thread.join(timeout=30)
            rollback()
        else:
            commit()
            thread.join(timeout=30)

        assert other == [second]


class TestLocalInbox:
    def test_without_mail_url_messages_become_readable_eml_files(self, mail_app, tmp_path):
        row_id = queue_committed()
        stored_id = outbox_row(row_id).message_id
        assert deliver() == 1

        [path] = (tmp_path / "inbox").glob("*.eml")
        raw = path.read_bytes()
        assert b"Hello Pat Jones," in raw  # readable as it stands, not quoted-printable
        received = email.message_from_bytes(raw, policy=email.policy.default)
        assert received["Message-ID"] == stored_id
        assert "Hello Pat Jones," in received.get_body(("plain",)).get_content()
        assert "Hello Pat Jones," in received.get_body(("html",)).get_content()
        assert outbox_row(row_id).status is MessageStatus.SENT

    def test_an_inbox_that_cannot_be_written_is_a_failed_attempt(self, mail_app, tmp_path, monkeypatch):
        (tmp_path / "not-a-directory").write_text("")
        monkeypatch.setitem(mail_app.config, "MAIL_INBOX_DIR", str(tmp_path / "not-a-directory" / "inbox"))
        row_id = queue_committed()
        assert deliver() == 1

        row = outbox_row(row_id)
        assert (row.status, row.attempts) == (MessageStatus.PENDING, 1)
        assert row.last_error.startswith("the local inbox cannot be written")

    def test_production_without_mail_url_is_refused(self, mail_app, monkeypatch):
        monkeypatch.setitem(mail_app.config, "ENV_NAME", "production")
        with pytest.raises(MailNotConfigured, match="set MAIL_URL"):
            transport_for(mail_app.config)


def test_deliver_due_closes_the_connection_after_a_pass(mail_app, smtp_server, monkeypatch):
    """The worker does not keep an idle connection open to the server between polls."""
    transport = transport_for(mail_app.config)
    closes: list[bool] = []
    close = transport.close

    def counted_close() -> None:
        closes.append(True)
        close()

    monkeypatch.setattr(transport, "close", counted_close)
    queue_committed()
    deliver_due(worker="worker-1", transport=transport)

    assert closes == [True]


def test_a_stopped_worker_leaves_the_rest_for_the_next_pass(mail_app, smtp_server):
    """SIGTERM sets `stop`: the worker finishes the message in hand and claims no more."""
    queue_committed()
    stop = threading.Event()
    stop.set()

    assert deliver_due(worker="worker-1", transport=transport_for(mail_app.config), stop=stop) == 0
    assert smtp_server.handler.received == []
    assert deliver() == 1
