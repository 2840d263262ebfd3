"""The API tokens pages: signed-in only, the token shown once, revocation by POST with CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from dpia.api.models import ApiToken
from dpia.api.services.tokens import hash_token
from tests import factories, log_canaries
from tests.api.conftest import bearer, issue_token
from tests.web import as_user, csrf_token, text_of

SECRET = re.compile(r"dpia_[A-Za-z0-9_-]{43}")


def test_the_pages_need_signing_in(client, db):
    response = client.get("/account/api-tokens")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client.post("/account/api-tokens/1/revoke").status_code in (302, 400)


def test_the_account_page_links_to_the_tokens_page(app, db):
    browser = as_user(app, factories.create_user())
    assert 'href="/account/api-tokens"' in text_of(browser.get("/account"))


def test_a_token_is_shown_once_then_only_its_prefix(app, db):
    person = factories.create_user()
    browser = as_user(app, person)
    form = text_of(browser.get("/account/api-tokens/new"))
    assert 'value="90" checked' in form  # the default lifetime
    response = browser.post("/account/api-tokens/new", data={
        "name": "Intranet register", "scopes": ["assessments:read", "publication:read"], "days": "30",
        "csrf_token": csrf_token(browser, "/account/api-tokens/new")})
    assert response.status_code == 201
    secret = SECRET.search(text_of(response)).group(0)
    log_canaries.remember(secret)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == person.id))
    assert row.token_hash == hash_token(secret) and row.scopes == ["assessments:read", "publication:read"]
    assert row.expires_at - row.created_at == timedelta(days=30)
    listing = text_of(browser.get("/account/api-tokens"))
    assert "Intranet register" in listing and row.visible_prefix in listing and secret not in listing
    assert browser.get("/api/assessments", headers=bearer(secret)).status_code == 200


def test_a_token_form_with_mistakes_says_what_to_fix(app, db):
    browser = as_user(app, factories.create_user())
    response = browser.post("/account/api-tokens/new", data={
        "name": "", "days": "999", "csrf_token": csrf_token(browser, "/account/api-tokens/new")})
    body = text_of(response)
    assert response.status_code == 400
    assert "There is a problem" in body and "Enter a name for the token" in body
    assert "Select what the token may read" in body
    assert SECRET.search(body) is None


def test_creating_without_the_csrf_token_is_refused(app, db):
    browser = as_user(app, factories.create_user())
    response = browser.post("/account/api-tokens/new", data={"name": "x", "scopes": ["assessments:read"],
                                                              "days": "30"})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


def test_revoking_a_token(app, db):
    person = factories.create_user()
    secret = issue_token(person)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == person.id))
    browser = as_user(app, person)
    assert browser.post(f"/account/api-tokens/{token.id}/revoke").status_code == 400  # no CSRF token
    response = browser.post(f"/account/api-tokens/{token.id}/revoke",
                            data={"csrf_token": csrf_token(browser, "/account/api-tokens")})
    assert response.status_code == 302
    assert "has been revoked" in text_of(browser.get("/account/api-tokens"))
    assert "Revoked" in text_of(browser.get("/account/api-tokens"))
    assert browser.get("/api/assessments", headers=bearer(secret)).status_code == 401


def test_nobody_revokes_or_sees_someone_elses_token(app, db):
    owner, other = factories.create_user(), factories.create_user()
    issue_token(owner, name="Owner system")
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == owner.id))
    browser = as_user(app, other)
    assert "Owner system" not in text_of(browser.get("/account/api-tokens"))
    response = browser.post(f"/account/api-tokens/{token.id}/revoke",
                            data={"csrf_token": csrf_token(browser, "/account/api-tokens/new")})
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_the_tokens_pages_are_well_formed(app, db):
    from tests.accounts.test_page_markup import problems_in

    person = factories.create_user()
    issue_token(person)
    browser = as_user(app, person)
    for path in ("/account/api-tokens", "/account/api-tokens/new"):
        response = browser.get(path)
        assert response.status_code == 200 and problems_in(text_of(response)) == [], path
    created = browser.post("/account/api-tokens/new", data={
        "name": "Reports", "scopes": ["assessments:read"], "days": "7",
        "csrf_token": csrf_token(browser, "/account/api-tokens/new")})
    log_canaries.remember(SECRET.search(text_of(created)).group(0))
    assert problems_in(text_of(created)) == []
    token = csrf_token(browser, "/account/api-tokens/new")
    invalid = browser.post("/account/api-tokens/new", data={"csrf_token": token})
    assert invalid.status_code == 400 and problems_in(text_of(invalid)) == []


def test_creating_a_token_needs_a_recent_sign_in(app, db, clock):
    """A token reads as its owner for months, so making one asks for the password again after the
    re-authentication window, as signing off does (needs `api_tokens.new` in
    dpia.accounts.rules.ENDPOINTS_NEEDING_RECENT_AUTHENTICATION)."""
    person = factories.create_user()
    browser = as_user(app, person)
    token = csrf_token(browser, "/account/api-tokens/new")
    clock.set(factories.CLOCK + timedelta(minutes=15))  # past the 10-minute window, within the idle timeout
    prompt = browser.post("/account/api-tokens/new", data={"name": "Late", "scopes": ["assessments:read"],
                                                           "days": "30", "csrf_token": token})
    assert prompt.status_code == 403 and "Confirm it’s you" in text_of(prompt)
    assert db.session.scalar(select(ApiToken)) is None
