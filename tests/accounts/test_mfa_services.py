"""The second factor's services (security.md A4): TOTP codes one step either side and never twice, the
throttle, single-use recovery codes, enrolment, and an administrator's reset."""

import logging
from datetime import timedelta
from urllib.parse import unquote

import pyotp
import pytest
from sqlalchemy import func, select

from dpia.accounts.models import RecoveryCode, UserSession
from dpia.accounts.rules import Role
from dpia.accounts.services import mfa
from dpia.accounts.services.sessions import start_session
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import PermissionDeniedError, ThrottledError, ValidationError
from tests import factories

NOW = factories.CLOCK
STEP = timedelta(seconds=30)


def code_at(moment, secret=factories.TOTP_SECRET):
    return pyotp.TOTP(secret).at(moment)


def actions(db, user):
    about_user = (AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id))
    return db.session.scalars(select(AuditEvent.action).where(*about_user).order_by(AuditEvent.seq)).all()


@pytest.fixture()
def staff(db):
    return factories.create_user(Role.REVIEWER)


def test_a_code_is_accepted_once_only(app, db, staff):
    assert mfa.verify_totp(staff, code_at(NOW), now=NOW)
    assert not mfa.verify_totp(staff, code_at(NOW), now=NOW + timedelta(seconds=5))  # replayed
    assert mfa.verify_totp(staff, code_at(NOW + STEP), now=NOW + STEP)  # the next step's is fine


def test_a_code_older_than_the_last_accepted_is_refused(app, db, staff):
    assert mfa.verify_totp(staff, code_at(NOW + STEP), now=NOW)  # the phone runs a little fast
    assert not mfa.verify_totp(staff, code_at(NOW), now=NOW)  # still within the window, but older


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_codes_one_step_either_side_are_accepted_and_no_further(app, db, staff, offset, accepted):
    assert mfa.verify_totp(staff, code_at(NOW + offset * STEP), now=NOW) is accepted


def test_spaces_in_a_code_are_ignored_and_letters_refused(app, db, staff):
    code = code_at(NOW)
    assert not mfa.verify_totp(staff, "abcdef", now=NOW)
    assert mfa.verify_totp(staff, f" {code[:3]} {code[3:]} ", now=NOW)


def test_a_person_without_a_second_factor_has_no_valid_code(app, db):
    person = factories.create_user(Role.TEAM_MEMBER)
    assert not mfa.verify_totp(person, code_at(NOW), now=NOW)


def test_wrong_codes_are_throttled_even_before_the_right_one(app, db, staff, caplog):
    limit = app.config["MFA_THROTTLE_ATTEMPTS"]
    with caplog.at_level(logging.INFO, logger="dpia.security"):
        for _ in range(limit):
            assert not mfa.verify_totp(staff, "000000", now=NOW)
        with pytest.raises(ThrottledError):
            mfa.verify_totp(staff, code_at(NOW), now=NOW + timedelta(seconds=1))
    lines = [r.getMessage() for r in caplog.records if r.name == "dpia.security"]
    assert sum('"event":"mfa_failed"' in line for line in lines) == limit
    assert any('"event":"mfa_throttled"' in line for line in lines)
    assert not any("000000" in line or code_at(NOW) in line or staff.email in line for line in lines)
    assert actions(db, staff).count("auth.mfa_failed") == limit
    assert "auth.mfa_throttled" in actions(db, staff)
    # Once the window has passed the right code works again.
    later = NOW + app.config["MFA_THROTTLE_WINDOW"] + timedelta(seconds=2)
    assert mfa.verify_totp(staff, code_at(later), now=later)


def test_the_throttle_is_per_person(app, db, staff):
    other = factories.create_user(Role.DPO)
    for _ in range(app.config["MFA_THROTTLE_ATTEMPTS"]):
        mfa.verify_totp(staff, "000000", now=NOW)
    assert mfa.verify_totp(other, code_at(NOW), now=NOW)


def enrolled(db, person, when=NOW):
    """Enrol `person` with a fresh secret; returns (secret, recovery codes)."""
    secret = mfa.start_enrolment()
    return secret, mfa.confirm_enrolment(person, secret, code_at(when, secret), actor=person, now=when)


