"""Re-authentication before sensitive actions (security.md A5): more than 10 minutes after signing in, a
sign-off, an approval or a publication decision waits for the password and code, keeps what was typed,
and changes nothing until they are given."""

import html
import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from dpia.accounts.models import UserSession
from dpia.accounts.rules import Role
from dpia.core.audit.models import AuditEvent
from dpia.publication.models import PublicationDecision
from dpia.review.models import SignOff
from dpia.review.rules.states import RevisionState
from tests import factories
from tests.web import as_user, csrf_token, current_code, text_of

REF = "DPIA-2026-400"
REVISION = f"/assessments/{REF}/revisions/1"
LATER = factories.CLOCK + timedelta(minutes=11)  # past the 10-minute window, within the 30-minute idle timeout
# Typed text with characters that must survive a trip through hidden inputs.
NOTES = 'Proceed; "ANPR" <only> at the stadium & nowhere else\nSecond line'
HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')


@pytest.fixture()
def people(db):
    return factories.create_publication_setup()


def hidden_fields(response) -> MultiDict:
    return MultiDict([(html.unescape(name), html.unescape(value)) for name, value in HIDDEN.findall(text_of(response))])


def confirm(client, prompt, *, password=factories.PASSWORD, code=None):
    """Answer the prompt as a browser would: its hidden fields and the credentials."""
    data = hidden_fields(prompt)
    data["reauth_password"] = password
    data["reauth_code"] = code if code is not None else current_code(client.application, factories.TOTP_SECRET)
    return client.post(prompt.request.path, data=data)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audited(db, action) -> int:
    return db.session.scalar(select(func.count(AuditEvent.seq)).where(AuditEvent.action == action))


def test_a_late_sign_off_waits_for_the_password_and_code_then_records_what_was_typed(app, db, clock, people):
    factories.to_sign_off(people["revision"], people)
    db.session.commit()
    dpo = as_user(app, people["dpo"])
    token = csrf_token(dpo, f"{REVISION}/sign-off")
    clock.set(LATER)
    typed = {"csrf_token": token, "kind": "dpo_advice", "position": "Data Protection Officer",
             "recommendation": "proceed", "summary": NOTES}
    prompt = dpo.post(f"{REVISION}/sign-off", data=typed)
    assert prompt.status_code == 403 and "Confirm it’s you" in text_of(prompt)
    assert count(db, SignOff) == 0
    assert audited(db, "auth.reauthentication_required") == 1  # the held-back attempt is on record
    assert dict(hidden_fields(prompt)) == typed  # every field, the token among them, exactly as typed
    assert 'name="reauth_code"' in text_of(prompt)
    done = confirm(dpo, prompt)
    assert done.status_code == 302
    record = db.session.scalar(select(SignOff))
    assert record is not None and record.signer_id == people["dpo"].id
    assert NOTES in (record.notes or "", *map(str, record.details.values()))
    session_row = db.session.scalar(select(UserSession).where(UserSession.user_id == people["dpo"].id))
    assert session_row.authenticated_at == LATER
    assert audited(db, "auth.reauthenticated") == 1
    # Confirmed just now: the next sensitive POST goes straight through.
    again = dpo.post(f"{REVISION}/sign-off", data={**typed, "kind": "kept_under_review",
                                                   "next_review_date": ["30", "4", "2027"]})
    assert again.status_code == 302 and count(db, SignOff) == 2


def test_a_wrong_password_or_code_changes_nothing_and_is_audited(app, db, clock, people):
    factories.to_sign_off(people["revision"], people)
    db.session.commit()
    dpo = as_user(app, people["dpo"])
    token = csrf_token(dpo, f"{REVISION}/sign-off")
    clock.set(LATER)
    typed = {"csrf_token": token, "kind": "dpo_advice", "position": "Data Protection Officer",
             "recommendation": "proceed", "summary": NOTES}
    prompt = dpo.post(f"{REVISION}/sign-off", data=typed)
    wrong_password = confirm(dpo, prompt, password="not the password at all")
    body = text_of(wrong_password)
    assert wrong_password.status_code == 403 and "Enter your correct password and the code" in body
    assert dict(hidden_fields(wrong_password)) == typed  # still kept, for another try
    assert "not the password at all" not in body
    wrong_code = confirm(dpo, prompt, code="000000")
    assert wrong_code.status_code == 403
    assert count(db, SignOff) == 0
    session_row = db.session.scalar(select(UserSession).where(UserSession.user_id == people["dpo"].id))
    assert session_row.authenticated_at == factories.CLOCK
    # The failed attempts' audit rows were kept although the answers were errors.
    assert audited(db, "auth.reauthentication_failed") == 2
    assert audited(db, "auth.mfa_failed") == 1


