"""Browser fixtures: the real app served over HTTP on a migrated SQLite file with the demo loaded,
Debian's Chromium driven by Playwright, and a fresh page per test that records console errors.
Shared steps and checks (signing in, the axe-core check) are in steps.py.

These fixtures deliberately do not use the `app`/`db` fixtures of tests/conftest.py: those are
parametrised per database backend, while browser tests run once, on SQLite.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright
from werkzeug.serving import make_server

import dpia
from dpia.config import TestConfig
from dpia.core.clock import utcnow
from dpia.core.extensions import db
from dpia.demo.services import load_demo
from tests.browser.steps import DEFAULT_TIMEOUT_MS, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app the live server serves, for tests that prepare data through the services first."""
    database = tmp_path_factory.mktemp("browser") / "dpia.sqlite3"
    app = dpia.create_app({**TestConfig.load(), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    serve(app)
    return app


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve a migrated SQLite database with the demo loaded; yield the base URL."""
    app = live_app
    with app.app_context():
        upgrade()
        load_demo(now=utcnow())
        db.session.commit()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dpia-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium. Missing Chromium is a failure, never a skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. Run `make test` (which installs it) "
            "or `apt-get install chromium`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def browser_errors() -> list[str]:
    """Console errors and uncaught page errors seen by `page` during the test."""
    return []


@pytest.fixture()
def page(browser: Browser, live_server: str, browser_errors: list[str]) -> Iterator[Page]:
    """A fresh context (no cookies) and page per test, with `base_url` set to the live server.

    Console errors (a CSP violation, a module that fails to load, a 404 for an asset) and uncaught
    exceptions are appended to `browser_errors`, so tests can assert there are none.
    """
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url") or page.url
            # A form shown again with its errors answers 400 on purpose (bad input gets a 4xx); Chromium
            # logs that for the page itself. Any other failed load still counts.
            if where == page.url and re.match(r"Failed to load resource: .* status of 4\d\d", message.text):
                return
            browser_errors.append(f"console error at {where}: {message.text}")

    def on_page_error(error: Error) -> None:
        browser_errors.append(f"page error at {page.url}: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        yield page
    finally:
        context.close()
