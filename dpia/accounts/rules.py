"""Pure account rules: the roles an account can hold, the password policy, and where sign-in may send people."""

from __future__ import annotations

import enum
import re
import threading
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

from zxcvbn import zxcvbn


class Role(enum.StrEnum):
    """What a person does in the assessment process; one account may hold several."""

    TEAM_MEMBER = "team_member"
    REVIEWER = "reviewer"
    DPO = "dpo"
    APPROVER = "approver"  # the accountable senior owner (SIRO, chief officer, authorising officer) who decides
    ADMIN = "admin"
    FOI_OFFICER = "foi_officer"  # records freedom of information requests and their answers

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.TEAM_MEMBER: "Team member",
    Role.REVIEWER: "Reviewer",
    Role.DPO: "Data protection officer",
    Role.APPROVER: "Approver (senior responsible owner)",
    Role.ADMIN: "Administrator",
    Role.FOI_OFFICER: "FOI officer",
}


class TokenPurpose(enum.StrEnum):
    """What a single-use e-mailed link is for."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password


# Staff roles decide or administer; an account holding any of them must use a second factor.
ROLES_NEEDING_MFA = frozenset({Role.REVIEWER, Role.DPO, Role.APPROVER, Role.ADMIN, Role.FOI_OFFICER})


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
        "assessments.publication.confirm",
        "assessments.publication.drop",
        "assessments.publication.schedule",
        "assessments.publication.withdraw",
        "assessments.attachments.publication",
        "account.mfa_setup",
        "api_tokens.new",
        "account.change_password",
        "admin.invite",
        "admin.resend_invitation",
        "admin.edit_user",
        "admin.reset_mfa",
        "admin.deactivate",
        "admin.reactivate",
        "admin.end_sessions",
    }
)


MIN_LENGTH = 15
MAX_LENGTH = 128

# zxcvbn scores 3 ("safely unguessable") from an estimated 10^8 guesses. Online, behind the sign-in
# throttle (5 a minute per account), that is some 40 years; offline, against argon2id at about 30 ms a
# guess, over a month of one core per account. Scores 0-2 are what cracking dictionaries and their
# rules try first. The demonstration password scores 3 and the tests' password 4.
MIN_ZXCVBN_SCORE = 3
WHAT_TO_DO = "Choose 3 or 4 unrelated words, like a short sentence only you would write"

# zxcvbn keeps the dictionary of the person's own details in a module global while it scores.
_zxcvbn_lock = threading.Lock()


@cache
def common_passwords() -> frozenset[str]:
    """Every entry of the lists zxcvbn ships (common and breached passwords, English words, names
    and surnames: about 94,000), lower-cased, loaded once on first use. Only exact matches of the
    whole password count here; zxcvbn itself finds these words inside longer passwords."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(entry.lower() for entries in FREQUENCY_LISTS.values() for entry in entries)


def _personal_words(email: str | None, name: str | None) -> list[str]:
    """The person's e-mail address, its parts and their name's parts, for zxcvbn to look for."""
    words: list[str] = []
    if email:
        email = email.strip().lower()
        words += [email, *re.split(r"[^a-z0-9]+", email)]
    if name:
        words += re.split(r"\W+", name.lower())
    return [word for word in words if len(word) >= 3]


def _words_of(matches: list[dict[str, Any]]) -> list[str | None]:
    """The dictionary words behind the lettered parts of zxcvbn's reading of a password; None for
    letters it could not explain (which a guesser would have to brute-force)."""
    words: list[str | None] = []
    for match in matches:
        if not any(ch.isalpha() for ch in match["token"]):
            continue
        if match["pattern"] == "dictionary":
            words.append(match["matched_word"])
        elif match["pattern"] == "repeat":
            words += _words_of(match["base_matches"])
        elif match["pattern"] == "bruteforce":
            words.append(None)
    return words


def _is_padded_word(matches: list[dict[str, Any]]) -> bool:
    """One common word or password, perhaps repeated, with digits, symbols, dates, repeats or
    keyboard runs around it: "Password123456!!", "charlie-2001-2002"."""
    words = _words_of(matches)
    return len(matches) > 1 and None not in words and len(set(words)) == 1


def _strength(password: str, personal_words: list[str]) -> dict[str, Any]:
    with _zxcvbn_lock:
        return zxcvbn(password, user_inputs=personal_words, max_length=MAX_LENGTH)


def _without(password: str, words: list[str]) -> str:
    """`password` (lower-cased) with each of `words` cut out, longest first."""
    rest = password.lower()
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, " ")
    return rest


def password_problems(password: str, *, email: str | None = None, name: str | None = None) -> list[str]:
    """Return what is wrong with a proposed password, as messages that say why and what to do.

    Only length and guessability count; there are no rules about kinds of character. `email` and
    `name` are the account's: what is left of the password once they are cut out must itself be
    hard to guess, since someone who knows the person tries those first.
    """
    if len(password) > MAX_LENGTH:
        # Refused before any further work: scoring (like hashing) megabytes costs time.
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    if len(password) < MIN_LENGTH:
        return [f"Password must be {MIN_LENGTH} characters or more"]
    lowered = password.lower()
    if email and lowered.strip() == email.strip().lower():
        return [f"Password must not be your email address. {WHAT_TO_DO}"]
    if lowered in common_passwords() or re.sub(r"\s+", "", lowered) in common_passwords():
        return [f"Password is on a list of common passwords and words, which are guessed first. {WHAT_TO_DO}"]
    personal = _personal_words(email, name)
    rest = _without(password, personal)
    if rest != lowered and _strength(rest, [])["score"] < MIN_ZXCVBN_SCORE:
        return [f"Password is too similar to your email address or name. {WHAT_TO_DO}"]
    strength = _strength(password, personal)
    padded = _is_padded_word(strength["sequence"])
    if strength["score"] >= MIN_ZXCVBN_SCORE and not padded:
        return []
    if padded:
        return ["Password is a common password or word with numbers, symbols or repeats added, "
                f"which are guessed early. {WHAT_TO_DO}"]
    feedback = strength["feedback"]
    advice = " ".join([feedback["warning"], *feedback["suggestions"]]).strip()
    return [f"Password is too easy to guess. {advice or WHAT_TO_DO}"]


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
