"""Security headers on every kind of response, and generic error pages."""

import base64
import hashlib
import re

import pytest
from sqlalchemy.exc import OperationalError

from dpia.accounts.rules import Role
from tests import factories
from tests.factories import make_app


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/sign-in", "/healthz", "/no-such-page", "/static/images/favicon.svg"])
def test_headers_on_anonymous_responses(client, path):
    assert_security_headers(client.get(path))


def test_headers_on_signed_in_pages_and_no_store(client, db, login_as):
    login_as(factories.create_user(Role.ADMIN))
    for path in ("/", "/admin/users", "/assessments/NOPE"):
        response = client.get(path)
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_inline_scripts_are_allowed_only_by_hash(client):
    """Every inline script on the page must match a hash in the policy (else the browser blocks it)."""
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.get_data(as_text=True), re.S)
    assert inline, "GOV.UK's template has one inline script"
    for source in inline:
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert "Set-Cookie" not in response.headers


def test_404_page_is_generic(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.fixture()
def failing_app(database_url, monkeypatch):
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False, TESTING=False)

    @app.route("/explode")
    def explode():
        raise RuntimeError("secret internal detail /srv/app/file.py")

    @app.route("/database-down")
    def database_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    from dpia.core import security

    monkeypatch.setattr(security, "PUBLIC_ENDPOINTS", security.PUBLIC_ENDPOINTS | {"explode", "database_down"})
    return app


def test_500_page_has_no_traceback_and_keeps_headers(failing_app):
    response = failing_app.test_client().get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "Traceback" not in body and "secret internal detail" not in body and "/srv/app" not in body
    assert_security_headers(response)


def test_database_errors_give_503(failing_app):
    response = failing_app.test_client().get("/database-down")
    assert response.status_code == 503
    assert "connection refused" not in response.get_data(as_text=True)
    assert_security_headers(response)


def test_oversized_request_gets_413_not_500(client, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/sign-in", data={"email": big})
    assert response.status_code == 413


def test_forms_may_lead_to_the_single_sign_on_provider_only(app, client, monkeypatch):
    """Confirming it's you at the identity provider is a form post redirected there: the policy allows
    that one origin for form-action, and nothing else changes."""
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "https://login.example.org/tenant/v2.0")
    policy = client.get("/healthz").headers["Content-Security-Policy"]
    assert "form-action 'self' https://login.example.org;" in policy + ";"
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "")
    assert "form-action 'self';" in client.get("/healthz").headers["Content-Security-Policy"] + ";"
