"""The second factor: TOTP codes (RFC 6238) with replay protection and a throttle kept in the
database, single-use recovery codes, enrolment, and an administrator's reset."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select

from dpia.accounts.models import RecoveryCode, User
from dpia.accounts.services.attempts import prune_attempts, recent_attempts, record_attempt
from dpia.accounts.services.sessions import end_sessions_of
from dpia.core.audit.services import record_event
from dpia.core.errors import ThrottledError, ValidationError
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.core.permissions import require
from dpia.core.security_log import log_security_event
from dpia.permissions import can_manage_users

TIME_STEP_SECONDS = 30
# A code from the step before or after the current one is accepted, for clocks a little apart; no further.
ACCEPTED_STEP_DRIFT = 1
RECOVERY_CODE_COUNT = 10
# Lowercase letters and digits without the look-alikes 0/o, 1/l/i: 31 symbols, 10 per code, about 50 bits.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_CODE_LENGTH = 10
WRONG_CODE = "Enter the 6-digit code shown in your authenticator app now"
THROTTLED = "Too many wrong codes. Wait a minute and try again."


def user_awaiting_second_factor(user_id: object) -> User | None:
    """The person a pending sign-in is for, if they can still finish it: active and enrolled."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return user if user is not None and user.active and user.has_totp else None


def throttle_key(user: User) -> str:
    """The throttle's key for a person's second factor, hashed like the sign-in throttle's."""
    return sha256(f"totp:{user.id}")


def _throttle(user: User, *, now: datetime) -> None:
    """Refuse (and count) an attempt once too many codes were wrong inside the window.

    :raise ThrottledError: too many recent wrong codes for this person.
    """
    key = throttle_key(user)
    window: timedelta = current_app.config["MFA_THROTTLE_WINDOW"]
    prune_attempts(key, now=now)
    if recent_attempts(key, now=now, window=window) >= current_app.config["MFA_THROTTLE_ATTEMPTS"]:
        record_attempt(key, now=now, succeeded=False)
        record_event(actor=user, now=now, action="auth.mfa_throttled", object_type="user", object_id=user.id)
        log_security_event("mfa_throttled", outcome="throttled", actor=user.id, object=f"user:{user.id}")
        db.session.flush()
        raise ThrottledError(THROTTLED)


def _record_attempt(user: User, *, now: datetime, succeeded: bool, kind: str) -> None:
    record_attempt(throttle_key(user), now=now, succeeded=succeeded)
    if not succeeded:
        record_event(actor=user, now=now, action="auth.mfa_failed", object_type="user", object_id=user.id,
                     summary={"kind": kind})
        log_security_event("mfa_failed", outcome="failure", actor=user.id, object=f"user:{user.id}", kind=kind)
    db.session.flush()


def _normalise_totp(code: str) -> str:
    return "".join(code.split())


def matching_step(secret: str, code: str, *, now: datetime) -> int | None:
    """The time step whose code `code` is, if it is the current step's or one either side of it."""
    code = _normalise_totp(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=TIME_STEP_SECONDS)
    current = int(now.timestamp()) // TIME_STEP_SECONDS
    for step in range(current - ACCEPTED_STEP_DRIFT, current + ACCEPTED_STEP_DRIFT + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(user: User, code: str, *, now: datetime) -> bool:
    """Check a TOTP code of an enrolled person and record the attempt.

    A code is accepted once only: its time step must be later than the last one accepted, so a code
    seen over someone's shoulder (or an older one) cannot be used again.

    :raise ThrottledError: too many wrong codes recently.
    """
    _throttle(user, now=now)
    step = matching_step(user.totp_secret, code, now=now) if user.has_totp and user.totp_secret else None
    ok = step is not None and (user.totp_last_step is None or step > user.totp_last_step)
    if ok:
        user.totp_last_step = step
    _record_attempt(user, now=now, succeeded=ok, kind="totp")
    return ok


def normalise_recovery_code(code: str) -> str:
    """Recovery codes may be typed with or without the dash, with spaces, in either case."""
    return "".join(ch for ch in code.lower() if ch not in " -\t")


def use_recovery_code(user: User, code: str, *, now: datetime) -> bool:
    """Accept one of the person's unused recovery codes, once; a wrong one counts towards the throttle.

    :raise ThrottledError: too many wrong codes recently.
    """
    _throttle(user, now=now)
    row = None
    if user.has_totp:
        row = db.session.scalar(
            select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                                       RecoveryCode.code_hash == sha256(normalise_recovery_code(code)))
        )
    if row is not None:
        row.used_at = now
        record_event(actor=user, now=now, action="auth.recovery_code_used", object_type="user", object_id=user.id,
                     summary={"left": unused_recovery_codes(user) - 1})
        log_security_event("recovery_code_used", outcome="success", actor=user.id, object=f"user:{user.id}")
    _record_attempt(user, now=now, succeeded=row is not None, kind="recovery_code")
    return row is not None


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ) or 0


