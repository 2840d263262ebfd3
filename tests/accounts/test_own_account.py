"""A person's own account (issue 10, item 2; security.md S5): the account page, changing the password
with the current one (which ends the other sessions but keeps this one), and the sessions page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from dpia.accounts.models import UserSession
from dpia.accounts.rules import Role
from dpia.accounts.services.own_account import describe_device
from dpia.accounts.services.passwords import verify_password
from dpia.core.audit.models import AuditEvent
from tests import factories
from tests.web import as_user, csrf_token, sign_in, table_rows, text_of

NEW_PASSWORD = "an entirely new long passphrase"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def goes_to_sign_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def change(client, current: str, new: str):
    return client.post("/account/password", data={"csrf_token": csrf_token(client, "/account/password"),
                                                  "current_password": current, "new_password": new})


@pytest.fixture()
def person(db, clock):
    team = factories.create_team("Roads policing")
    return factories.create_user(Role.TEAM_MEMBER, teams=(team,), name="Pat Person")


def test_the_account_page_shows_who_you_are_and_links_onwards(app, person):
    page = text_of(as_user(app, person).get("/account"))
    for text in ("Pat Person", person.email, "Team member", "Roads policing", 'href="/account/password"',
                 'href="/account/sessions"'):
        assert text in page


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, db, person):
    here, elsewhere = as_user(app, person), as_user(app, person)
    response = change(here, factories.PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "signed out of 1 other session" in text_of(here.get(response.headers["Location"]))
    assert goes_to_sign_in(elsewhere)
    assert here.get("/").status_code == 200
    assert verify_password(person.password_hash, NEW_PASSWORD)
    assert person.password_changed_at == factories.CLOCK
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(person.id))))
    assert actions[-2:] == ["auth.password_changed", "auth.sessions_ended"]
    assert sign_in(app.test_client(), person.email, NEW_PASSWORD).status_code == 302


def test_a_password_change_long_after_signing_in_asks_who_you_are_first(app, db, clock, person):
    client = as_user(app, person)
    clock.set(factories.CLOCK + timedelta(minutes=11))
    before = person.password_hash
    response = change(client, factories.PASSWORD, NEW_PASSWORD)
    assert response.status_code == 403 and "Confirm it" in text_of(response)
    assert person.password_hash == before
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD,
        "csrf_token": csrf_token(client, "/account/password"), "reauth_password": factories.PASSWORD})
    assert response.status_code == 302
    assert verify_password(person.password_hash, NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing_and_counts_towards_the_throttle(app, db, person):
    client = as_user(app, person)
    before = person.password_hash
    response = change(client, "not my current password", NEW_PASSWORD)
    assert response.status_code == 400
    assert "Your current password is not correct" in text_of(response)
    assert person.password_hash == before
    for _ in range(4):
        change(client, "not my current password", NEW_PASSWORD)
    response = change(client, factories.PASSWORD, NEW_PASSWORD)
    assert response.status_code == 429 and "Too many attempts" in text_of(response)
    assert person.password_hash == before


def test_the_new_password_policy_says_why_and_no_password_is_shown_back(app, person):
    client = as_user(app, person)
    response = change(client, factories.PASSWORD, "short")
    page = text_of(response)
    assert response.status_code == 400
    assert "There is a problem" in page and "Password must be 15 characters or more" in page
    assert factories.PASSWORD not in page and 'value="short"' not in page
    response = change(client, factories.PASSWORD, person.email)
    assert "Password must not be your email address" in text_of(response)


def test_the_sessions_page_lists_each_live_session(app, db, clock, person):
    here = as_user(app, person)
    elsewhere = app.test_client()
    elsewhere.environ_base["HTTP_USER_AGENT"] = FIREFOX
    assert sign_in(elsewhere, person.email, factories.PASSWORD).status_code == 302
    clock.set(factories.CLOCK + timedelta(minutes=5))
    rows = table_rows(text_of(here.get("/account/sessions")), "Your sessions")
    assert rows[0][:4] == ["Device", "IP address", "Signed in", "Last active"]
    devices = [row[0] for row in rows[1:]]
    assert len(devices) == 2 and "Firefox on Windows" in devices
    assert sum("This device" in device for device in devices) == 1


def test_signing_out_one_session_from_the_sessions_page(app, db, person):
    here, elsewhere = as_user(app, person), as_user(app, person)
    other = db.session.scalars(select(UserSession).where(UserSession.user_id == person.id)
                               .order_by(UserSession.id.desc())).first()
    response = here.post(f"/account/sessions/{other.id}/end",
                         data={"csrf_token": csrf_token(here, "/account/sessions")})
    assert response.status_code == 302
    assert goes_to_sign_in(elsewhere) and here.get("/").status_code == 200


def test_nobody_ends_someone_else_s_session(app, db, person):
    stranger = factories.create_user()
    theirs = as_user(app, stranger)
    [their_session] = db.session.scalars(select(UserSession).where(UserSession.user_id == stranger.id)).all()
    client = as_user(app, person)
    response = client.post(f"/account/sessions/{their_session.id}/end",
                           data={"csrf_token": csrf_token(client, "/account/sessions")})
    assert response.status_code == 404
    assert theirs.get("/").status_code == 200


def test_signing_out_everywhere_else(app, db, person):
    here, second, third = as_user(app, person), as_user(app, person), as_user(app, person)
    response = here.post("/account/sessions/end-others", data={"csrf_token": csrf_token(here, "/account/sessions")})
    assert "signed out of 2 other sessions" in text_of(here.get(response.headers["Location"]))
    assert goes_to_sign_in(second) and goes_to_sign_in(third)
    assert here.get("/").status_code == 200


@pytest.mark.parametrize(("user_agent", "expected"), [
    (FIREFOX, "Firefox on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Safari/605.1.15", "Safari on Mac"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
     "Safari/537.36", "Chrome on Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
    ("curl/8.5.0", "Unknown device"),
    (None, "Unknown device"),
])
def test_a_device_is_described_as_people_know_it(user_agent, expected):
    assert describe_device(user_agent) == expected
