"""Signing in and out in a real browser: GOV.UK Frontend's JS runs under the CSP, errors are
announced the GOV.UK way, `next` survives sign-in, and the pages pass axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import (
    DEMO_PASSWORD,
    assert_accessible,
    error_summary,
    error_summary_box,
    sign_in_through_form,
    success_banner,
)

pytestmark = pytest.mark.browser


def test_sign_in_page_loads_with_govuk_frontend_running(page: Page, browser_errors: list[str]) -> None:
    page.goto("/sign-in")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("banner")).to_contain_text("Northshire Police")
    expect(page.get_by_role("banner").get_by_role("img")).to_have_count(0)  # no GOV.UK logo: not a government site
    # Added by the inline script the CSP allows by hash: it ran.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    # GOV.UK Frontend's PasswordInput module reveals the "Show" toggle: app.mjs loaded and ran.
    toggle = page.get_by_role("button", name=re.compile(r"^(Show|Hide) password$"))
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Show")
    toggle.click()
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "text")
    expect(toggle).to_have_text("Hide")

    assert browser_errors == []
    assert_accessible(page)


def test_empty_submission_shows_error_summary_with_focus(page: Page, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in", exact=True).click()

    summary = error_summary(page)
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter your email address")
    expect(summary).to_contain_text("Enter your password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary_box(page)).to_be_focused()

    assert browser_errors == []
    assert_accessible(page)


def test_wrong_password_keeps_email_but_not_password(page: Page, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_through_form(page, "dpo@demo.test", "not-the-password")

    expect(error_summary(page)).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value("dpo@demo.test")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert browser_errors == []


def test_sign_in_see_dashboard_and_sign_out(page: Page, live_server: str, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_through_form(page, "dpo@demo.test", DEMO_PASSWORD)

    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("link", name="Live facial recognition trial")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("DPIA-2017-004")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(success_banner(page)).to_contain_text("You have signed out")

    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/sign-in") + r"(\?|$)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert browser_errors == []


def test_protected_page_returns_there_after_sign_in(page: Page, live_server: str,
                                                    browser_errors: list[str]) -> None:
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/sign-in?next=")))

    sign_in_through_form(page, "admin@demo.test", DEMO_PASSWORD)

    expect(page).to_have_url(f"{live_server}/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    table = page.get_by_role("table")
    for email in ("author@demo.test", "reviewer@demo.test", "dpo@demo.test", "admin@demo.test"):
        expect(table).to_contain_text(email)
    assert browser_errors == []