def test_repeated_wrong_passwords_are_throttled(app, db, clock, people):
    factories.to_sign_off(people["revision"], people)
    db.session.commit()
    dpo = as_user(app, people["dpo"])
    token = csrf_token(dpo, f"{REVISION}/sign-off")
    clock.set(LATER)
    prompt = dpo.post(f"{REVISION}/sign-off", data={"csrf_token": token, "kind": "dpo_advice"})
    for _ in range(app.config["LOGIN_THROTTLE_ATTEMPTS"]):
        assert confirm(dpo, prompt, password="not the password at all").status_code == 403
    throttled = confirm(dpo, prompt)
    assert throttled.status_code == 429 and count(db, SignOff) == 0


def test_an_approval_after_the_window_needs_re_authentication(app, db, clock, people):
    factories.to_sign_off(people["revision"], people)
    factories.sign_all(people["revision"], people)
    db.session.commit()
    approver = as_user(app, people["approver"])
    token = csrf_token(approver, f"{REVISION}/sign-off")
    clock.set(LATER)
    prompt = approver.post(f"{REVISION}/decision", data={"csrf_token": token, "outcome": "approve"})
    assert prompt.status_code == 403
    assert people["revision"].state is RevisionState.AWAITING_SIGN_OFF
    assert confirm(approver, prompt).status_code == 302
    db.session.expire_all()
    assert people["revision"].state is RevisionState.APPROVED


def test_a_publication_decision_after_the_window_keeps_its_date_parts(app, db, clock, people):
    factories.approve(people)
    db.session.commit()
    dpo = as_user(app, people["dpo"])
    base = f"{REVISION}/publication"
    token = csrf_token(dpo, base)
    clock.set(LATER)
    typed = MultiDict([("csrf_token", token), ("decided_on", "11"), ("decided_on", "12"), ("decided_on", "2017"),
                       ("decided_by", "DPO"), ("scope", "redacted"), ("planned", "2018-Q2"), ("channel", "Website")])
    prompt = dpo.post(f"{base}/decision", data=typed)
    assert prompt.status_code == 403 and count(db, PublicationDecision) == 0
    assert hidden_fields(prompt).getlist("decided_on") == ["11", "12", "2017"]
    assert confirm(dpo, prompt).status_code == 302
    assert db.session.scalar(select(PublicationDecision.planned)) == "2018-Q2"


def test_within_ten_minutes_no_prompt_is_shown(app, db, clock, people):
    factories.to_sign_off(people["revision"], people)
    db.session.commit()
    dpo = as_user(app, people["dpo"])
    token = csrf_token(dpo, f"{REVISION}/sign-off")
    clock.set(factories.CLOCK + timedelta(minutes=10))
    response = dpo.post(f"{REVISION}/sign-off", data={"csrf_token": token, "kind": "dpo_advice",
                                                     "position": "Data Protection Officer",
                                                     "recommendation": "proceed", "summary": "Fine"})
    assert response.status_code == 302 and count(db, SignOff) == 1


def test_a_person_without_a_second_factor_confirms_with_the_password_alone(app, db, clock):
    admin = factories.create_user(Role.ADMIN, mfa=False)
    client = as_user(app, admin)
    setup = text_of(client.get("/account/two-factor"))
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', setup).group(1).replace(" ", "")
    token = csrf_token(client, "/account/two-factor")
    clock.set(LATER)
    prompt = client.post("/account/two-factor", data={"csrf_token": token,
                                                      "code": pyotp.TOTP(secret).at(LATER)})
    assert prompt.status_code == 403 and 'name="reauth_code"' not in text_of(prompt)
    data = hidden_fields(prompt)
    data["reauth_password"] = factories.PASSWORD
    done = client.post("/account/two-factor", data=data)
    assert done.status_code == 200 and "Two-factor authentication is set up" in text_of(done)
