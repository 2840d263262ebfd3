"""Two-factor authentication in a real browser: a new approver is sent to enrol, scans (here: types) the
secret, saves the recovery codes, signs in with one, and confirms it's them before re-enrolling later on.
Every page passes axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from dpia.accounts.rules import Role
from dpia.core.clock import set_clock, utcnow
from dpia.core.extensions import db
from tests import factories
from tests.browser.steps import assert_accessible, error_summary, sign_in_through_form

pytestmark = pytest.mark.browser

EMAIL = "new-approver@example.test"


@pytest.fixture()
def new_approver(live_app: Flask, live_server: str) -> Iterator[str]:
    """An approver who has not set up two-factor authentication yet."""
    with live_app.app_context():
        factories.create_user(Role.APPROVER, email=EMAIL, name="Nia New", mfa=False)
        db.session.commit()
        db.session.remove()
    try:
        yield EMAIL
    finally:
        set_clock(live_app, None)


def test_enrol_save_codes_sign_in_with_one_and_confirm_before_re_enrolling(
        page: Page, live_app: Flask, new_approver: str, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_through_form(page, new_approver, factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/two-factor$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_text("You need to set up two-factor authentication before you can continue")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#mfa-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm and set up").click()
    expect(error_summary(page)).to_contain_text("Enter the 6-digit code")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and set up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication is set up")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)

    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.get_by_role("button", name="Sign out").click()

    # Signing in again: the code page, with a recovery code instead of the app.
    page.get_by_label("Email address").fill(new_approver)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page)
    page.get_by_text("Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill("wrong-guess")
    page.get_by_role("button", name="Use recovery code").click()
    expect(error_summary(page)).to_contain_text("Enter one of your unused recovery codes")
    assert_accessible(page)
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Use recovery code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("You have 9 left")).to_be_visible()

    # Eleven minutes on, re-enrolling asks for the password and a code first.
    page.goto("/account/two-factor")
    expect(page.get_by_text("9 of 10")).to_be_visible()
    assert_accessible(page)
    later = utcnow() + timedelta(minutes=11)
    set_clock(live_app, lambda: later)
    page.get_by_role("button", name="Set up a new authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it’s you")
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(later))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    assert page.locator("#mfa-secret").inner_text().replace(" ", "") != secret

    assert browser_errors == []
