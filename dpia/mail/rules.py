"""Pure mail rules: reading MAIL_URL, the retry schedule, and what may be kept of an SMTP error."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

# Retries: 1 minute after the first failure, doubling up to an hour; the tenth failure gives up.
FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=1)
MAX_ATTEMPTS = 10
# A worker's claim on a message; if it dies mid-send another worker may retry after this.
LEASE = timedelta(minutes=5)
ERROR_LENGTH = 500

SMTP_PORT = 587
SMTPS_PORT = 465


class MailUrlError(ValueError):
    """MAIL_URL cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool  # smtps://: TLS from the first byte
    starttls: bool  # smtp://: upgrade with STARTTLS before anything else is sent
    username: str | None
    password: str | None = None

    def __repr__(self) -> str:  # never show the password in a traceback or a log line
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, implicit_tls={self.implicit_tls}, "
                f"starttls={self.starttls}, username={self.username!r})")


def parse_mail_url(url: str) -> SmtpSettings:
    """Read `smtp://user:pass@host:587` (STARTTLS unless `?starttls=false`) or `smtps://user:pass@host:465`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtps"}:
        raise MailUrlError("MAIL_URL must start with smtp:// (STARTTLS) or smtps:// (TLS)")
    if not parts.hostname:
        raise MailUrlError("MAIL_URL needs a host name, as in smtp://mail.example.org:587")
    try:
        port = parts.port
    except ValueError as error:
        raise MailUrlError("MAIL_URL has a port that is not a number between 1 and 65535") from error
    query = {key.lower(): values[-1].strip().lower() for key, values in parse_qs(parts.query).items()}
    starttls_value = query.get("starttls", "true")
    if starttls_value not in {"true", "false"}:
        raise MailUrlError("MAIL_URL's starttls option must be true or false")
    implicit_tls = scheme == "smtps"
    starttls = not implicit_tls and starttls_value == "true"
    username = unquote(parts.username) if parts.username else None
    if username and not (implicit_tls or starttls):
        raise MailUrlError("MAIL_URL turns STARTTLS off but gives a user name: the password would cross the "
                           "network unencrypted. Use STARTTLS or smtps://, or a local relay without a password")
    return SmtpSettings(
        host=parts.hostname,
        port=port or (SMTPS_PORT if implicit_tls else SMTP_PORT),
        implicit_tls=implicit_tls,
        starttls=starttls,
        username=username,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def sender_address(mail_from: str) -> str:
    """The bare address in MAIL_FROM, which may carry a display name."""
    return parseaddr(mail_from)[1] or mail_from


def new_message_id(mail_from: str) -> str:
    """A Message-ID unique to one outbox row, on the sender's domain."""
    domain = sender_address(mail_from).rpartition("@")[2] or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1 minute, 2, 4, ... at most 1 hour)."""
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), LONGEST_RETRY_DELAY)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def error_summary(text: str) -> str:
    """What is kept of a failure: its first line, addresses masked (servers echo the recipient back),
    cut to fit the column."""
    lines = text.strip().splitlines()
    return _ADDRESS.sub("<address>", lines[0] if lines else "")[:ERROR_LENGTH]
