"""Accounts in a real browser: an administrator invites someone, who follows the e-mailed link in a
browser of their own and chooses a password; someone who forgot their password resets it by e-mail.
The links are read from the outbox, as the worker would send them. Every page passes axe-core."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from dpia.accounts.rules import Role
from dpia.core.extensions import db
from tests import factories
from tests.browser.steps import DEFAULT_TIMEOUT_MS, assert_accessible, error_summary, sign_in_through_form

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a brand new passphrase for the register"  # noqa: S105 - a test password


def link_in_outbox(app: Flask, to: str, prefix: str) -> str:
    with app.app_context():
        path = factories.mailed_link(to, prefix)
        db.session.remove()
    return path


def test_an_administrator_invites_someone_who_chooses_a_password_and_signs_in(
        page: Page, browser: Browser, live_app: Flask, live_server: str, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_through_form(page, "admin@demo.test")
    page.goto("/admin/users")
    page.get_by_role("button", name="Invite a user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a user")
    page.get_by_role("button", name="Send invitation").click()
    expect(error_summary(page)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("new.analyst@example.test")
    page.get_by_label("Full name").fill("Noor Analyst")
    page.get_by_label("Team member").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.analyst@example.test")).to_be_visible()
    assert_accessible(page)

    invitation = link_in_outbox(live_app, "new.analyst@example.test", "/invitation/")
    context = browser.new_context(base_url=live_server)  # the invited person's own browser
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    invited = context.new_page()
    try:
        invited.goto(invitation)
        expect(invited.get_by_role("heading", level=1)).to_have_text("Create your password")
        assert_accessible(invited)
        invited.get_by_label("Create a password").fill("password123456789")
        invited.get_by_role("button", name="Create password and sign in").click()
        expect(error_summary(invited)).to_contain_text("common")
        assert_accessible(invited)
        invited.get_by_label("Create a password").fill(NEW_PASSWORD)
        invited.get_by_role("button", name="Create password and sign in").click()
        expect(invited.get_by_role("heading", level=1)).to_have_text("Dashboard")
        invited.goto(invitation)  # single use
        expect(invited.get_by_role("heading", level=1)).to_contain_text("link")
        assert_accessible(invited)
    finally:
        context.close()
    assert browser_errors == []


def test_someone_who_forgot_their_password_resets_it_by_email(
        page: Page, live_app: Flask, browser_errors: list[str]) -> None:
    with live_app.app_context():
        person = factories.create_user(Role.TEAM_MEMBER, email="forgetful@example.test", name="Fran Getful")
        email = person.email
        db.session.commit()
        db.session.remove()

    page.goto("/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    page.goto(link_in_outbox(live_app, email, "/reset-password/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    sign_in_through_form(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert browser_errors == []
