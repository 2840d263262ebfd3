"""Single sign-on through the real redirect flow: Chromium, this app served on loopback, and a real
OpenID provider (the npm package oidc-provider, tests/browser/oidc_provider.mjs) started on loopback.

The module serves its own app (its own SQLite file, single sign-on configured, no demo) in place of
the shared `live_app`/`live_server`, so the `page` fixture points at it.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

import dpia
from dpia.accounts.models import ExternalIdentity, User, UserSession
from dpia.accounts.rules import Role
from dpia.config import REPO_ROOT, TestConfig
from dpia.core.extensions import db
from tests import factories
from tests.browser.steps import assert_accessible

pytestmark = pytest.mark.browser

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
PROVIDER_NAME = "Northshire Police account"
PROVIDER_PASSWORD = "provider-password"
CLIENT_ID = "dpia-browser-test"
CLIENT_SECRET = "dpia-browser-test-secret"
START_TIMEOUT_SECONDS = 20

# People at the provider. `amr` is what the provider says it checked; "mfa" means more than a password.
PROVIDER_ACCOUNTS = [
    {"login": "starter", "sub": "starter-0001", "email": "new.starter@northshire.example", "email_verified": True,
     "name": "New Starter", "amr": ["pwd"]},
    {"login": "reviewer", "sub": "reviewer-0001", "email": "reviewer@northshire.example", "email_verified": True,
     "name": "Rita Reviewer", "amr": ["pwd"]},
    {"login": "dpo", "sub": "dpo-0001", "email": "dpo@northshire.example", "email_verified": True,
     "name": "Dana Officer", "amr": ["pwd", "mfa"]},
    {"login": "admin", "sub": "admin-0001", "email": "admin@northshire.example", "email_verified": True,
     "name": "Ade Admin", "amr": ["pwd", "mfa"]},
    {"login": "stranger", "sub": "stranger-0001", "email": "stranger@northshire.example", "email_verified": True,
     "name": "Sam Stranger", "amr": ["pwd"]},
]


def node_binary() -> str:
    """Node.js and oidc-provider, or a failure that says how to install them (never a skip)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("The single sign-on tests need Node.js 20+ to run oidc-provider. Install it "
                    "(Debian: apt-get install nodejs npm), then run `npm ci` or `make test`.", pytrace=False)
    if not (REPO_ROOT / "node_modules" / "oidc-provider" / "package.json").exists():
        pytest.fail("oidc-provider is not installed in node_modules. Run `npm ci` (`make test` does it).",
                    pytrace=False)
    return node


