"""No secrets in logs (security.md L2): a sign-in, a failed sign-in, a CSRF failure and a 403 log no
password, session cookie, session token or CSRF token; and the suite-wide check (tests/conftest.py,
tests/log_canaries.py) really captures every record and flags a planted secret."""

import logging
import secrets

import pytest

from dpia.accounts.rules import Role
from dpia.accounts.services.users import create_user
from tests import factories, log_canaries
from tests.web import csrf_token, sign_in


def session_contents(app, client) -> dict:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_a_sign_in_journey_logs_no_secret(app, client, db, clock, caplog):
    caplog.set_level(logging.DEBUG)
    password = f"orbit velvet {secrets.token_hex(4)} lantern"
    user = create_user(actor=None, now=clock(), email="journey@example.test", name="Journey Person",
                       password=password, roles=[Role.TEAM_MEMBER])
    wrong_password = f"not my password {secrets.token_hex(4)}"

    assert sign_in(client, user.email, wrong_password).status_code == 200
    assert sign_in(client, user.email, password).status_code == 302
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = csrf_token(client, "/")
    held = session_contents(app, client)
    foreign_token = csrf_token(app.test_client())
    assert client.post("/sign-out", data={"csrf_token": foreign_token}).status_code == 400  # CSRF failure
    assert client.get(f"/admin/users?csrf_token={token}").status_code == 403

    events = [line for line in caplog.messages if line.startswith("{")]
    assert len(events) >= 4, "the journey was logged"  # failure, success, csrf_failed, authorisation_denied
    secrets_seen = {password, wrong_password, cookie, held["sid"], held["csrf_token"], token, foreign_token}
    texts = [caplog.handler.format(record) for record in caplog.records]
    assert log_canaries.leaks(texts, secrets_seen) == []
    for secret in secrets_seen:
        assert secret not in caplog.text


def test_the_app_hands_out_secrets_and_the_run_remembers_them(app, client, db):
    """The suite-wide check knows every session cookie, session token and CSRF token a test saw."""
    user = factories.create_user()
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 302
    token = csrf_token(client, "/")
    held = session_contents(app, client)
    remembered = log_canaries.remembered()
    assert {client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value, held["sid"], held["csrf_token"],
            token} <= remembered
    assert {factories.PASSWORD, "demonstration-only"} <= remembered


def test_the_suite_wide_capture_sees_every_level_of_every_logger(suite_log_capture):
    marker = f"marker-{secrets.token_hex(16)}"  # not remembered, so the run stays clean
    logging.getLogger("some.third.party").debug("debug %s", marker)
    assert logging.getLogger().level == logging.DEBUG
    assert marker in suite_log_capture.texts[-1]
    assert log_canaries.leaks(suite_log_capture.texts[-1:], {marker})


def planted(secret: str) -> list[str]:
    """The texts a capture keeps for records that carry `secret` in each way a record can."""
    capture = log_canaries.LogCapture()
    logger = logging.getLogger("tests.planted")
    logger.addHandler(capture)
    logger.propagate = False
    try:
        logger.warning("an argument %s", secret)
        logger.warning("in extras", extra={"token": secret})
        try:
            raise ValueError(secret)
        except ValueError:
            logger.exception("in a traceback")
        logger.warning("embedded in a longer word: x%sy", secret)
        logger.warning("nothing to see")
    finally:
        logger.removeHandler(capture)
        logger.propagate = True
    return capture.texts


@pytest.mark.parametrize("secret", [secrets.token_urlsafe(32), "123456", factories.PASSWORD])
def test_the_checker_flags_a_planted_secret_however_it_is_logged(secret):
    texts = planted(secret)
    found = log_canaries.leaks(texts, {secret, "some other secret value"})
    assert len(found) == 4
    assert log_canaries.leaks(texts[-1:], {secret}) == []


@pytest.mark.parametrize("text", ["withheld CANARY-7f3a text", "dpo.canary-7f3a@example.test"])
def test_the_checker_flags_a_withheld_section_canary(text):
    assert log_canaries.leaks([text], set()) != []


def test_too_short_values_are_not_remembered():
    log_canaries.remember("12345")
    assert "12345" not in log_canaries.remembered()
