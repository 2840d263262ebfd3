"""Steps and checks shared by the browser tests: signing in through the form (and the code page),
finding the task list's items, the success banner and the error summary by their roles, and the axe-core check."""

from __future__ import annotations

from urllib.parse import urlsplit

import pyotp
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Locator, Page
from sqlalchemy import select

from dpia.accounts.models import User
from dpia.core.extensions import db

DEMO_PASSWORD = "demonstration-only"
# Fail fast: everything here is local, so a missing element shows up in seconds, not 30.
DEFAULT_TIMEOUT_MS = 5_000
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


_served: list[Flask] = []


def serve(app: Flask) -> None:
    """Tell the steps which app the live server runs, so signing in can read an account's TOTP secret."""
    _served[:] = [app]


def sign_in_through_form(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in the sign-in form and, when the account has a second factor, the code page too."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if urlsplit(page.url).path == "/sign-in/code":
        page.get_by_label("Code from your authenticator app").fill(_current_code(email))
        page.get_by_role("button", name="Continue", exact=True).click()
        page.wait_for_load_state()


def _current_code(email: str) -> str:
    """The account's current code. Test shortcut: its last accepted time step is cleared first, so signing
    the same person in twice within one 30-second step is not refused as a replay."""
    (app,) = _served
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.totp_last_step = None
        secret = user.totp_secret
        db.session.commit()
        db.session.remove()
    return pyotp.TOTP(secret).now()


def task(page: Page, title: str) -> Locator:
    """One item of the task list, found by its section title."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title, exact=True))


def success_banner(page: Page) -> Locator:
    """The success banner: an alert titled "Success"."""
    return page.get_by_role("alert", name="Success")


def error_summary(page: Page) -> Locator:
    """The error summary: the alert headed "There is a problem" that links to each error."""
    return page.get_by_role("alert").filter(has_text="There is a problem")


def error_summary_box(page: Page) -> Locator:
    """The box around the error summary's alert: GOV.UK Frontend moves the focus there."""
    return error_summary(page).locator("xpath=..")


def _describe(violation: dict, max_targets: int = 3) -> str:
    nodes = violation.get("nodes", [])
    targets = [" ".join(map(str, node.get("target", []))) for node in nodes[:max_targets]]
    more = f" (+{len(nodes) - max_targets} more)" if len(nodes) > max_targets else ""
    return (f"- {violation['id']} [{violation.get('impact')}]: {violation.get('help')}\n"
            f"    targets: {', '.join(targets) or '(none)'}{more}")


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe found {len(blocking)} serious/critical accessibility violation(s) on {page.url}:\n"
        + "\n".join(_describe(v) for v in blocking)
    )
