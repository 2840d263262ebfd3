"""The second factor in the browser's journey (security.md A4): the code step at sign-in, recovery codes,
enrolment, the gate that keeps staff without MFA from everything else, and an administrator's reset."""

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select

from dpia.accounts.models import UserRole, UserSession
from dpia.accounts.rules import Role
from dpia.accounts.services import mfa
from dpia.core.audit.models import AuditEvent
from tests import factories
from tests.web import as_user, csrf_token, current_code, sign_in, text_of

CODE_PAGE = "/sign-in/code"
SETUP = "/account/two-factor"


def password_step(app, user, next_path=None):
    client = app.test_client()
    extra = {"next": next_path} if next_path else {}
    response = sign_in(client, user.email, factories.PASSWORD, second_factor=False, **extra)
    assert response.status_code == 302 and response.headers["Location"] == CODE_PAGE
    return client


def post_code(client, code, field="code", token=None):
    return client.post(CODE_PAGE, data={field: code, "csrf_token": token or csrf_token(client, CODE_PAGE)})


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_an_enrolled_person_gets_no_session_until_the_code_is_entered(app, db, clock):
    reviewer = factories.create_user(Role.REVIEWER)
    client = password_step(app, reviewer, next_path="/assessments/new")
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == reviewer.id)) is None
    assert client.get("/").headers["Location"].startswith("/sign-in")
    page = client.get(CODE_PAGE)
    assert page.status_code == 200 and "Use a recovery code instead" in text_of(page)
    wrong = post_code(client, "000000")
    assert wrong.status_code == 200 and "Enter the 6-digit code shown in your authenticator app now" in text_of(wrong)
    right = post_code(client, current_code(app, factories.TOTP_SECRET))
    assert right.status_code == 302 and right.headers["Location"] == "/assessments/new"
    assert signed_in(client)
    session_row = db.session.scalar(select(UserSession).where(UserSession.user_id == reviewer.id))
    assert session_row.mfa_satisfied and session_row.ended_at is None


def test_the_code_step_expires_five_minutes_after_the_password(app, db, clock):
    reviewer = factories.create_user(Role.REVIEWER)
    client = password_step(app, reviewer)
    token = csrf_token(client, CODE_PAGE)
    clock.set(factories.CLOCK + timedelta(minutes=5, seconds=1))
    late = post_code(client, current_code(app, factories.TOTP_SECRET), token=token)
    assert late.status_code == 302 and late.headers["Location"] == "/sign-in"
    assert "not entered within 5 minutes" in text_of(client.get("/sign-in"))
    assert not signed_in(client)


def test_the_code_page_without_a_password_first_goes_to_sign_in(app, db):
    response = app.test_client().get(CODE_PAGE)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_a_code_used_to_sign_in_cannot_sign_in_again(app, db, clock):
    reviewer = factories.create_user(Role.REVIEWER)
    code = current_code(app, factories.TOTP_SECRET)
    assert post_code(password_step(app, reviewer), code).status_code == 302
    replay = password_step(app, reviewer)
    assert post_code(replay, code).status_code == 200
    assert not signed_in(replay)


def test_wrong_codes_at_sign_in_are_throttled(app, db, clock):
    reviewer = factories.create_user(Role.REVIEWER)
    client = password_step(app, reviewer)
    for _ in range(app.config["MFA_THROTTLE_ATTEMPTS"]):
        assert post_code(client, "000000").status_code == 200
    throttled = post_code(client, current_code(app, factories.TOTP_SECRET))
    assert throttled.status_code == 429 and "Too many wrong codes" in text_of(throttled)
    assert not signed_in(client)
    # The throttled attempt itself was kept although the answer was an error.
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.mfa_throttled")) is not None


