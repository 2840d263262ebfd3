"""Helpers for requests and responses in tests: CSRF tokens, signing in, example URLs for routes,
reading pages (their tables), PDFs, the Atom feed and the register's JSON, and counting SQL statements."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses the app's own feed in tests
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import pyotp
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.routing import Rule

from dpia.accounts.models import User
from dpia.core.clock import CLOCK_KEY, utcnow
from dpia.core.extensions import db as _db
from tests import factories

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ATOM = "{http://www.w3.org/2005/Atom}"


def example_path(rule: Rule) -> str:
    """A concrete URL for a route: 1 for numbers, "example" for other parts."""
    return re.sub(r"<(?:([^:>]+):)?([^>]+)>",
                  lambda m: "1" if m.group(1) in ("int", "float") else "example", rule.rule)


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """Fetch a page and return the CSRF token from its form."""
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, email, password, *, second_factor=True, **extra):  # noqa: ANN001, ANN003, ANN201
    """Post the sign-in form (with a fresh CSRF token); returns the response.

    When the password leads to the code step, the current TOTP code of the account's secret is posted
    too (unless `second_factor` is False) and that response is returned: a 302 to where sign-in goes.
    """
    data = {"email": email, "password": password, "csrf_token": csrf_token(client), **extra}
    response = client.post("/sign-in", data=data)
    if second_factor and response.status_code == 302 and response.headers["Location"] == "/sign-in/code":
        response = enter_current_code(client, email)
    return response


def app_time(app: Flask) -> datetime:
    """What the application's clock says (the `clock` fixture may have set it)."""
    return app.extensions.get(CLOCK_KEY, utcnow)()


def current_code(app: Flask, secret: str) -> str:
    """The TOTP code for `secret` at the application's time."""
    return pyotp.TOTP(secret).at(app_time(app))


def enter_current_code(client, email):  # noqa: ANN001, ANN201
    """Post the code step for `email`'s account with its current code; returns the response."""
    secret = _forget_last_code(client.application, email)
    return client.post("/sign-in/code", data={"code": current_code(client.application, secret),
                                              "csrf_token": csrf_token(client, "/sign-in/code")})


def _forget_last_code(app: Flask, email: str) -> str:
    """Test shortcut: clear the account's last accepted time step, so signing the same person in twice
    within one 30-second step is not refused as a replay (tests/accounts/test_mfa.py tests the refusal
    itself). Returns the account's secret."""
    if has_app_context() and current_app._get_current_object() is app:
        # The request runs in this app context, so it shares the test's database session.
        user = _db.session.scalar(select(User).where(User.email == email.strip().lower()))
        user.totp_last_step = None
        _db.session.flush()
        return user.totp_secret
    with app.app_context():
        user = _db.session.scalar(select(User).where(User.email == email.strip().lower()))
        user.totp_last_step = None
        secret = user.totp_secret
        _db.session.commit()
        return secret


def as_user(app: Flask, user: User, password: str = factories.PASSWORD) -> FlaskClient:
    """A new client signed in as `user` (with the factories' password), second factor included."""
    client = app.test_client()
    response = sign_in(client, user.email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def text_of(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


class _Tables(HTMLParser):
    """Each table's caption and rows, every row as the text of its cells (header cells too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[str], list[list[str]]]] = []  # (caption parts, rows)
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.tables[-1][0].append(data)


def table_rows(html: str, caption: str | None = None) -> list[list[str]]:
    """The rows (header row included) of the page's tables, or of those whose caption contains `caption`;
    each row is the text of its cells."""
    reader = _Tables()
    reader.feed(html)
    return [row for parts, rows in reader.tables if caption is None or caption in " ".join("".join(parts).split())
            for row in rows]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def feed_entries(client) -> list[dict[str, Any]]:  # noqa: ANN001
    response = client.get("/register.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)  # noqa: S314 - the app's own output
    assert root.tag == f"{ATOM}feed"
    return [{"title": entry.findtext(f"{ATOM}title"), "id": entry.findtext(f"{ATOM}id"),
             "summary": entry.findtext(f"{ATOM}summary"),
             "links": [link.get("href") for link in entry.findall(f"{ATOM}link")]}
            for entry in root.findall(f"{ATOM}entry")]


def register_json(client) -> list[dict[str, Any]]:  # noqa: ANN001
    response = client.get("/register.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.data)["register"]


class StatementCounter:
    """Counts SQL statements sent to the database while active (see the `count_queries` fixture)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)
