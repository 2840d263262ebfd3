"""Deny-by-default access and the security headers every response carries."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, has_request_context, redirect, request, url_for
from flask_login import current_user

from dpia.core.extensions import login_manager

# The read API's blueprint: its endpoints take a personal access token, never a session cookie.
API_BLUEPRINT = "api"

# Endpoints anyone may reach without signing in. Everything else requires a signed-in user; a new
# route is therefore private until someone adds it here on purpose (tests/test_route_inventory.py).
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "auth.sign_in",
        "auth.two_factor",
        "auth.forgot_password",
        "auth.reset_password",
        "auth.accept_invitation",
        "transfer.export_schema",
        "api.openapi",
        "published_files.download",
        "auth.oidc_start",
        "auth.oidc_callback",
        "public.healthz",
        "public.register",
        "public.register_json",
        "public.feed",
        "public.upcoming",
        "public.retention",
        "public.retention_json",
        "public.retention_csv",
        "public.assessment",
        "public.assessment_pdf",
        "public.assessment_json",
        "public.revision",
        "public.revision_pdf",
        "public.revision_json",
        "public.assessment_docx",
        "public.revision_docx",
    }
)

# The one inline script GOV.UK Frontend's page template carries (it marks the body as JS-enabled
# before first paint). It is allowed by its hash, so the policy needs no 'unsafe-inline'.
GOVUK_INLINE_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? "
    "' govuk-frontend-supported' : '');"
)


def script_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(form_action_origin: str | None = None) -> str:
    """The policy for every response. `form_action_origin` is the single sign-on provider's origin:
    confirming it's you there starts with a form post that the app redirects to the provider, and
    browsers hold that redirect to `form-action` too."""
    form_action = "form-action 'self'" + (f" {form_action_origin}" if form_action_origin else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {script_hash(GOVUK_INLINE_SCRIPT)}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            form_action,
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


@cache
def _policy_for_issuer(issuer: str) -> str:
    parts = urlsplit(issuer)
    return content_security_policy(f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None)

_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def request_is_read_only() -> bool:
    """Whether the current request cannot write (SQLite then starts a plain, shared BEGIN)."""
    return has_request_context() and request.method in _READ_ONLY_METHODS


def require_sign_in_by_default() -> Response | None:
    """Send anonymous visitors of any non-public endpoint to the sign-in page."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.blueprint == API_BLUEPRINT:  # the API authenticates each call by its token (dpia/api)
        return None
    if current_user.is_authenticated:
        return None
    if request.method in ("GET", "HEAD"):
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.sign_in", next=target))
    return redirect(url_for("auth.sign_in"))


def refuse_nul_characters() -> None:
    """Refuse NUL characters anywhere in the request's text: PostgreSQL cannot store them, and no
    one types them, so they are always an attack or a broken client."""
    values = [request.path, *request.args.values(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400, "Text cannot contain NUL characters")


def add_security_headers(response: Response) -> Response:
    """Set the headers every response needs, error pages and static files included."""
    headers = response.headers
    issuer = current_app.config.get("OIDC_ISSUER")
    headers.setdefault("Content-Security-Policy", _policy_for_issuer(issuer) if issuer else CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Nothing private may sit in a shared or browser cache; public pages set their own policy.
    if request.endpoint != "static" and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.session_protection = "basic"
    app.before_request(refuse_nul_characters)
    app.before_request(require_sign_in_by_default)
    app.after_request(add_security_headers)
