"""Password policy (ASVS 6.2): long enough, not absurdly long, not an obvious choice.

No composition rules: length is what makes a password strong, and composition rules push people to
predictable patterns.
"""

from __future__ import annotations

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