def test_a_recovery_code_signs_in_once(app, db, clock):
    dpo = factories.create_user(Role.DPO, mfa=False)
    secret = mfa.start_enrolment()
    codes = mfa.confirm_enrolment(dpo, secret, pyotp.TOTP(secret).at(factories.CLOCK - timedelta(seconds=30)),
                                  actor=dpo, now=factories.CLOCK)
    db.session.commit()
    first = password_step(app, dpo)
    used = post_code(first, codes[0].upper(), field="recovery_code")
    assert used.status_code == 302
    dashboard = first.get("/")
    assert dashboard.status_code == 200 and "You have 9 left" in text_of(dashboard)
    again = password_step(app, dpo)
    refused = post_code(again, codes[0], field="recovery_code")
    assert refused.status_code == 200 and "Enter one of your unused recovery codes" in text_of(refused)
    assert "<details class=\"govuk-details\" open>" in text_of(refused)  # the recovery form is shown again
    assert not signed_in(again)


def test_staff_without_mfa_can_only_enrol_or_sign_out(app, db, clock):
    approver = factories.create_user(Role.APPROVER, mfa=False)
    client = as_user(app, approver)
    for path in ("/", "/assessments/new", "/account/sessions"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == SETUP, path
    token = csrf_token(client, SETUP)
    posted = client.post("/assessments/new", data={"title": "Anything", "csrf_token": token})
    assert posted.status_code == 303 and posted.headers["Location"] == SETUP
    page = text_of(client.get(SETUP))
    assert "You need to set up two-factor authentication before you can continue" in page
    assert '<img src="data:image/svg+xml;' in page and 'alt="QR code to scan' in page
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    wrong = client.post(SETUP, data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 200 and "Enter the 6-digit code" in text_of(wrong)
    assert client.get("/").status_code == 303  # still gated
    done = client.post(SETUP, data={"code": current_code(app, secret), "csrf_token": token})
    body = text_of(done)
    assert done.status_code == 200 and "Two-factor authentication is set up" in body
    shown = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", body)
    assert len(shown) == 10
    assert signed_in(client)
    # The codes are shown once: the page now shows the status instead.
    status = text_of(client.get(SETUP))
    assert "10 of 10" in status and not any(code in status for code in shown)
    db.session.expire_all()
    assert approver.has_totp and approver.totp_secret == secret


def test_someone_given_a_staff_role_while_signed_in_must_enrol_before_going_on(app, db, clock):
    person = factories.create_user(Role.TEAM_MEMBER)
    client = as_user(app, person)
    assert signed_in(client)
    person.role_rows.append(UserRole(role=Role.REVIEWER))
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"] == SETUP


def test_signing_out_works_before_enrolling(app, db, clock):
    dpo = factories.create_user(Role.DPO, mfa=False)
    client = as_user(app, dpo)
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, SETUP)})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_team_members_need_no_second_factor(app, db, clock):
    author = factories.create_user(Role.TEAM_MEMBER)
    assert not author.has_totp
    response = sign_in(app.test_client(), author.email, factories.PASSWORD, second_factor=False)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_enrolled_person_re_enrols_with_a_new_app(app, db, clock):
    reviewer = factories.create_user(Role.REVIEWER)
    client = as_user(app, reviewer)
    status = text_of(client.get(SETUP))
    assert "Set up a new authenticator app" in status
    token = csrf_token(client, SETUP)
    assert client.post(SETUP, data={"csrf_token": token}).status_code == 302
    page = text_of(client.get(SETUP))
    new_secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert new_secret != factories.TOTP_SECRET
    clock.set(factories.CLOCK + timedelta(seconds=30))
    done = client.post(SETUP, data={"code": current_code(app, new_secret), "csrf_token": token})
    assert done.status_code == 200 and "Any codes you had before no longer work" in text_of(done)
    db.session.expire_all()
    assert reviewer.totp_secret == new_secret


def test_an_mfa_reset_signs_the_person_out_everywhere(app, db, clock):
    approver, admin = factories.create_user(Role.APPROVER), factories.create_user(Role.ADMIN)
    phone, laptop = as_user(app, approver), as_user(app, approver)
    assert signed_in(phone) and signed_in(laptop)
    mfa.reset_mfa(actor=admin, user=approver, now=factories.CLOCK)
    db.session.commit()
    for client in (phone, laptop):
        response = client.get("/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    # Signing in again leads straight to enrolment.
    again = as_user(app, approver)
    assert again.get("/").headers["Location"] == SETUP