def start_provider(redirect_uri: str, log: Path) -> tuple[subprocess.Popen, str]:
    """Start the provider and return it with its issuer URL, once it has said it is listening."""
    settings = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": redirect_uri,
                "accounts": [{**account, "password": PROVIDER_PASSWORD} for account in PROVIDER_ACCOUNTS]}
    process = subprocess.Popen(  # noqa: S603 - our own script, no shell
        [node_binary(), str(PROVIDER_SCRIPT)], cwd=REPO_ROOT, text=True, stdout=subprocess.PIPE,
        stderr=log.open("w"), env={**os.environ, "OIDC_TEST_PROVIDER": json.dumps(settings)})
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=0.2):
            line = process.stdout.readline()
            if line:
                return process, json.loads(line)["issuer"]
    process.kill()
    process.wait()
    pytest.fail(f"oidc-provider did not start:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app with the people the provider knows: an invited team member, a reviewer not yet
    enrolled in TOTP, an enrolled DPO whose provider reports MFA, and an administrator who signs in
    with single sign-on only."""
    database = tmp_path_factory.mktemp("sso") / "dpia.sqlite3"
    app = dpia.create_app({**TestConfig.load(), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        upgrade()
        starter = factories.create_user(Role.TEAM_MEMBER, email="new.starter@northshire.example", name="New Starter")
        starter.password_hash = None  # invited: no password chosen yet
        factories.create_user(Role.REVIEWER, email="reviewer@northshire.example", name="Rita Reviewer", mfa=False)
        factories.create_user(Role.DPO, email="dpo@northshire.example", name="Dana Officer", mfa=True)
        admin = factories.create_user(Role.ADMIN, email="admin@northshire.example", name="Ade Admin", mfa=False)
        admin.password_hash = None  # single sign-on only
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture(scope="module")
def live_server(live_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app with single sign-on pointed at a freshly started oidc-provider."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    provider, issuer = start_provider(f"{base_url}/sign-in/sso/callback",
                                      tmp_path_factory.mktemp("oidc-provider") / "provider.log")
    live_app.config.update(OIDC_ISSUER=issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
                           OIDC_PROVIDER_NAME=PROVIDER_NAME, BASE_URL=base_url)
    thread = threading.Thread(target=server.serve_forever, name="dpia-sso-live-server", daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        provider.terminate()
        provider.wait(timeout=10)
        with live_app.app_context():
            db.engine.dispose()


def sign_in_at_provider(page: Page, login: str) -> None:
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test identity provider: sign in")
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test identity provider: allow access")
    page.get_by_role("button", name="Allow").click()


def linked_subject(app: Flask, email: str) -> str | None:
    with app.app_context():
        try:
            return db.session.scalar(select(ExternalIdentity.subject).join(User, User.id == ExternalIdentity.user_id)
                                     .where(User.email == email))
        finally:
            db.session.remove()


def test_an_invited_person_signs_in_through_the_provider(page: Page, live_app: Flask, live_server: str,
                                                         browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    assert_accessible(page)  # with the single sign-on button
    sign_in_at_provider(page, "starter")

    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert linked_subject(live_app, "new.starter@northshire.example") == "starter-0001"
    assert browser_errors == []


def test_staff_without_mfa_at_the_provider_must_enrol_first(page: Page, live_server: str,
                                                            browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_at_provider(page, "reviewer")

    expect(page).to_have_url(f"{live_server}/account/two-factor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    page.goto("/")
    expect(page).to_have_url(f"{live_server}/account/two-factor")
    assert browser_errors == []


def test_staff_whose_provider_reports_mfa_are_not_asked_for_a_code(page: Page, live_server: str,
                                                                   browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_at_provider(page, "dpo")

    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert browser_errors == []


def test_someone_without_an_account_is_told_whom_to_ask(page: Page, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_at_provider(page, "stranger")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is not set up")
    expect(page.get_by_role("main")).to_contain_text("Ask your administrator to invite stranger@northshire.example")
    assert_accessible(page)
    assert browser_errors == []


def test_cancelling_at_the_provider_comes_back_to_a_clear_page(page: Page, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_role("button", name="Cancel").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You did not finish signing in")
    expect(page.get_by_role("link", name=f"Try signing in with {PROVIDER_NAME} again")).to_be_visible()
    assert_accessible(page)
    assert browser_errors == []


@pytest.mark.parametrize(("node", "installed", "advice"), [(None, True, "apt-get install nodejs npm"),
                                                          ("/usr/bin/node", False, "Run `npm ci`")])
def test_a_missing_node_or_oidc_provider_fails_with_how_to_install_it(monkeypatch, tmp_path, node, installed,
                                                                      advice) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: node)
    monkeypatch.setattr(f"{__name__}.REPO_ROOT", REPO_ROOT if installed else tmp_path)

    with pytest.raises(pytest.fail.Exception, match=advice):
        node_binary()


def test_confirming_at_the_provider_before_an_access_change_keeps_what_was_typed(
        page: Page, live_app: Flask, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_at_provider(page, "admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    with live_app.app_context():
        starter_id = db.session.scalar(select(User.id).where(User.email == "new.starter@northshire.example"))
        db.session.remove()
    page.goto(f"/admin/users/{starter_id}/edit")
    # Test shortcut: the sign-in is made to look 11 minutes old rather than waiting.
    with live_app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@northshire.example"))
        for row in db.session.scalars(select(UserSession).where(UserSession.user_id == admin_id)):
            row.authenticated_at -= timedelta(minutes=11)
        db.session.commit()
        db.session.remove()
    page.get_by_label("Full name").fill("New Starter Renamed")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it’s you")
    assert_accessible(page)
    page.get_by_role("button", name=f"Continue to {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test identity provider: sign in")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).not_to_have_text("Test identity provider: sign in")
    if heading.inner_text() == "Test identity provider: allow access":
        page.get_by_role("button", name="Allow").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You have confirmed it’s you")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("main")).to_contain_text("New Starter Renamed")
    assert browser_errors == []
