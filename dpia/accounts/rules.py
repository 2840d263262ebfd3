"""Pure account rules: the roles an account can hold, the password policy, and where sign-in may send people."""

from __future__ import annotations

import enum
from urllib.parse import unquote, urlsplit


class Role(enum.StrEnum):
    """What a person does in the assessment process; one account may hold several."""

    TEAM_MEMBER = "team_member"
    REVIEWER = "reviewer"
    DPO = "dpo"
    APPROVER = "approver"  # the accountable senior owner (SIRO, chief officer, authorising officer) who decides
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.TEAM_MEMBER: "Team member",
    Role.REVIEWER: "Reviewer",
    Role.DPO: "Data protection officer",
    Role.APPROVER: "Approver (senior responsible owner)",
    Role.ADMIN: "Administrator",
}


class TokenPurpose(enum.StrEnum):
    """What a single-use e-mailed link is for."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password


# Staff roles decide or administer; an account holding any of them must use a second factor.
ROLES_NEEDING_MFA = frozenset({Role.REVIEWER, Role.DPO, Role.APPROVER, Role.ADMIN})


def needs_mfa(roles: frozenset[Role]) -> bool:
    return bool(roles & ROLES_NEEDING_MFA)


# POSTs to these endpoints need the password (and a TOTP code where enrolled) given within the
# re-authentication window: recording a sign-off row, approving or rejecting, publication decisions,
# redactions, and changes to roles, MFA, passwords and access. Kept here, in one reviewed place, and
# enforced by one hook (dpia/accounts/views/reauthentication.py) rather than per view.
ENDPOINTS_NEEDING_RECENT_AUTHENTICATION = frozenset(
    {
        "assessments.review.sign_off",
        "assessments.review.decide",
        "assessments.publication.decide",
        "assessments.publication.slip",
        "assessments.publication.redact",
        "assessments.publication.unredact",
        "assessments.publication.schedule",
        "assessments.publication.withdraw",
        "account.mfa_setup",
        "admin.edit_user",
        "admin.reset_mfa",
        "admin.deactivate",
        "admin.reactivate",
        "admin.end_sessions",
    }
)


MIN_LENGTH = 15
MAX_LENGTH = 128

# Passwords that meet the length rule but are guessed first. Kept short and our own; a deployment
# wanting a breached-password list can extend this set.
OBVIOUS_PASSWORDS = frozenset(
    {
        "passwordpassword",
        "password1234567",
        "password12345678",
        "123456789012345",
        "1234567890123456",
        "qwertyuiopasdfgh",
        "qwertyuiopasdfghjkl",
        "iloveyouiloveyou",
        "letmeinletmein",
        "letmeinletmein1",
        "welcomewelcome1",
        "aaaaaaaaaaaaaaa",
        "changemechangeme",
        "administrator123",
        "correcthorsebatterystaple",
    }
)


def password_problems(password: str, *, email: str | None = None) -> list[str]:
    """Return what is wrong with a proposed password, as messages a user can act on."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be {MIN_LENGTH} characters or more")
    if len(password) > MAX_LENGTH:
        problems.append(f"Password must be {MAX_LENGTH} characters or fewer")
    lowered = password.lower()
    if lowered in OBVIOUS_PASSWORDS or len(set(lowered)) <= 2:
        problems.append("Password is too easy to guess; choose a longer phrase of unrelated words")
    if email and lowered == email.strip().lower():
        problems.append("Password must not be your email address")
    return problems


def _looks_like_local_path(candidate: str) -> bool:
    if not candidate.startswith("/") or candidate.startswith("//"):
        return False
    if "\\" in candidate:
        return False
    # Browsers and Werkzeug drop tabs, newlines and other control characters and may turn
    # "/\t/evil.example" into "//evil.example"; refuse anything containing them.
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in candidate):
        return False
    parts = urlsplit(candidate)
    return not parts.scheme and not parts.netloc


def safe_next_path(value: str | None, default: str) -> str:
    """Return `value` if it is a same-site path, else `default`.

    The check runs on the raw value and on its percent-decoded form, so `/%5Cevil.example` and
    `/%2F/evil.example` are refused as well as their literal spellings.
    """
    if not value:
        return default
    if _looks_like_local_path(value) and _looks_like_local_path(unquote(value)):
        return value
    return default