def test_enrolment_needs_a_code_from_the_new_secret_and_issues_ten_hashed_codes(app, db, caplog):
    person = factories.create_user(Role.APPROVER, mfa=False)
    secret = mfa.start_enrolment()
    assert len(secret) >= 32 and secret != mfa.start_enrolment()
    with pytest.raises(ValidationError):
        mfa.confirm_enrolment(person, secret, code_at(NOW), actor=person, now=NOW)  # another secret's code
    assert not person.has_totp
    with caplog.at_level(logging.INFO, logger="dpia.security"):
        codes = mfa.confirm_enrolment(person, secret, code_at(NOW, secret), actor=person, now=NOW)
    assert person.has_totp and person.totp_secret == secret
    assert len(codes) == len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == person.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert "auth.mfa_enrolled" in actions(db, person)
    assert any('"event":"mfa_changed"' in r.getMessage() for r in caplog.records)
    assert not any(secret in r.getMessage() for r in caplog.records)
    # The code used to confirm is spent.
    assert not mfa.verify_totp(person, code_at(NOW, secret), now=NOW)


def test_nobody_enrols_someone_else(app, db):
    person, admin = factories.create_user(Role.DPO, mfa=False), factories.create_user(Role.ADMIN)
    secret = mfa.start_enrolment()
    with pytest.raises(PermissionDeniedError):
        mfa.confirm_enrolment(person, secret, code_at(NOW, secret), actor=admin, now=NOW)


def test_re_enrolment_replaces_the_secret_and_every_recovery_code(app, db):
    person = factories.create_user(Role.DPO, mfa=False)
    first_secret, first_codes = enrolled(db, person)
    second_secret, second_codes = enrolled(db, person, NOW + STEP)
    later = NOW + 3 * STEP
    assert not mfa.verify_totp(person, code_at(later, first_secret), now=later)
    assert not mfa.use_recovery_code(person, first_codes[0], now=later)
    assert mfa.verify_totp(person, code_at(later, second_secret), now=later)
    assert mfa.unused_recovery_codes(person) == 10 and second_codes[0] not in first_codes


def test_a_recovery_code_works_once_however_it_is_typed(app, db):
    person = factories.create_user(Role.DPO, mfa=False)
    _, codes = enrolled(db, person)
    assert mfa.use_recovery_code(person, "  " + codes[0].upper().replace("-", " ") + " ", now=NOW)
    assert not mfa.use_recovery_code(person, codes[0], now=NOW)
    assert mfa.use_recovery_code(person, codes[1].replace("-", ""), now=NOW)
    assert mfa.unused_recovery_codes(person) == 8
    assert not mfa.use_recovery_code(person, "nothi-ngvld", now=NOW)
    assert actions(db, person).count("auth.recovery_code_used") == 2


def test_wrong_recovery_codes_count_towards_the_throttle(app, db):
    person = factories.create_user(Role.DPO, mfa=False)
    _, codes = enrolled(db, person)
    for _ in range(app.config["MFA_THROTTLE_ATTEMPTS"]):
        assert not mfa.use_recovery_code(person, "wrong-guess", now=NOW)
    with pytest.raises(ThrottledError):
        mfa.use_recovery_code(person, codes[0], now=NOW)


def test_an_administrator_resets_mfa_and_every_session_ends(app, db):
    person, admin = factories.create_user(Role.APPROVER), factories.create_user(Role.ADMIN)
    mfa.verify_totp(person, code_at(NOW), now=NOW)
    for _ in range(2):
        start_session(person, now=NOW, mfa_satisfied=True)
    mfa.reset_mfa(actor=admin, user=person, now=NOW)
    assert not person.has_totp and person.totp_secret is None and person.totp_last_step is None
    assert db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == person.id)) == 0
    live = select(func.count(UserSession.id)).where(UserSession.user_id == person.id, UserSession.ended_at.is_(None))
    assert db.session.scalar(live) == 0
    assert {"auth.mfa_reset", "auth.sessions_ended"} <= set(actions(db, person))


def test_only_administrators_reset_mfa(app, db):
    person, dpo = factories.create_user(Role.APPROVER), factories.create_user(Role.DPO)
    with pytest.raises(PermissionDeniedError):
        mfa.reset_mfa(actor=dpo, user=person, now=NOW)
    assert person.has_totp


def test_the_qr_code_is_drawn_here_without_inline_styles(app, db, staff):
    uri = mfa.provisioning_svg(staff, factories.TOTP_SECRET, "Northshire Police DPIA")
    assert uri.startswith("data:image/svg+xml;")
    svg = unquote(uri.partition(",")[2])
    assert "<svg" in svg and "<path" in svg and "style=" not in svg
    uri = mfa.provisioning_uri(staff.email, factories.TOTP_SECRET, "Northshire Police DPIA")
    assert uri.startswith("otpauth://totp/") and f"secret={factories.TOTP_SECRET}" in uri
