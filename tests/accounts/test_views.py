"""Sign-in, sign-out, session replay, throttling, `next`, cookies."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dpia.accounts.models import LoginAttempt, UserSession
from dpia.accounts.rules import Role
from dpia.core.audit.models import AuditEvent
from tests import factories
from tests.factories import make_app
from tests.web import csrf_token, sign_in

REFUSED = "Enter a correct email address and password"
CSRF_VALUE = re.compile(r'(?<=name="csrf_token" type="hidden" value=")[^"]+')


def session_cookie(client):
    cookie = client.get_cookie("dpia_session")
    return cookie.value if cookie else None


def test_sign_in_success_redirects_to_dashboard_and_records_audit(client, db):
    user = factories.create_user(Role.DPO)
    response = sign_in(client, user.email.upper(), factories.PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert "auth.sign_in" in actions


def test_unknown_account_and_wrong_password_get_the_same_answer(client, db):
    user = factories.create_user()
    wrong = sign_in(client, user.email, "not the right password at all")
    unknown = sign_in(client, "nobody@example.test", "not the right password at all")
    assert wrong.status_code == unknown.status_code == 200
    wrong_body = wrong.get_data(as_text=True)
    unknown_body = unknown.get_data(as_text=True)
    assert REFUSED in wrong_body and REFUSED in unknown_body
    # Apart from the CSRF token and the echoed email, the pages are identical.
    assert normalised(wrong_body, user.email) == normalised(unknown_body, "nobody@example.test")


def normalised(body, email):
    return CSRF_VALUE.sub("", body).replace(email, "EMAIL")


def test_failed_sign_in_keeps_email_but_not_password(client, db):
    user = factories.create_user()
    body = sign_in(client, user.email, "a wrong but long password").get_data(as_text=True)
    assert f'value="{user.email}"' in body
    assert "a wrong but long password" not in body


def test_empty_form_shows_error_summary(client, db):
    body = client.post("/sign-in", data={"csrf_token": csrf_token(client)}).get_data(as_text=True)
    assert "There is a problem" in body
    assert "Enter your email address" in body and "Enter your password" in body
    assert "<title>Error: Sign in" in body


def test_inactive_account_cannot_sign_in(client, db):
    user = factories.create_user(active=False)
    assert REFUSED in sign_in(client, user.email, factories.PASSWORD).get_data(as_text=True)


def test_sign_out_ends_the_server_side_session_and_replay_is_refused(app, client, db, login_as):
    user = factories.create_user(Role.DPO)
    login_as(user)
    copied = session_cookie(client)
    assert copied
    token = csrf_token(client, "/")
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id)).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None))) == 0

    replay = app.test_client()
    replay.set_cookie("dpia_session", copied)
    response = replay.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_sign_out_needs_post(client, db, login_as):
    login_as(factories.create_user())
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


def test_session_cookie_changes_at_sign_in(client, db):
    user = factories.create_user()
    client.get("/sign-in")
    before = session_cookie(client)
    sign_in(client, user.email, factories.PASSWORD)
    after = session_cookie(client)
    assert before and after and before != after


def test_pre_sign_in_cookie_is_not_authenticated(app, client, db):
    user = factories.create_user()
    client.get("/sign-in")
    anonymous_cookie = session_cookie(client)
    sign_in(client, user.email, factories.PASSWORD)
    other = app.test_client()
    other.set_cookie("dpia_session", anonymous_cookie)
    assert other.get("/").status_code == 302


def test_session_expires_after_absolute_lifetime(app, client, db, login_as):
    user = factories.create_user()
    login_as(user)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.created_at = row.created_at - app.config["SESSION_ABSOLUTE_LIFETIME"] - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_cookie_flags(client, db):
    user = factories.create_user()
    client.get("/sign-in")
    response = sign_in(client, user.email, factories.PASSWORD)
    cookie_header = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "dpia_session" in v)
    assert "HttpOnly" in cookie_header
    assert "SameSite=Lax" in cookie_header
    assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_production_cookies_are_secure(monkeypatch):
    from dpia.config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("DPIA_BASE_URL", "https://dpia.example.org")
    settings = ProductionConfig.load()
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-")


class TestThrottle:
    def test_sixth_attempt_is_refused_even_with_the_right_password(self, client, db):
        user = factories.create_user()
        for _ in range(5):
            assert sign_in(client, user.email, "wrong password, five times").status_code == 200
        response = sign_in(client, user.email, factories.PASSWORD)
        assert response.status_code == 429
        assert "Too many attempts" in response.get_data(as_text=True)
        assert client.get("/").status_code == 302

    def test_other_accounts_are_unaffected(self, client, db):
        victim = factories.create_user()
        bystander = factories.create_user()
        for _ in range(6):
            sign_in(client, victim.email, "wrong password, many times")
        assert sign_in(client, bystander.email, factories.PASSWORD).status_code == 302

    def test_throttle_lifts_after_the_window(self, app, client, db):
        user = factories.create_user()
        for _ in range(5):
            sign_in(client, user.email, "wrong password, five times")
        window = app.config["LOGIN_THROTTLE_WINDOW"]
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.attempted_at = attempt.attempted_at - window
        db.session.commit()
        assert sign_in(client, user.email, factories.PASSWORD).status_code == 302

    def test_attempts_are_stored_without_the_email_address(self, client, db):
        user = factories.create_user()
        sign_in(client, user.email, "wrong password, once only")
        keys = db.session.scalars(select(LoginAttempt.account_key)).all()
        assert keys and all(user.email not in key for key in keys)

    def test_throttle_holds_across_separate_app_processes(self, tmp_path):
        """Two app instances on one database stand in for two gunicorn workers."""
        from flask_migrate import upgrade

        from dpia.core.extensions import db as ext_db

        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        worker_a, worker_b = make_app(url), make_app(url)
        with worker_a.app_context():
            upgrade()
            user = factories.create_user()
            email = user.email
            ext_db.session.commit()
        client_a, client_b = worker_a.test_client(), worker_b.test_client()
        for index in range(5):
            client = client_a if index % 2 else client_b
            sign_in(client, email, "wrong password, spread over workers")
        assert sign_in(client_a, email, factories.PASSWORD).status_code == 429
        assert sign_in(client_b, email, factories.PASSWORD).status_code == 429
        for app in (worker_a, worker_b):
            with app.app_context():
                ext_db.engine.dispose()


HOSTILE_NEXT = [
    "https://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "\\\\evil.example",
]


@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_hostile_next_is_ignored_after_sign_in(client, db, next_value):
    user = factories.create_user()
    response = sign_in(client, user.email, factories.PASSWORD, next=next_value)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_path_is_followed(client, db):
    user = factories.create_user(Role.ADMIN)
    response = client.get("/admin/users")
    assert response.headers["Location"] == "/sign-in?next=/admin/users"
    response = sign_in(client, user.email, factories.PASSWORD, next="/admin/users")
    assert response.headers["Location"] == "/admin/users"


def test_unknown_account_still_pays_for_a_hash_verification(client, db, monkeypatch):
    """Unknown accounts cost the same argon2id work as wrong passwords, so timing reveals nothing."""
    from dpia.accounts.services import sign_in as services

    calls = []
    monkeypatch.setattr(services, "burn_verification_time", lambda password: calls.append(password))
    sign_in(client, "nobody@example.test", "some long wrong password")
    assert calls == ["some long wrong password"]


def test_over_long_password_is_refused_before_hashing(client, db, monkeypatch):
    from dpia.accounts.services import sign_in as services

    monkeypatch.setattr(services, "verify_password", lambda *a: pytest.fail("hashed an over-long password"))
    user = factories.create_user()
    response = sign_in(client, user.email, "x" * 100_000)
    assert response.status_code == 200
    assert "128 characters or fewer" in response.get_data(as_text=True)


def test_old_attempts_are_dropped_at_the_next_attempt(client, db):
    """The attempts table cannot grow for ever: a sign-in clears that account's attempts over a day old."""
    from datetime import timedelta

    user = factories.create_user()
    sign_in(client, user.email, "an old wrong password")
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.attempted_at = attempt.attempted_at - timedelta(days=2)
    db.session.commit()
    sign_in(client, user.email, factories.PASSWORD)
    attempts = db.session.scalars(select(LoginAttempt)).all()
    assert len(attempts) == 1 and attempts[0].succeeded
