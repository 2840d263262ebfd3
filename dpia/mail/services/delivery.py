"""Handing a message over: to an SMTP server (`MAIL_URL`), or to a local inbox of `.eml` files.

A transport raises `DeliveryError` with a summary that is safe to store: no body, no link, no
address, no password. Bodies and addresses are never logged.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any, Protocol

from dpia.mail.models import OutboxMessage
from dpia.mail.rules import SmtpSettings, parse_mail_url, sender_address


class MailNotConfigured(RuntimeError):
    """The worker cannot deliver with these settings; the message says what to set."""


class DeliveryError(Exception):
    """An attempt failed. `permanent` when the server refused the message for good (a 5xx reply)."""

    def __init__(self, summary: str, *, permanent: bool = False) -> None:
        super().__init__(summary)
        self.permanent = permanent


class Transport(Protocol):
    def send(self, email: EmailMessage) -> None: ...

    def close(self) -> None: ...


def build_email(message: OutboxMessage, *, config: dict[str, Any]) -> EmailMessage:
    """The message as sent: plain text with an HTML alternative, from the organisation.

    A message whose headers cannot be written (a line break in the address) can never be sent, so
    that is a permanent failure rather than an error the worker would meet on every pass.
    """
    display_name, address = parseaddr(config["MAIL_FROM"])
    email = EmailMessage()
    try:
        email["From"] = formataddr((display_name or config["ORGANISATION_NAME"], address or config["MAIL_FROM"]))
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email["Date"] = format_datetime(message.created_at)
        email["Message-ID"] = message.message_id
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies should not answer it
        email.set_content(message.body_text)
        email.add_alternative(message.body_html, subtype="html")
    except ValueError as error:
        raise DeliveryError(f"the message cannot be written: {error}", permanent=True) from None
    return email


def _describe(error: Exception) -> DeliveryError:
    """Turn what smtplib raised into a storable summary, deciding whether a retry can help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return DeliveryError(f"recipient refused ({', '.join(map(str, codes))})",
                             permanent=all(code >= 500 for code in codes))
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return DeliveryError(f"authentication failed ({error.smtp_code}): check MAIL_URL's user and password")
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        return DeliveryError(f"{error.smtp_code} {text}", permanent=error.smtp_code >= 500)
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return DeliveryError(f"TLS failed: {error.__class__.__name__} {getattr(error, 'reason', '') or ''}".strip())
    return DeliveryError(f"{error.__class__.__name__}: {error}")


@dataclass
class SmtpTransport:
    """One connection reused for the messages of a pass, opened when first needed and again after a failure."""

    settings: SmtpSettings
    sender: str
    timeout: float
    ca_file: str | None = None
    _connection: smtplib.SMTP | None = None

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file or None)

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.implicit_tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=self.timeout,
                                                        context=self._tls_context())
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
        try:
            if settings.starttls:
                connection.starttls(context=self._tls_context())  # refuses when the server offers no STARTTLS
            if settings.username:
                connection.login(settings.username, settings.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, email: EmailMessage) -> None:
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(email, from_addr=self.sender, to_addrs=[email["To"]])
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise _describe(error) from None

    def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()


@dataclass
class InboxTransport:
    """For development: each message becomes an `.eml` file a mail program or text editor can open."""

    directory: Path

    def send(self, email: EmailMessage) -> None:
        # Unencoded text (not quoted-printable), so a link can be copied from the file as it stands.
        for part in email.iter_parts():
            part.set_content(part.get_content(), subtype=part.get_content_subtype(), cte="8bit")
            del part["MIME-Version"]
        name = email["Message-ID"].strip("<>").partition("@")[0]
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Written under a temporary name and renamed, so a reader never sees half a message.
            fd, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
            with os.fdopen(fd, "wb") as handle:
                handle.write(email.as_bytes())
            os.replace(temporary, self.directory / f"{name}.eml")
        except OSError as error:
            raise DeliveryError(f"the local inbox cannot be written: {error.strerror}") from None

    def close(self) -> None:
        pass


def inbox_directory(config: dict[str, Any]) -> Path:
    return Path(config["MAIL_INBOX_DIR"])


def transport_for(config: dict[str, Any]) -> Transport:
    """SMTP when `MAIL_URL` is set; otherwise the local inbox, which production refuses."""
    if config.get("MAIL_URL"):
        return SmtpTransport(settings=parse_mail_url(config["MAIL_URL"]),
                             sender=sender_address(config["MAIL_FROM"]),
                             timeout=float(config["MAIL_TIMEOUT"]), ca_file=config.get("MAIL_CA_FILE") or None)
    if config.get("ENV_NAME") == "production":
        raise MailNotConfigured("MAIL_URL is not set. In production e-mail must go to an SMTP server: "
                                "set MAIL_URL, e.g. smtp://user:password@mail.example.org:587 (STARTTLS) "
                                "or smtps://user:password@mail.example.org:465, and MAIL_FROM.")
    return InboxTransport(inbox_directory(config))
