"""Fixtures for the outbox and its worker: an app whose database really commits, and a real SMTP
server on loopback (aiosmtpd) that records what it accepts.

The worker commits its own transactions, so these tests cannot use the rolled-back `db` fixture:
`mail_app` has a database of its own per backend, emptied after each test.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import logging
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask
from sqlalchemy import delete

from dpia.core.clock import set_clock
from dpia.core.extensions import db
from dpia.mail.models import OutboxMessage
from tests import log_canaries
from tests.factories import CLOCK, SettableClock, own_database_app
from tests.mail.helpers import RECIPIENT

SMTP_USER = "dpia@northshire.example"
SMTP_PASSWORD = "p@ss:word/with%signs"  # noqa: S105 - the test server's, needs URL-encoding
WRONG_SMTP_PASSWORD = "not-the-password"  # noqa: S105
# The worker logs only outbox row ids: the suite fails if a password or a recipient reaches a log.
for _secret in (SMTP_PASSWORD, WRONG_SMTP_PASSWORD, RECIPIENT):
    log_canaries.remember(_secret)


@pytest.fixture(scope="session")
def mail_database_app(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with own_database_app(backend, tmp_path_factory.mktemp(f"mail-{backend}"),
                          MAIL_FROM="dpia@northshire.example") as app:
        yield app


@pytest.fixture()
def mail_clock(mail_database_app: Flask) -> Iterator[SettableClock]:
    settable = SettableClock(CLOCK)
    set_clock(mail_database_app, settable)
    yield settable
    set_clock(mail_database_app, None)


@pytest.fixture()
def mail_app(mail_database_app: Flask, mail_clock: SettableClock, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app with an app context open for the test body, the local inbox in `tmp_path`, and the
    outbox emptied afterwards. Threads standing in for other workers push app contexts of their own."""
    monkeypatch.setitem(mail_database_app.config, "MAIL_INBOX_DIR", str(tmp_path / "inbox"))
    with mail_database_app.app_context():
        yield mail_database_app
        db.session.rollback()
        db.session.execute(delete(OutboxMessage))
        db.session.commit()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RecordingHandler:
    """Accepts mail and keeps it, or answers as a server in trouble would."""

    received: list[Envelope] = field(default_factory=list)
    data_reply: str | None = None  # e.g. "451 4.3.0 Try again later": refuse after DATA
    recipient_reply: str | None = None  # e.g. "550 5.1.1 No such user": refuse the recipient

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if self.recipient_reply:
            return self.recipient_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        if self.data_reply:
            return self.data_reply
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.original_content or e.content, policy=email.policy.default)
                for e in self.received]


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int
    controller: Controller
    options: dict

    def stop(self) -> None:
        self.controller.stop()

    def start(self) -> None:
        """Start again on the same port (after `stop`, to end an outage)."""
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, which the worker trusts through MAIL_CA_FILE."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dpia test SMTP server")])
    issued = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(issued).not_valid_after(issued + dt.timedelta(days=365 * 30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return Certificate(cert_file, key_file)


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == SMTP_USER
          and auth_data.password.decode() == SMTP_PASSWORD)
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


@pytest.fixture(autouse=True)
def quiet_test_server() -> Iterator[None]:
    """aiosmtpd logs every command it receives, addresses and AUTH lines included: keep that out of
    the captured logs, which the suite searches for leaked secrets."""
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    yield
    server_log.setLevel(level)


@contextmanager
def serving(**options: object) -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    server = SmtpServer(handler, port, controller, options)
    try:
        yield server
    finally:
        with suppress(AssertionError):  # the test stopped it already
            server.controller.stop()


@pytest.fixture()
def smtp_server(mail_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A plain relay on loopback (no TLS, no password), and MAIL_URL pointing at it."""
    with serving() as server:
        monkeypatch.setitem(mail_app.config, "MAIL_URL", f"smtp://127.0.0.1:{server.port}?starttls=false")
        yield server


@pytest.fixture()
def starttls_server(mail_app: Flask, certificate: Certificate) -> Iterator[SmtpServer]:
    """A server that demands STARTTLS before a password, and a password before mail."""
    with serving(tls_context=certificate.server_context(), require_starttls=True, auth_required=True,
                 authenticator=_authenticate) as server:
        yield server


@pytest.fixture()
def smtps_server(mail_app: Flask, certificate: Certificate) -> Iterator[SmtpServer]:
    """A server speaking TLS from the first byte (port 465 style), with a password.

    aiosmtpd only counts STARTTLS as TLS, so it is told the password may be asked without it."""
    with serving(ssl_context=certificate.server_context(), auth_required=True, auth_require_tls=False,
                 authenticator=_authenticate) as server:
        yield server
