"""The security log (security.md L1): exactly one JSON line per security event, with the UTC time,
actor, source IP, event, object and outcome; no e-mail address for a failed sign-in; CR/LF kept on
one line; X-Forwarded-For believed only from TRUSTED_PROXIES."""

import json
import logging
from datetime import timedelta

import pytest
from flask import abort

from dpia.accounts.rules import Role
from dpia.accounts.services.sessions import end_sessions_of
from dpia.accounts.services.sign_in import SignInRefused, account_key, authenticate
from dpia.core import security
from dpia.core.errors import PermissionDeniedError
from dpia.core.security_log import client_ip, log_security_event
from tests import factories
from tests.web import as_user, csrf_token, sign_in

FIELDS = {"time", "actor", "ip", "event", "object", "outcome"}
CLOCK_TEXT = "2026-12-01T12:00:00.000Z"  # factories.CLOCK as the log writes it


@pytest.fixture()
def security_log(caplog):
    """The security log lines written during the test, each parsed from JSON."""
    caplog.set_level(logging.INFO, logger="dpia.security")

    def lines() -> list[dict]:
        records = [record for record in caplog.records if record.name == "dpia.security"]
        for record in records:
            assert "\n" not in record.getMessage() and "\r" not in record.getMessage()
        return [json.loads(record.getMessage()) for record in records]

    return lines


def only_event(lines: list[dict], event: str) -> dict:
    [line] = [line for line in lines if line["event"] == event]
    assert line.keys() >= FIELDS
    return line


