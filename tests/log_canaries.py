"""No secrets in logs (security.md L2): the secrets the suite has seen, a capture of every log record
the suite writes, and the check that none of those records holds any of those secrets.

tests/conftest.py puts a `LogCapture` on the root logger for the whole run, remembers every session
cookie, session token and CSRF token the app hands out, and fails the run at the end if a record
holds one. Tests that see other secrets (a TOTP code, a recovery code, a single-use link's token)
call `remember(secret)`. Any text starting "CANARY-", as the withheld-content tests write into
exempt sections, names and addresses, counts as a secret too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from flask import Flask
from werkzeug.wrappers import Response

# Shorter values (a 6-digit code is the shortest secret) would match innocent numbers by chance.
MIN_SECRET_LENGTH = 6
FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*\svalue="([^"]+)"')
_PREFIX = 16
CANARY = re.compile(r"canary-", re.IGNORECASE)

_secrets: set[str] = set()

# Attributes every LogRecord has; anything else on a record came from `extra=` and is checked too,
# since a structured formatter would write it out.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def remember(secret: str | None) -> None:
    """Note a secret that must never appear in a log record."""
    if secret and len(secret) >= MIN_SECRET_LENGTH:
        _secrets.add(secret)


def remembered() -> frozenset[str]:
    return frozenset(_secrets)


def remember_response_secrets(sender: Flask, response: Response, **extra: object) -> None:
    """Remember the secrets a response hands out (connected to Flask's `request_finished`): cookie
    values, the session token and CSRF secret inside the session cookie, the forms' CSRF tokens."""
    for header in response.headers.getlist("Set-Cookie"):
        name, _, value = header.split(";", 1)[0].partition("=")
        remember(value)
        serializer = sender.session_interface.get_signing_serializer(sender)  # type: ignore[attr-defined]
        if name == sender.config["SESSION_COOKIE_NAME"] and value and serializer:
            contents = serializer.loads(value)
            for key in ("sid", "csrf_token"):
                remember(contents.get(key))
    if response.mimetype == "text/html" and not response.is_streamed:
        for token in FORM_TOKEN.findall(response.get_data(as_text=True)):
            remember(token)


class LogCapture(logging.Handler):
    """Keeps the full text of every record: the formatted message, the traceback and any extras."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is still checked
            text = f"{record.msg!r} {record.args!r}"
        extras = [str(value) for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES]
        self.texts.append(" ".join([text, *extras]))


def leaks(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """Each captured text that holds a secret or a canary, with what it holds first.

    The run remembers thousands of tokens, so long secrets are looked up by their first
    `_PREFIX` characters at every position of a text (one dictionary lookup a character) rather
    than each searched for in turn.
    """
    by_prefix: dict[str, list[str]] = {}
    short: list[str] = []
    for secret in set(secrets):
        if len(secret) >= _PREFIX:
            by_prefix.setdefault(secret[:_PREFIX], []).append(secret)
        else:
            short.append(secret)
    found: list[str] = []
    for text in texts:
        held = [secret for secret in short if secret in text]
        for start in range(len(text) - _PREFIX + 1):
            candidates = by_prefix.get(text[start:start + _PREFIX])
            if candidates:
                held += [secret for secret in candidates if text.startswith(secret, start)]
        if CANARY.search(text):
            held.append("a CANARY- string")
        if held:
            found.append(f"{', '.join(repr(secret[:12] + '...') for secret in held)} in: {text[:300]}")
    return found
