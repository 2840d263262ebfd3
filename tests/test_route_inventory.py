"""Deny by default: every route is classified, and every unlisted one needs sign-in."""

import pytest
from werkzeug.routing import Rule

from dpia.core.security import PUBLIC_ENDPOINTS
from tests.web import csrf_token, example_path

# The reviewed classification. A new route must be added to exactly one of these sets, which
# forces whoever adds it to decide, and this test to check, whether anonymous people may use it.
EXPECTED_PUBLIC = {"static", "auth.sign_in", "auth.two_factor", "auth.forgot_password", "auth.reset_password",
                   "auth.accept_invitation", "auth.oidc_start", "auth.oidc_callback",
                   "public.healthz", "public.register", "public.register_json", "public.feed",
                   "public.upcoming", "public.retention", "public.retention_json", "public.retention_csv",
                   "public.assessment", "public.assessment_pdf", "public.assessment_json",
                   "public.revision", "public.revision_pdf", "public.revision_json",
                   "public.assessment_docx", "public.revision_docx", "published_files.download",
                   "transfer.export_schema", "api.openapi"}
EXPECTED_SIGNED_IN = {
    "auth.sign_out",
    "dashboard.index",
    "dashboard.queue",
    "registers.retention",
    "registers.retention_csv",
    "registers.access",
    "registers.access_csv",
    "assessments.new",
    "assessments.show",
    "assessments.task_list",
    "assessments.section",
    "assessments.check_answers",
    "assessments.add_row",
    "assessments.edit_row",
    "assessments.remove_row",
    "assessments.upgrade",
    "assessments.diff",
    "assessments.review.submit",
    "assessments.review.request_changes",
    "assessments.review.act",
    "assessments.review.comments",
    "assessments.review.resolve_comment",
    "assessments.review.sign_off",
    "assessments.review.decide",
    "assessments.review.condition_done",
    "assessments.review.new_revision",
    "assessments.publication.overview",
    "assessments.publication.decide",
    "assessments.publication.slip",
    "assessments.publication.redact",
    "assessments.publication.unredact",
    "assessments.publication.confirm",
    "assessments.publication.drop",
    "assessments.publication.preview",
    "assessments.publication.schedule",
    "assessments.publication.withdraw",
    "assessments.publication.internal_pdf",
    "assessments.publication.internal_pdf_retry",
    "assessments.publication.internal_docx",
    "assessments.publication.internal_docx_retry",
    "assessments.foi.index",
    "assessments.foi.s22",
    "assessments.foi.s22_pdf",
    "assessments.foi.show",
    "assessments.foi.progress",
    "assessments.foi.item",
    "assessments.foi.answer",
    "assessments.foi.s22_conclusion",
    "assessments.foi.letter",
    "assessments.foi.letter_pdf",
    "assessments.audit",
    "admin.users",
    "admin.invite",
    "admin.user",
    "admin.edit_user",
    "admin.deactivate",
    "admin.reactivate",
    "admin.end_sessions",
    "admin.reset_mfa",
    "admin.resend_invitation",
    "admin.teams",
    "admin.rename_team",
    "account.index",
    "account.change_password",
    "account.sessions",
    "account.end_session",
    "account.end_other_sessions",
    "account.mfa_setup",
    "admin.questionnaires.index",
    "admin.questionnaires.upload",
    "admin.questionnaires.diff",
    "cnil.import_page",
    "cnil.annex",
    "cnil.structure_annex",
    "assessments.attachments.evidence",
    "assessments.attachments.download",
    "assessments.attachments.remove",
    "assessments.attachments.publication",
    "api_tokens.index",
    "api_tokens.new",
    "api_tokens.revoke",
    "assessments.documents.risk_register_csv",
    "assessments.documents.action_plan_csv",
    "assessments.documents.retention_schedule_csv",
    "transfer.index",
    "transfer.export",
    "transfer.import_assessment",
}
# The read API: no session, a personal access token on every call (an anonymous caller gets 401 JSON).
EXPECTED_TOKEN = {"api.assessments", "api.assessment", "api.revisions", "api.revision", "api.answers", "api.risks",
                  "api.measures", "api.retention_rules", "api.access_rules", "api.publication"}


def all_rules(app) -> list[Rule]:
    return list(app.url_map.iter_rules())


def test_every_endpoint_is_classified(app):
    endpoints = {rule.endpoint for rule in all_rules(app)}
    unclassified = endpoints - EXPECTED_PUBLIC - EXPECTED_SIGNED_IN - EXPECTED_TOKEN
    assert not unclassified, f"classify these routes in this test: {sorted(unclassified)}"
    assert not (EXPECTED_PUBLIC & EXPECTED_SIGNED_IN) and not (EXPECTED_TOKEN & (EXPECTED_PUBLIC | EXPECTED_SIGNED_IN))
    assert endpoints == EXPECTED_PUBLIC | EXPECTED_SIGNED_IN | EXPECTED_TOKEN, "a classified route no longer exists"


def test_every_api_route_refuses_a_call_without_a_token(app, client):
    for rule in all_rules(app):
        if rule.endpoint not in EXPECTED_TOKEN:
            continue
        response = client.get(example_path(rule))
        assert response.status_code == 401, rule.rule
        assert response.is_json and "Bearer" in response.headers["WWW-Authenticate"], rule.rule


def test_app_public_list_matches_the_reviewed_list():
    assert set(PUBLIC_ENDPOINTS) == EXPECTED_PUBLIC


def test_every_non_public_route_sends_anonymous_users_to_sign_in(app, client):
    checked = 0
    for rule in all_rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint in EXPECTED_TOKEN:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(example_path(rule), method=method)
            # POSTs without a CSRF token stop at the CSRF check (400); with one they stop at sign-in.
            assert response.status_code in (302, 400), (rule.rule, method, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/sign-in"), (rule.rule, method)
            checked += 1
    assert checked >= len(EXPECTED_SIGNED_IN)


def test_anonymous_post_with_valid_csrf_token_is_still_refused(app, client):
    token = csrf_token(client)
    for rule in all_rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint in EXPECTED_TOKEN or "POST" not in rule.methods:
            continue
        response = client.post(example_path(rule), data={"csrf_token": token})
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("path", ["/healthz", "/sign-in", "/static/images/favicon.svg"])
def test_public_routes_answer_anonymous_users(client, path):
    assert client.get(path).status_code == 200


def test_new_unlisted_route_is_private(app, database_url):
    """A route added without touching PUBLIC_ENDPOINTS is protected automatically."""
    from tests.factories import make_app

    fresh = make_app(database_url)
    fresh.add_url_rule("/brand-new", "brand_new", lambda: "secret")
    response = fresh.test_client().get("/brand-new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "brand_new" not in EXPECTED_PUBLIC | EXPECTED_SIGNED_IN  # and the inventory would flag it


def test_every_action_needing_a_recent_sign_in_is_a_real_post_route(app):
    """The re-authentication hook works from a list of endpoint names: a renamed route would
    silently drop out of it, so each name must still be a signed-in route that takes POSTs."""
    from dpia.accounts.rules import ENDPOINTS_NEEDING_RECENT_AUTHENTICATION

    posts = {rule.endpoint for rule in all_rules(app) if "POST" in rule.methods}
    assert posts & EXPECTED_SIGNED_IN >= ENDPOINTS_NEEDING_RECENT_AUTHENTICATION