def test_a_line_has_every_field_and_utc_time_from_the_app_clock(app, clock, security_log):
    with app.test_request_context("/somewhere", environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        log_security_event("example", outcome="success", actor=12, object="user:12", count=3)
    assert security_log() == [{"time": CLOCK_TEXT, "event": "example", "outcome": "success", "actor": 12,
                               "ip": "192.0.2.7", "object": "user:12", "count": 3}]


def test_sign_in_success_is_one_line(client, db, clock, security_log):
    user = factories.create_user(Role.TEAM_MEMBER)
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 302
    line = only_event(security_log(), "sign_in")
    assert line == {"time": CLOCK_TEXT, "event": "sign_in", "outcome": "success", "actor": user.id,
                    "ip": "127.0.0.1", "object": f"user:{user.id}", "method": "password"}


@pytest.mark.parametrize(("known", "reason"), [(True, "wrong_password"), (False, "unknown_account")])
def test_failed_sign_in_is_one_line_keyed_by_account_not_email(client, db, clock, security_log, caplog, known,
                                                               reason):
    email = factories.create_user().email if known else "nobody.here@example.test"
    assert sign_in(client, email, "not the right password at all").status_code == 200
    line = only_event(security_log(), "sign_in")
    assert line == {"time": CLOCK_TEXT, "event": "sign_in", "outcome": "failure", "actor": None,
                    "ip": "127.0.0.1", "object": f"account:{account_key(email)[:16]}", "reason": reason}
    assert email.split("@")[0] not in caplog.text


def test_a_deactivated_account_with_the_right_password_is_logged_as_such(client, db, security_log):
    user = factories.create_user(active=False)
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 200
    assert only_event(security_log(), "sign_in")["reason"] == "deactivated"


def test_throttled_sign_in_is_one_line(app, client, db, clock, security_log):
    user = factories.create_user()
    for _ in range(app.config["LOGIN_THROTTLE_ATTEMPTS"]):
        sign_in(client, user.email, "not the right password at all")
    assert [line["outcome"] for line in security_log()] == ["failure"] * app.config["LOGIN_THROTTLE_ATTEMPTS"]
    before = len(security_log())
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 429
    [line] = security_log()[before:]
    assert line == {"time": CLOCK_TEXT, "event": "sign_in", "outcome": "throttled", "actor": None,
                    "ip": "127.0.0.1", "object": f"account:{account_key(user.email)[:16]}",
                    "reason": "too_many_failures"}


def test_an_over_long_password_is_logged_as_a_failure(app, db, clock, security_log):
    """The form refuses it first; the service refuses it too, for any other caller."""
    user = factories.create_user()
    with pytest.raises(SignInRefused):
        authenticate(email=user.email, password="x" * 10_000, now=clock(), max_failures=5, window=timedelta(minutes=1))
    assert only_event(security_log(), "sign_in")["reason"] == "too_long"


def test_a_403_is_logged_as_authorisation_denied_without_the_query_string(app, db, clock, security_log):
    user = factories.create_user(Role.TEAM_MEMBER)
    client = as_user(app, user)
    assert client.get("/admin/users?search=secret-query-value").status_code == 403
    line = only_event(security_log(), "authorisation_denied")
    assert line == {"time": CLOCK_TEXT, "event": "authorisation_denied", "outcome": "denied", "actor": user.id,
                    "ip": "127.0.0.1", "object": "/admin/users", "method": "GET"}


@pytest.fixture()
def denying_app(database_url, monkeypatch):
    """An app with public routes that refuse in each way a view can: a service's
    PermissionDeniedError, and abort(403) on a path that carries a single-use token."""
    app = factories.make_app(database_url)

    @app.route("/service-refuses")
    def service_refuses():
        raise PermissionDeniedError("Only administrators can do that")

    @app.route("/links/<token>")
    def single_use_link(token):
        abort(403)

    monkeypatch.setattr(security, "PUBLIC_ENDPOINTS", security.PUBLIC_ENDPOINTS | {"service_refuses",
                                                                                     "single_use_link"})
    return app


def test_a_services_refusal_is_logged_as_authorisation_denied(denying_app, security_log):
    assert denying_app.test_client().get("/service-refuses").status_code == 403
    line = only_event(security_log(), "authorisation_denied")
    assert (line["actor"], line["object"], line["outcome"]) == (None, "/service-refuses", "denied")


def test_a_token_in_the_path_is_not_logged(denying_app, security_log, caplog):
    assert denying_app.test_client().get("/links/the-single-use-token-value").status_code == 403
    assert only_event(security_log(), "authorisation_denied")["object"] == "/links/<token>"
    assert "the-single-use-token-value" not in caplog.text


def test_a_csrf_failure_is_one_line(app, db, clock, security_log):
    user = factories.create_user(Role.TEAM_MEMBER)
    client = as_user(app, user)
    csrf_token(client, "/")  # the session now holds a CSRF secret, which the posted token must match
    assert client.post("/sign-out", data={"csrf_token": "not-the-token"}).status_code == 400
    line = only_event(security_log(), "csrf_failed")
    assert line == {"time": CLOCK_TEXT, "event": "csrf_failed", "outcome": "denied", "actor": user.id,
                    "ip": "127.0.0.1", "object": "/sign-out", "method": "POST",
                    "reason": "The CSRF token is invalid."}


def test_a_csrf_failure_at_sign_in_logs_neither_email_nor_password(client, db, security_log, caplog):
    response = client.post("/sign-in", data={"email": "typed.person@example.test",
                                             "password": "typed password canary value"})
    assert response.status_code == 400
    assert only_event(security_log(), "csrf_failed")["actor"] is None
    assert "typed.person" not in caplog.text and "typed password canary value" not in caplog.text


def test_ending_sessions_is_one_line(app, db, clock, security_log):
    admin, user = factories.create_user(Role.ADMIN), factories.create_user()
    as_user(app, user)
    end_sessions_of(user, actor=admin, now=clock(), reason="deactivated")
    line = only_event(security_log(), "sessions_ended")
    assert line == {"time": CLOCK_TEXT, "event": "sessions_ended", "outcome": "success", "actor": admin.id,
                    "ip": None, "object": f"user:{user.id}", "reason": "deactivated", "sessions": 1}


def test_signing_out_is_one_line(app, db, security_log):
    user = factories.create_user()
    client = as_user(app, user)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    line = only_event(security_log(), "sign_out")
    assert (line["actor"], line["object"], line["outcome"]) == (user.id, f"user:{user.id}", "success")


def test_cr_lf_in_a_name_or_typed_email_stays_on_one_line(app, client, db, security_log, caplog):
    forged = 'Eve\r\n{"event":"sign_in","outcome":"success","actor":1}'
    user = factories.create_user(name=forged)
    client_of_eve = as_user(app, user)
    client_of_eve.get("/admin/users")  # a 403 while signed in as her
    sign_in(client, f"eve\r\n{forged}@example.test", "not the right password at all")
    with app.test_request_context("/"):
        log_security_event("example", outcome="success", detail=forged)  # a value with CR/LF, if one is ever logged
    lines = security_log()  # asserts each line has no raw CR or LF, and parses as JSON
    assert [line["event"] for line in lines] == ["sign_in", "authorisation_denied", "sign_in", "example"]
    assert lines[-1]["detail"] == forged
    assert "Eve" not in caplog.text.replace(json.dumps(forged)[1:-1], "")  # the name appears nowhere else


# -- the source IP ---------------------------------------------------------------------------------

def ip_for(app, remote: str, forwarded: str | None) -> str | None:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": remote}, headers=headers):
        return client_ip()


def test_forwarded_for_is_ignored_without_trusted_proxies(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", "")
    assert ip_for(app, "10.0.0.2", "203.0.113.9") == "10.0.0.2"


def test_forwarded_for_is_believed_from_a_trusted_proxy(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", "10.0.0.0/24, 10.0.1.5")
    assert ip_for(app, "10.0.0.2", "203.0.113.9") == "203.0.113.9"
    # Through two trusted proxies: the first address from the right that is not a proxy.
    assert ip_for(app, "10.0.0.2", "203.0.113.9, 10.0.1.5") == "203.0.113.9"


def test_a_client_cannot_spoof_its_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", "10.0.0.0/24")
    # Sent straight to the app, bypassing the proxy: the header is not believed.
    assert ip_for(app, "192.0.2.50", "203.0.113.9") == "192.0.2.50"
    # Through the proxy, which appends the real address after whatever the client claimed.
    assert ip_for(app, "10.0.0.2", "198.51.100.1, 192.0.2.50") == "192.0.2.50"
    # A header that is not an address falls back to the proxy's.
    assert ip_for(app, "10.0.0.2", "not-an-address") == "10.0.0.2"


def test_the_logged_ip_comes_from_the_trusted_proxy_header(app, client, db, monkeypatch, security_log):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", "127.0.0.1")
    user = factories.create_user()
    client.post("/sign-in", data={"email": user.email, "password": "not the right password at all",
                                  "csrf_token": csrf_token(client)},
                headers={"X-Forwarded-For": "203.0.113.9"})
    assert only_event(security_log(), "sign_in")["ip"] == "203.0.113.9"