def start_enrolment() -> str:
    """A new random secret (160 bits, base32), held by the caller until a code from it is confirmed."""
    return pyotp.random_base32()


def totp_issuer() -> str:
    """The name authenticator apps show beside the code."""
    return f"{current_app.config['ORGANISATION_NAME']} DPIA"


def provisioning_uri(email: str, secret: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=TIME_STEP_SECONDS).provisioning_uri(name=email, issuer_name=issuer)


def provisioning_svg(user: User, secret: str, issuer: str) -> str:
    """The QR code of the provisioning URI, drawn here as SVG (the secret goes to no other service), as a
    data: URI for an <img>, which the content security policy allows and autoescaping leaves intact."""
    qr = segno.make(provisioning_uri(user.email, secret, issuer), error="m")
    return qr.svg_data_uri(scale=4, dark="#0b0c0c", light="#ffffff")


def _new_recovery_code() -> str:
    code = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_CODE_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def confirm_enrolment(user: User, secret: str, code: str, *, actor: User, now: datetime) -> list[str]:
    """Make `secret` the person's second factor once they have typed a code from it, and issue new
    recovery codes. Re-enrolling replaces the secret and every old recovery code.

    :return: the ten recovery codes in plain text, to show once; only their hashes are kept.
    :raise ValidationError: the code is not the secret's current one.
    :raise ThrottledError: too many wrong codes recently.
    """
    require(actor.id == user.id, "People set up their own two-factor authentication")
    _throttle(user, now=now)
    step = matching_step(secret, code, now=now)
    _record_attempt(user, now=now, succeeded=step is not None, kind="enrolment")
    if step is None:
        raise ValidationError(WRONG_CODE)
    re_enrolment = user.has_totp
    user.totp_secret = secret
    user.totp_enrolled_at = now
    user.totp_last_step = step
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=sha256(normalise_recovery_code(c)), created_at=now)
                       for c in codes)
    record_event(actor=actor, now=now, action="auth.mfa_enrolled", object_type="user", object_id=user.id,
                 summary={"re_enrolment": re_enrolment, "recovery_codes": RECOVERY_CODE_COUNT})
    log_security_event("mfa_changed", outcome="success", actor=actor.id, object=f"user:{user.id}",
                       change="re-enrolled" if re_enrolment else "enrolled")
    db.session.flush()
    return codes


def enrol_with_known_secret(user: User, secret: str, *, now: datetime) -> None:
    """Enrol a person with a secret that is already known elsewhere, without confirming a code or issuing
    recovery codes. Only the demonstration does this, with its published secrets; never a real account."""
    user.totp_secret = secret
    user.totp_enrolled_at = now
    user.totp_last_step = None
    record_event(actor=None, now=now, action="auth.mfa_enrolled", object_type="user", object_id=user.id,
                 summary={"re_enrolment": False, "recovery_codes": 0})
    db.session.flush()


def reset_mfa(*, actor: User, user: User, now: datetime) -> None:
    """An administrator removes a person's second factor (a lost phone) and signs them out everywhere.

    Staff must enrol again at their next sign-in before they can do anything else.
    """
    require(can_manage_users(actor), "Only administrators can reset two-factor authentication")
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record_event(actor=actor, now=now, action="auth.mfa_reset", object_type="user", object_id=user.id)
    log_security_event("mfa_changed", outcome="success", actor=actor.id, object=f"user:{user.id}", change="reset")
    end_sessions_of(user, actor=actor, now=now, reason="mfa reset")
    db.session.flush()
