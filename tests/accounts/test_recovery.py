"""Resetting a forgotten password by e-mail (issue 10, item 2; security.md S5): the same answer
whoever asks, a message only for a real active account, a throttle per account, a link that works
once for an hour, and a reset that ends every session of the person."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.accounts.services.passwords import verify_password
from dpia.core.audit.models import AuditEvent
from dpia.mail.models import OutboxMessage
from tests import factories
from tests.web import as_user, csrf_token, sign_in, text_of

NEW_PASSWORD = "my brand new reset passphrase"


def ask_for_reset(client, email: str):
    return client.post("/forgot-password", data={"csrf_token": csrf_token(client, "/forgot-password"),
                                                 "email": email})


def messages(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def goes_to_sign_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def choose(client, link: str, password: str):
    return client.post(link, data={"csrf_token": csrf_token(client, link), "password": password})


def test_the_sign_in_page_links_to_the_reset(client, db):
    assert 'href="/forgot-password"' in text_of(client.get("/sign-in"))


def test_the_answer_is_the_same_whether_or_not_the_account_exists(app, db, clock):
    real = factories.create_user(email="real@example.test")
    factories.create_user(email="gone@example.test", active=False)
    answers = {}
    for email in ("real@example.test", "nobody@example.test", "gone@example.test"):
        response = ask_for_reset(app.test_client(), email)
        answers[email] = (response.status_code, text_of(response).replace(email, "EMAIL"))
    assert len(set(answers.values())) == 1
    status, page = answers["real@example.test"]
    assert status == 200 and "Check your email" in page
    [message] = messages(db)
    assert message.to_address == real.email and "Reset your password" in message.subject
    assert "/reset-password/" in message.body_text and "Northshire Police" in message.body_text


def test_an_invited_account_without_a_password_gets_no_reset_message(app, db, clock):
    invited = factories.create_user()
    invited.password_hash = None
    assert ask_for_reset(app.test_client(), invited.email).status_code == 200
    assert messages(db) == []


def test_the_reset_form_cannot_flood_an_inbox(app, db, clock):
    real = factories.create_user()
    answers = {text_of(ask_for_reset(app.test_client(), real.email)) for _ in range(5)}
    assert len(answers) == 1  # throttled requests get the same page
    assert len(messages(db)) == 3
    clock.set(factories.CLOCK + timedelta(minutes=16))
    ask_for_reset(app.test_client(), real.email)
    assert len(messages(db)) == 4


def test_reset_requests_do_not_count_as_failed_sign_ins(app, db, clock):
    real = factories.create_user()
    for _ in range(6):
        ask_for_reset(app.test_client(), real.email)
    assert sign_in(app.test_client(), real.email, factories.PASSWORD).status_code == 302


def test_an_empty_form_says_what_to_fix(client, db):
    response = ask_for_reset(client, "")
    assert response.status_code == 400 and "Enter your email address" in text_of(response)


def test_a_reset_sets_the_password_and_ends_every_session(app, db, clock):
    person = factories.create_user(Role.TEAM_MEMBER)
    first, second = as_user(app, person), as_user(app, person)
    ask_for_reset(app.test_client(), person.email)
    link = factories.mailed_link(person.email, "/reset-password/")
    visitor = app.test_client()
    assert "Choose a new password" in text_of(visitor.get(link))
    response = choose(visitor, link, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "Your password has been reset" in text_of(visitor.get("/sign-in"))
    assert goes_to_sign_in(first) and goes_to_sign_in(second)
    assert verify_password(person.password_hash, NEW_PASSWORD) and person.password_changed_at == factories.CLOCK
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(person.id))))
    assert "auth.password_reset" in actions and actions[-1] == "auth.sessions_ended"


def test_a_reset_link_works_once(app, db, clock):
    person = factories.create_user()
    ask_for_reset(app.test_client(), person.email)
    link = factories.mailed_link(person.email, "/reset-password/")
    choose(app.test_client(), link, NEW_PASSWORD)
    latecomer = app.test_client()
    response = latecomer.post(link, data={"csrf_token": csrf_token(latecomer, "/forgot-password"),
                                          "password": "somebody else's choice of password"})
    assert response.status_code == 410 and "Ask for a new link" in text_of(response)
    assert verify_password(person.password_hash, NEW_PASSWORD)


@pytest.mark.parametrize(("after", "works"), [(timedelta(minutes=59, seconds=59), True),
                                              (timedelta(hours=1, seconds=1), False)])
def test_a_reset_link_expires_after_an_hour(app, db, clock, after, works):
    person = factories.create_user()
    before = person.password_hash
    ask_for_reset(app.test_client(), person.email)
    link = factories.mailed_link(person.email, "/reset-password/")
    visitor = app.test_client()
    token = csrf_token(visitor, link)
    clock.set(factories.CLOCK + after)
    response = visitor.post(link, data={"csrf_token": token, "password": NEW_PASSWORD})
    assert response.status_code == (302 if works else 410)
    assert (person.password_hash != before) is works


def test_a_newer_reset_link_replaces_the_older_one(app, db, clock):
    person = factories.create_user()
    ask_for_reset(app.test_client(), person.email)
    first = factories.mailed_link(person.email, "/reset-password/")
    clock.set(factories.CLOCK + timedelta(minutes=1))
    ask_for_reset(app.test_client(), person.email)
    second = factories.mailed_link(person.email, "/reset-password/")
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200


def test_a_refused_password_says_why_and_keeps_the_link(app, db, clock):
    person = factories.create_user()
    ask_for_reset(app.test_client(), person.email)
    link = factories.mailed_link(person.email, "/reset-password/")
    visitor = app.test_client()
    response = choose(visitor, link, "aaaaaaaaaaaaaaaaaaaa")
    assert response.status_code == 400
    assert "too easy to guess" in text_of(response) and "There is a problem" in text_of(response)
    assert choose(visitor, link, NEW_PASSWORD).status_code == 302


def test_an_unknown_link_gets_the_clear_page(client, db):
    response = client.get("/reset-password/made-up-token")
    assert response.status_code == 410 and "This link has expired" in text_of(response)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
