"""CSRF: every POST route refuses a request without a valid token, and changes nothing."""

from sqlalchemy import func, select

from dpia.accounts.models import LoginAttempt, UserSession
from dpia.accounts.rules import Role
from dpia.core.audit.models import AuditEvent
from tests import factories
from tests.web import csrf_token, example_path


def row_counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (AuditEvent, LoginAttempt, UserSession))


def post_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]


def test_there_are_post_routes_to_check(app):
    assert {rule.endpoint for rule in post_rules(app)} >= {"auth.sign_in", "auth.sign_out"}


def test_every_post_route_refuses_a_missing_token(app, client, db, login_as):
    login_as(factories.create_user(Role.ADMIN))
    for rule in post_rules(app):
        before = row_counts(db)
        path = example_path(rule)
        response = client.post(path, data={"email": "x@example.test", "password": "y" * 20})
        assert response.status_code == 400, rule.rule
        assert row_counts(db) == before, rule.rule
    assert client.get("/").status_code == 200, "still signed in: sign-out without a token did nothing"


def test_a_token_from_another_session_is_refused(app, client, db):
    other = app.test_client()
    foreign_token = csrf_token(other)
    user = factories.create_user()
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD,
                                             "csrf_token": foreign_token})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
